"""The dream proposes as stale a lesson whose premise recall found gone from the workspace, with that
finding as the evidence; nothing is retired until a person accepts it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reverie.app.dreams import DreamOrder, dream, premise_checks
from reverie.domain.changes import ChangeType
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus
from reverie.dream import snapshot
from reverie.dream.passes import premises
from reverie.recall import respond
from reverie.store import SQLiteStore
from reverie.workspace import Workspace
from tests.dream.factory import APP, NOW, make, put, session_with_runs
from tests.recall.builders import PROJECT, lesson, store_lessons
from tests.recall.conftest import make_checkout

REASON = "the Makefile has no `check` target any more"
LATER = "2026-03-10T10:00:00Z"


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.db")


def view(store: SQLiteStore, checks: dict[str, dict[str, str]]) -> snapshot.Snapshot:
    found = [snapshot.PremiseCheck(session, unmet) for session, unmet in checks.items()]
    return snapshot.build(store, version=store.head().id, session_ids=tuple(checks), now=NOW, premises=found)


def make_check(**fields: object) -> object:
    return make("Run the tests with `make check`.", kind=LessonKind.FACT, when="2026-03-01T10:00:00Z", **fields)


def test_a_failed_premise_in_the_newest_checked_session_is_proposed_stale(store: SQLiteStore) -> None:
    (item,) = put(store, make_check())  # type: ignore[arg-type]
    session_with_runs(store, "later", [("make test", True, LATER)])
    (change,) = premises.propose(view(store, {"later": {item.id: REASON}}))
    assert change.type is ChangeType.RETIRE and change.qualifier == "premise" and change.proposed_by == "premises"
    assert change.after[0].status is LessonStatus.RETIRED and REASON in change.rationale
    assert change.evidence[0].role == "premise" and REASON in change.evidence[0].excerpt
    assert change.evidence[0].session_id == "later"
    assert store.lesson(item.id).status is LessonStatus.ACTIVE  # proposed, not done  # type: ignore[union-attr]


def test_a_premise_that_held_again_later_or_a_lesson_confirmed_since_is_kept(store: SQLiteStore) -> None:
    (item,) = put(store, make_check())  # type: ignore[arg-type]
    session_with_runs(store, "failed", [("make test", True, LATER)])
    session_with_runs(store, "restored", [("make check", True, "2026-03-12T10:00:00Z")])
    assert premises.propose(view(store, {"failed": {item.id: REASON}, "restored": {}})) == []
    session_with_runs(store, "before", [("make test", True, "2026-02-01T10:00:00Z")])  # before it was confirmed
    assert premises.propose(view(store, {"before": {item.id: REASON}})) == []


def test_global_lessons_and_other_projects_sessions_are_left_alone(store: SQLiteStore) -> None:
    (everywhere,) = put(store, make_check(project=None))  # type: ignore[arg-type]
    (mine,) = put(store, make("Lint with `make lint`.", kind=LessonKind.FACT, when="2026-03-01T10:00:00Z"))
    session_with_runs(store, "later", [("make test", True, LATER)])
    session_with_runs(store, "elsewhere", [("make test", True, LATER)], project="github.com/x/other")
    found = premises.propose(view(store, {"later": {everywhere.id: REASON}, "elsewhere": {mine.id: REASON}}))
    assert found == [] and APP != "github.com/x/other"


def test_the_next_dream_reads_what_the_session_start_hook_found(reverie_home: Path, tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "shop", PROJECT)
    statement = "In this project: run the tests with `make check`."
    item = lesson("fact:test", statement, kind=LessonKind.FACT, commands=("make check",))
    workspace = Workspace.open(reverie_home)
    try:
        _dream_after_a_session_start(workspace, checkout, item)
    finally:
        workspace.close()


def _dream_after_a_session_start(workspace: Workspace, checkout: Path, item: Lesson) -> None:
    store_lessons(workspace, [item])
    (checkout / "Makefile").write_text("test:\n\tpytest\n")
    start = {"session_id": "s-after", "cwd": str(checkout), "hook_event_name": "SessionStart", "source": "startup"}
    shown = respond.answer("claude-code", "SessionStart", start, str(workspace.home), {})
    assert "make check" not in shown  # hidden: its premise failed
    assert premise_checks(workspace.home, ["s-after", "unseen"])[0].unmet == {item.id: REASON}
    session_with_runs(workspace.store, "s-after", [("make test", True, "2026-07-01T10:00:00Z")], project=PROJECT)
    done = dream(workspace, DreamOrder(session_ids=["s-after"], now=datetime(2026, 7, 2, tzinfo=UTC)), command="t")
    assert done.record is not None and done.record.status == "completed"
    stale = [c for c in workspace.store.dream_changes(done.record.id) if c.change.proposed_by == "premises"]
    assert [(c.change.before[0].id, c.change.qualifier) for c in stale] == [(item.id, "premise")]
    assert workspace.store.lesson(item.id).status is LessonStatus.ACTIVE  # type: ignore[union-attr]
