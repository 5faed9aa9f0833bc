"""Store versions: the head is what readers see; rollback is a pointer swap; writes after it still work."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.domain.lessons import LessonStatus
from reverie.dream import DreamRequest, run_dream
from reverie.errors import InputError
from reverie.review import accept, rollback
from reverie.review.actor import Actor
from reverie.review.history import plan
from reverie.review.policy import Policy
from reverie.store import LessonBatch, SQLiteStore
from reverie.store.protocol import StoreConflict
from tests.dream.factory import NOW, choice, make, put

PERSON = Actor(name="ada")


def accepted_dream(store: SQLiteStore, home: Path) -> int:
    put(
        store,
        choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",)),
        choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b",)),
    )
    record = run_dream(store, home, DreamRequest(now=NOW))
    approved = {item.change.id: item.change.content_hash for item in store.dream_changes(record.id)}
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved=approved)
    assert done.version is not None
    return done.version.id


def test_distill_can_write_after_a_rollback_and_numbers_stay_increasing(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    accepted = accepted_dream(store, tmp_path)
    yarn = choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",))
    assert store.lesson(yarn.id).status is LessonStatus.RETIRED  # type: ignore[union-attr]
    rollback(store, None, actor=PERSON, command="t")
    restored = store.lesson(yarn.id)
    assert restored is not None and restored.status is LessonStatus.ACTIVE and restored.version == 1
    put(store, choice("yarn", "npm", when="2026-03-05T10:00:00Z", sessions=("a", "c")))
    latest = store.lesson(yarn.id)
    assert latest is not None and latest.version == 3 and "c" in latest.sessions  # 2 was the rolled-back one
    assert [v.version for v in store.lesson_versions(yarn.id)] == [1, 2, 3]
    rollback(store, accepted, actor=PERSON, command="t")  # rolling forward is a rollback too
    assert store.lesson(yarn.id).version == 2  # type: ignore[union-attr]


def test_a_racing_writer_is_still_refused(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    (written,) = put(store, make("Use ruff."))
    with pytest.raises(StoreConflict):  # the same version again: a writer that read an older head
        store.write_lessons(LessonBatch(lessons=[written]))


def test_rollback_refuses_proposals_and_unknown_versions(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    accepted_dream(store, tmp_path)
    proposed = next(v.id for v in store.store_versions() if v.created_by == "dream")
    with pytest.raises(InputError, match="proposal"):
        plan(store, proposed)
    with pytest.raises(Exception, match="no store version"):
        plan(store, 999)
    with pytest.raises(InputError, match="already the head"):
        rollback(store, store.head().id, actor=PERSON, command="t")
