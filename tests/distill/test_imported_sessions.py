"""Our own recorded-style transcripts (tests/fixtures/sessions), through the real importer and distill."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.distill import distill
from reverie.domain.lessons import LessonStatus, ScopeLevel
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

SESSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "sessions"


def imported(store: SQLiteStore, *names: str) -> None:
    import_paths(store, [SESSIONS / name for name in names], stale_after=0)


def statements(store: SQLiteStore, *statuses: LessonStatus) -> list[str]:
    return [lesson.statement for lesson in store.lessons(statuses=list(statuses))]


def test_git_push_without_upstream_in_two_sessions(store: SQLiteStore) -> None:
    imported(store, "push-upstream-1.jsonl", "push-upstream-2.jsonl")
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == (
        "On this machine: `git push` fails here (no upstream branch); "
        "use `git push --set-upstream origin <branch>` instead."
    )
    assert lesson.status is LessonStatus.ACTIVE and lesson.scope.level is ScopeLevel.GLOBAL
    assert {e.transcript_line for e in lesson.evidence if e.role == "fix"} == {6}
    assert all(e.transcript_path and e.transcript_path.endswith(".jsonl") for e in lesson.evidence)


def test_corrections_guards_and_contradictions_in_a_real_shaped_session(store: SQLiteStore) -> None:
    imported(store, "corrections.jsonl")
    (outcome,) = distill(store, now=NOW).sessions
    active = statements(store, LessonStatus.ACTIVE)
    assert "In this project: Use `pnpm`, not `npm`." in active
    assert "In this project: Always indent with 4 spaces." in active
    assert set(statements(store, LessonStatus.RETIRED)) == {
        "In this project: Indent with 2 spaces.",
        "In this project: the javascript package manager is `npm`; use it for dependencies.",
    }
    everything = " ".join(statements(store, *LessonStatus)).lower()
    assert "curl" not in everything  # the README told agents to pipe a script into sh
    assert "generated files" not in everything  # reverie's own injected context
    once = [lesson for lesson in store.lessons() if "linter" in lesson.statement.lower()]
    assert all(not lesson.durable and lesson.scope.level is ScopeLevel.SESSION for lesson in once)  # just this once
    assert "2 superseded" in outcome.outcome


@pytest.mark.parametrize("name", ["truncated.jsonl", "no-prompts.jsonl"])
def test_bad_input_has_a_clear_outcome_and_no_partial_lesson(store: SQLiteStore, name: str) -> None:
    imported(store, name)
    (outcome,) = distill(store, now=NOW).sessions
    assert not outcome.failed
    for lesson in store.lessons():
        assert lesson.evidence and all(e.transcript_line for e in lesson.evidence)
    if name == "no-prompts.jsonl":
        assert "no typed prompts" in outcome.outcome
    else:
        assert "In this project: Never use sudo for installs." in statements(store, LessonStatus.ACTIVE)
