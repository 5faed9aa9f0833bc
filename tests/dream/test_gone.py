"""The staleness pass for paths: a lesson about a folder the project removed is proposed for retirement."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.domain.changes import ChangeType
from reverie.domain.lessons import Lesson, LessonKind, Trigger
from reverie.dream import snapshot
from reverie.dream.passes import gone
from reverie.store import SQLiteStore
from tests.dream.factory import NOW, make, put, session_with_runs

LESSON_TIME = "2026-01-01T10:00:00Z"


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.db")


def view(store: SQLiteStore, sessions: tuple[str, ...]) -> snapshot.Snapshot:
    return snapshot.build(store, version=store.head().id, session_ids=sessions, now=NOW)


def generated_rule() -> Lesson:
    return make(
        "Do not edit `src/generated/`.",
        kind=LessonKind.RULE,
        trigger=Trigger(paths=("src/generated/**",)),
        when=LESSON_TIME,
    )


@pytest.mark.parametrize(
    "command", ["git rm -r src/generated", "rm -rf ./src/generated/", "git mv src/generated src/gen"]
)
def test_a_lesson_about_a_removed_folder_is_proposed_for_retirement(store: SQLiteStore, command: str) -> None:
    put(store, generated_rule())
    session_with_runs(store, "later", [(command, True, "2026-03-01T10:00:00Z")])
    (change,) = gone.propose(view(store, ("later",)))
    assert change.type is ChangeType.RETIRE and change.qualifier == "gone"
    assert [e.session_id for e in change.evidence] == ["later"]


@pytest.mark.parametrize(
    ("command", "ok", "when"),
    [
        ("git rm -r src/generated", False, "2026-03-01T10:00:00Z"),  # it failed
        ("git rm -r src/generated", True, "2025-12-01T10:00:00Z"),  # before the lesson was last confirmed
        ("rm -rf src/other", True, "2026-03-01T10:00:00Z"),  # another folder
        ("git mv src/old src/generated", True, "2026-03-01T10:00:00Z"),  # moved *into* it
    ],
)
def test_nothing_is_proposed_unless_a_clean_later_run_removed_that_path(
    store: SQLiteStore, command: str, ok: bool, when: str
) -> None:
    put(store, generated_rule())
    session_with_runs(store, "later", [(command, ok, when)])
    assert gone.propose(view(store, ("later",))) == []


def test_removed_paths_reads_sources_not_destinations() -> None:
    assert gone.removed_paths("git mv a.py b.py && rm -f c.txt ./d/") == ["a.py", "c.txt", "d"]
    assert gone.removed_paths("echo rm a.py") == []
