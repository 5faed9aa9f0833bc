"""The misfires pass: a compiled global lesson whose hook a person overrode or corrected in a project
is proposed for demotion, with the blocked calls and the answers as evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.changes import ChangeType
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus, Level, ScopeLevel, Trigger
from reverie.domain.sessions import Project
from reverie.dream import registry, snapshot
from reverie.dream.passes import misfires
from reverie.store import Batch, SQLiteStore
from tests.dream.factory import APP, NOW, WEB, evidence, make, put, session_with_runs

PUSH = "git push --force origin main"
WHEN = "2026-03-10T10:00:0{}Z"


def _hook_lesson(**fields: object) -> Lesson:
    """A global "never" lesson learned in WEB and compiled as a hook."""
    base = make("Never run `git push --force`.", project=None, sessions=("w1",), kind=LessonKind.RULE)
    return replace(base, level=Level.HOOK, trigger=Trigger(commands=("git push --force",)), **fields)  # type: ignore[arg-type]


def _blocked(lesson_id: str) -> str:
    return f"Blocked by reverie lesson {lesson_id}: Never run `git push --force`.\nThe call matches `git push --force`."


def _session(
    store: SQLiteStore, session_id: str, runs: Sequence[tuple[str, bool, str]], project: str | None = APP
) -> None:
    """A session whose shell calls came back with the given texts: (command, ok, result text)."""
    events = []
    for number, (command, ok, text) in enumerate(runs):
        call, when = f"{session_id}-t{number}", WHEN.format(number)
        common = {"tool_use_id": call, "transcript_line": 2 * number + 1}
        events.append(
            Event(
                f"{call}:call",
                session_id,
                EventKind.TOOL_CALL,
                Origin.AGENT,
                Source.TRANSCRIPT,
                when,
                tool_name="Bash",
                tool_input={"command": command},
                **common,
            )  # type: ignore[arg-type]
        )
        events.append(
            Event(
                f"{call}:result",
                session_id,
                EventKind.TOOL_RESULT,
                Origin.TOOL,
                Source.TRANSCRIPT,
                when,
                text=text,
                is_error=not ok,
                **common,
            )  # type: ignore[arg-type]
        )
    where = Project(key=project, name=project) if project else None
    session = Session(id=session_id, agent="claude-code", project=where)
    store.write(Batch(events=events, sessions=[session]))


def _view(store: SQLiteStore, *sessions: str) -> snapshot.Snapshot:
    return snapshot.build(store, version=store.head().id, session_ids=sessions, now=NOW)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.db")


@pytest.fixture
def hooked(store: SQLiteStore) -> Lesson:
    session_with_runs(store, "w1", [("git status", True, "2026-03-01T10:00:00Z")], project=WEB)
    (written,) = put(store, _hook_lesson())
    return written


def test_an_overridden_block_proposes_demotion_to_the_project_it_was_learned_in(
    store: SQLiteStore, hooked: Lesson
) -> None:
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id)), (f"REVERIE_ALLOW={hooked.id} {PUSH}", True, "ok")])
    (change,) = misfires.propose(_view(store, "a1"))
    assert change.type is ChangeType.DEMOTE and change.proposed_by == "misfires"
    assert change.before == (hooked,)
    retired, local = change.after
    assert retired.id == hooked.id and retired.status is LessonStatus.RETIRED
    assert local.scope.level is ScopeLevel.PROJECT and local.scope.project == WEB
    assert local.status is LessonStatus.ACTIVE and local.level is Level.HOOK and retired.superseded_by == local.id
    assert APP in change.rationale and "1 overridden" in change.rationale
    roles = {item.role: item for item in change.evidence}
    assert set(roles) == {"blocked", "override"}
    assert roles["blocked"].event_key == "a1-t0:result" and PUSH in roles["blocked"].excerpt
    assert roles["override"].event_key == "a1-t1:result" and change.shapes_behaviour


def test_a_block_followed_by_the_persons_correction_is_a_misfire(store: SQLiteStore, hooked: Lesson) -> None:
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id))])
    said = make("In this project: force pushing main is fine.", sessions=("a1",), status=LessonStatus.CANDIDATE)
    said = replace(said, evidence=(evidence("a1", WHEN.format(5), "no, git push --force is fine in this repo"),))
    put(store, said)
    (change,) = misfires.propose(_view(store, "a1"))
    assert change.type is ChangeType.DEMOTE
    assert {item.role for item in change.evidence} == {"blocked", "correction"}
    assert "followed by the person's correction" in change.rationale


def test_a_block_that_nobody_answered_is_the_hook_doing_its_job(store: SQLiteStore, hooked: Lesson) -> None:
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id)), ("git push origin main", True, "ok")])
    assert misfires.propose(_view(store, "a1")) == []


def test_a_correction_said_before_the_block_or_about_something_else_does_not_count(
    store: SQLiteStore, hooked: Lesson
) -> None:
    _session(store, "a1", [("ls", True, "ok"), (PUSH, False, _blocked(hooked.id))])
    earlier = replace(
        make("Push with care.", sessions=("a1",)),
        evidence=(evidence("a1", "2026-03-10T09:00:00Z", "git push --force is fine"),),
    )
    unrelated = replace(
        make("Use tabs.", sessions=("a1",)), evidence=(evidence("a1", WHEN.format(9), "use tabs, not spaces"),)
    )
    put(store, earlier, unrelated)
    assert misfires.propose(_view(store, "a1")) == []


def test_an_override_of_another_lesson_or_an_id_that_only_shares_a_prefix_is_not_a_misfire(
    store: SQLiteStore, hooked: Lesson
) -> None:
    _session(
        store,
        "a1",
        [(PUSH, False, _blocked(hooked.id + "ff")), (f"REVERIE_ALLOW=Lother,{hooked.id}x {PUSH}", True, "ok")],
    )
    _session(store, "a2", [(PUSH, False, _blocked(hooked.id)), (f"REVERIE_ALLOW='Lother, all' {PUSH}", True, "ok")])
    assert misfires.propose(_view(store, "a1")) == []
    (change,) = misfires.propose(_view(store, "a2"))  # "all" overrides every lesson
    assert change.before == (hooked,)


def test_only_active_global_lessons_compiled_as_rules_or_hooks_are_demoted(store: SQLiteStore) -> None:
    session_with_runs(store, "w1", [("git status", True, "2026-03-01T10:00:00Z")], project=WEB)
    instinct = replace(_hook_lesson(), level=Level.INSTINCT)
    local = replace(make("Never run `git push --force`.", project=APP, kind=LessonKind.RULE), level=Level.HOOK)
    put(store, instinct, local)
    runs = [(PUSH, False, _blocked(instinct.id) + " " + local.id), (f"REVERIE_ALLOW=all {PUSH}", True, "ok")]
    _session(store, "a1", runs)
    assert misfires.propose(_view(store, "a1")) == []


def test_a_misfire_in_the_project_it_was_learned_in_leaves_no_project_copy(store: SQLiteStore) -> None:
    session_with_runs(store, "w1", [("git status", True, "2026-03-01T10:00:00Z")], project=APP)
    (hooked,) = put(store, _hook_lesson())
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id)), (f"REVERIE_ALLOW={hooked.id} {PUSH}", True, "ok")])
    (change,) = misfires.propose(_view(store, "a1"))
    assert [lesson.status for lesson in change.after] == [LessonStatus.RETIRED]
    assert "no project of its own is left" in change.rationale


def test_a_session_without_a_project_and_garbled_commands_are_skipped(store: SQLiteStore, hooked: Lesson) -> None:
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id)), ("REVERIE_ALLOW='unterminated", True, "ok")])
    _session(
        store, "n1", [(PUSH, False, _blocked(hooked.id)), (f"REVERIE_ALLOW={hooked.id}", True, "ok")], project=None
    )
    assert misfires.propose(_view(store, "a1")) == []
    assert misfires.propose(_view(store, "n1")) == []  # no project to demote it from


def test_the_pass_runs_in_every_dream_right_after_promotion() -> None:
    names = [dream_pass.name for dream_pass in registry.passes()]
    assert names.index("misfires") == names.index("promotion") + 1


def test_a_lesson_an_earlier_pass_already_changed_is_left_alone(store: SQLiteStore, hooked: Lesson) -> None:
    _session(store, "a1", [(PUSH, False, _blocked(hooked.id)), (f"REVERIE_ALLOW={hooked.id} {PUSH}", True, "ok")])
    view = replace(_view(store, "a1"), changed=frozenset({hooked.id}))
    assert misfires.propose(view) == []
