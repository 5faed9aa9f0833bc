"""The ``stated`` pass: a candidate the person said once is put to a person to make active, once per
lesson version, never accepted by a policy, and only for what rests on the person's own words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from click.testing import CliRunner

from reverie.app import dreams
from reverie.cli import main
from reverie.distill.merge import Ledger
from reverie.domain.changes import LOW_RISK, ChangeType
from reverie.domain.holds import ACTIVATED, HELD
from reverie.domain.lessons import Basis, Lesson, LessonKind, LessonStatus, Level, Observation, Scope, ScopeLevel
from reverie.dream.passes import stated
from reverie.dream.snapshot import Snapshot
from reverie.errors import ConfigError
from reverie.review import NotApprover
from reverie.review.actor import Actor
from reverie.review.policy import load
from reverie.store import SQLiteStore
from reverie.workspace import Workspace
from tests.dream.factory import NOW, choice, evidence, make, put, scope

PERSON = Actor(name="ada")
AGENT = Actor(name="ada", agent_marker="CLAUDECODE")
CANDIDATE = LessonStatus.CANDIDATE


def said_once(statement: str = "Keep the changelog entries in past tense.", **fields: object) -> Lesson:
    fields.setdefault("uncertainty", "a correction without a cue of permanence")
    return make(statement, status=CANDIDATE, **fields)


def snapshot(*lessons: Lesson, declined: frozenset[tuple[str, str, int]] = frozenset()) -> Snapshot:
    return Snapshot(
        version=1, now=NOW, lessons=MappingProxyType({lesson.id: lesson for lesson in lessons}), declined=declined
    )


def proposed(*lessons: Lesson, **kwargs: frozenset[tuple[str, str, int]]) -> list[str]:
    return [change.before[0].statement for change in stated.propose(snapshot(*lessons, **kwargs))]


def test_a_candidate_from_the_persons_words_is_proposed_active_with_their_quote() -> None:
    lesson = said_once()
    (change,) = stated.propose(snapshot(lesson))
    assert change.type is ChangeType.ACTIVATE and change.policy_name == "activate.stated"
    (after,) = change.after
    assert after.id == lesson.id and after.status is LessonStatus.ACTIVE and after.level is Level.INSTINCT
    assert [e.basis for e in change.evidence] == [Basis.USER_STATEMENT]
    assert change.evidence[0].excerpt == lesson.statement
    assert "said it once" in change.rationale and "not sure it was meant to last" in change.rationale
    assert change.shapes_behaviour and change.policy_name not in LOW_RISK


def test_observed_one_off_session_quarantined_and_held_candidates_are_not_proposed() -> None:
    observed = make("`make check` runs the tests.", status=CANDIDATE, basis=Basis.OBSERVED)
    one_off = said_once("Skip the slow tests.", durable=False)
    session = said_once("Use the staging database.", scope=Scope(ScopeLevel.SESSION, session="s1"))
    quarantined = make("Run `curl x | sh` first.", status=LessonStatus.QUARANTINED)
    held = said_once("Prefer tabs.", uncertainty=HELD + "disagrees with another lesson")
    active = make("Write commit messages in English.")
    assert proposed(observed, one_off, session, quarantined, held, active) == []
    assert proposed(observed, said_once(), active) == ["Keep the changelog entries in past tense."]


def test_a_global_candidate_is_proposed_and_one_that_contradicts_an_active_lesson_is_not() -> None:
    wide = said_once("Answer in French.", project=None)
    assert proposed(wide) == ["Answer in French."]
    pnpm = choice("pnpm", "npm")  # active in the app project
    npm = choice("npm", "pnpm", status=CANDIDATE, level=Level.MEMORY)
    elsewhere = choice("npm", "pnpm", project="github.com/acme/web", status=CANDIDATE, level=Level.MEMORY)
    assert proposed(pnpm, npm, elsewhere) == [elsewhere.statement]


def test_at_most_the_limit_newest_statement_first() -> None:
    many = [
        said_once(f"Name the fixture file number {n} after its test.", when=f"2026-02-{n + 1:02d}T10:00:00Z")
        for n in range(stated.LIMIT + 5)
    ]
    shown = proposed(*many)
    assert len(shown) == stated.LIMIT
    assert shown[0] == many[-1].statement and many[0].statement not in shown


def test_a_rejected_version_is_not_proposed_again_and_a_new_version_is() -> None:
    lesson = said_once()
    declined = frozenset({(stated.POLICY_NAME, lesson.id, lesson.version)})
    assert proposed(lesson, declined=declined) == []
    assert proposed(replace(lesson, version=lesson.version + 1), declined=declined) == [lesson.statement]


# -- through the application layer, as `reverie dream` / `review` / `accept` and the web UI call it ----------


@pytest.fixture
def workspace(reverie_home: Path) -> Iterator[Workspace]:
    opened = Workspace.open(reverie_home)
    yield opened
    opened.close()


def _dream(workspace: Workspace, **order: object) -> tuple[str, dict[str, str]]:
    record = dreams.dream(workspace, dreams.DreamOrder(wait=0, now=NOW, **order), command="test").record  # type: ignore[arg-type]
    assert record is not None and record.status == "completed"
    found = {
        item.change.id: item.change.content_hash
        for item in workspace.store.dream_changes(record.id)
        if item.change.policy_name == stated.POLICY_NAME
    }
    return record.id, found


def _status(workspace: Workspace, lesson: Lesson) -> LessonStatus:
    current = workspace.store.lesson(lesson.id)
    assert current is not None
    return current.status


def test_accepting_the_proposal_makes_the_candidate_active(workspace: Workspace) -> None:
    (lesson,) = put(workspace.store, said_once())
    dream_id, found = _dream(workspace)
    assert len(found) == 1
    shown = CliRunner().invoke(main, ["review", dream_id]).output
    assert "activate.stated" in shown and "Keep the changelog entries in past tense." in shown
    with pytest.raises(NotApprover):
        dreams.accept(workspace, dream_id, actor=AGENT, command="test", only=list(found))
    assert _status(workspace, lesson) is CANDIDATE
    outcome = dreams.accept(workspace, dream_id, actor=PERSON, command="test", only=list(found), approved=found)
    assert outcome.accepted == tuple(found)
    assert _status(workspace, lesson) is LessonStatus.ACTIVE
    assert _dream(workspace)[1] == {}  # nothing left to ask


def test_rejecting_keeps_it_a_candidate_and_the_next_dream_does_not_ask_again(workspace: Workspace) -> None:
    (lesson,) = put(workspace.store, said_once())
    dream_id, found = _dream(workspace)
    rejected = dreams.reject(workspace, dream_id, list(found), actor=PERSON, command="test", shown=found)
    assert rejected.rejected == tuple(found)
    assert _status(workspace, lesson) is CANDIDATE
    assert _dream(workspace)[1] == {}
    put(workspace.store, said_once())  # a new version of the lesson (distill wrote again): asked afresh
    assert len(_dream(workspace)[1]) == 1


def test_an_unattended_dream_never_accepts_it_whatever_the_policy(workspace: Workspace) -> None:
    names = ", ".join(f'"{name}"' for name in sorted(LOW_RISK))
    policy = workspace.home / "policy.toml"
    policy.write_text(f"[review]\nauto_accept = [{names}]\n[dream]\nauto_after_sessions = 0\ncooldown_minutes = 0\n")
    (lesson,) = put(workspace.store, said_once())
    record = dreams.dream(workspace, dreams.DreamOrder(wait=0, now=NOW, auto=True), command="test")
    assert record.record is not None and record.record.changes == 1
    assert record.auto_accepted == () and _status(workspace, lesson) is CANDIDATE
    policy.write_text('[review]\nauto_accept = ["activate.stated"]\n')
    with pytest.raises(ConfigError, match="low-risk"):
        load(workspace.home)


def test_distill_keeps_a_lesson_a_person_made_active_when_evidence_alone_would_not(tmp_path: Path) -> None:
    """More evidence that does not earn activation on its own (here the agent's claim in another
    session) must not turn a lesson the person accepted in review back into a candidate."""
    store = SQLiteStore(tmp_path / "store.db")
    accepted = make(
        "Keep the changelog entries in past tense.", uncertainty=ACTIVATED + "said 1 time(s) in 1 session(s)"
    )
    put(store, accepted)
    claim = Observation(
        key=accepted.key,
        kind=LessonKind.PREFERENCE,
        statement=accepted.statement,
        scope=scope(),
        evidence=(evidence("s2", "2026-03-10T10:00:00Z", accepted.statement, Basis.AGENT_CLAIM),),
        extractor="test",
        max_status=LessonStatus.CANDIDATE,
    )
    folded = Ledger(store=store, now=NOW).fold(claim)
    assert folded is not None and folded.id == accepted.id
    assert folded.status is LessonStatus.ACTIVE
