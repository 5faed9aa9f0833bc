"""promote and evolve propose changes for review; only an accepted change reaches compile."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reverie.artifacts.model import Kind
from reverie.domain.changes import ChangeType
from reverie.domain.lessons import LessonStatus, Level, ScopeLevel
from reverie.errors import ConfigError, NotFoundError
from reverie.review import Actor, Policy, accept, approve, proposals
from tests.artifacts.conftest import NO_FORCE_PUSH, Env

INSTINCT = replace(NO_FORCE_PUSH, level=Level.INSTINCT)


def test_evolve_proposes_and_changes_nothing_until_accepted(env: Env) -> None:
    (stored,) = env.store([INSTINCT])
    proposal = proposals.propose_evolution(env.workspace.store, env.workspace.home, stored.id[:7], "hook")
    change = proposal.change
    assert change.type is ChangeType.EVOLVE and change.after[0].level is Level.HOOK
    assert "Thin evidence" in change.rationale  # one session where a hook asks for two
    assert env.workspace.store.lesson(stored.id).level is Level.INSTINCT  # type: ignore[union-attr]
    assert env.plan().actions == ()
    person = Actor(name="dev")
    approve(env.workspace.store, proposal.dream_id, change.id, actor=person, command="reverie approve")
    accepted = accept(env.workspace.store, proposal.dream_id, actor=person, policy=Policy(), command="reverie accept")
    assert accepted.accepted == (change.id,)
    assert env.workspace.store.lesson(stored.id).level is Level.HOOK  # type: ignore[union-attr]
    kinds = sorted(a.artifact.kind.value for a in env.compile().actions if a.verb == "write")
    assert kinds == [Kind.HOOK.value, Kind.RULES.value, Kind.RULES.value]


def test_promote_proposes_a_global_scope(env: Env) -> None:
    (stored,) = env.store([INSTINCT])
    proposal = proposals.propose_promotion(env.workspace.store, env.workspace.home, stored.id, "global")
    after = proposal.change.after[0]
    assert proposal.change.type is ChangeType.PROMOTE and after.scope.level is ScopeLevel.GLOBAL
    assert after.scope.project is None and proposal.to_json()["to"] == "global"


@pytest.mark.parametrize(
    ("lesson", "message"),
    [
        (replace(INSTINCT, status=LessonStatus.CANDIDATE), "only an active lesson"),
        (replace(INSTINCT, level=Level.SKILL), "already at level skill"),
        (replace(INSTINCT, durable=False), "one-off"),
    ],
)
def test_evolve_refuses_what_cannot_climb(env: Env, lesson: object, message: str) -> None:
    (stored,) = env.store([lesson])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match=message):
        proposals.propose_evolution(env.workspace.store, env.workspace.home, stored.id, "hook")


def test_unknown_lessons_are_named(env: Env) -> None:
    with pytest.raises(NotFoundError):
        proposals.propose_evolution(env.workspace.store, env.workspace.home, "Lnope", "rule")
