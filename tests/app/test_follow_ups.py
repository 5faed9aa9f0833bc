"""The application layer does each follow-up once, whichever edge calls it: the recall index is
rebuilt after the lessons change and only then, agents' requests become audited proposals, and
what needs a person refuses an agent before anything changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.app import dreams, lessons, proposals
from reverie.app import recall as app_recall
from reverie.domain.lessons import LessonStatus, ScopeLevel
from reverie.review import NotApprover
from reverie.review.actor import Actor
from tests.web.builders import Home, build

PERSON = Actor(name="ada")
AGENT = Actor(name="ada", agent_marker="CLAUDECODE")


@pytest.fixture
def home(tmp_path: Path, reverie_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    built = build(tmp_path, reverie_home, monkeypatch)
    yield built
    built.workspace.close()


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each rebuild of the recall index, with the number of lessons it indexed."""
    seen: list[int] = []
    real = app_recall.refresh_index

    def counted(workspace: object, **kwargs: object) -> int:
        seen.append(real(workspace, **kwargs))  # type: ignore[arg-type]
        return seen[-1]

    monkeypatch.setattr(app_recall, "refresh_index", counted)
    return seen


def _shown(home: Home) -> dict[str, str]:
    return {item.change.id: item.change.content_hash for item in home.workspace.store.dream_changes(home.dream_id)}


def test_accepting_a_dream_rebuilds_the_index_once_and_a_refusal_does_not(home: Home, rebuilds: list[int]) -> None:
    shown = _shown(home)
    stale = dict.fromkeys(shown, "0" * 64)  # approvals of content the person was never shown
    refused = dreams.accept(
        home.workspace, home.dream_id, actor=PERSON, command="test", only=list(shown), approved=stale
    )
    assert not refused.accepted and refused.refused and rebuilds == []
    outcome = dreams.accept(
        home.workspace, home.dream_id, actor=PERSON, command="test", only=list(shown), approved=shown
    )
    assert outcome.accepted and len(rebuilds) == 1
    assert rebuilds[0] == len(home.workspace.store.lessons(statuses=[LessonStatus.ACTIVE]))


def test_rollback_needs_a_person_and_rebuilds_the_index(home: Home, rebuilds: list[int]) -> None:
    shown = _shown(home)
    dreams.accept(home.workspace, home.dream_id, actor=PERSON, command="test", only=list(shown), approved=shown)
    with pytest.raises(NotApprover):
        dreams.rollback_plan(home.workspace, None, actor=AGENT, command="test")
    assert home.workspace.store.audit_log()[-1].action == "refuse"
    _, target, _ = dreams.rollback_plan(home.workspace, None, actor=PERSON, command="test")
    done = dreams.rollback(home.workspace, target.id, actor=PERSON, command="test")
    assert done.after.id == target.id and len(rebuilds) == 2


def test_an_agent_remembering_records_an_audited_proposal_and_changes_nothing(home: Home, rebuilds: list[int]) -> None:
    before = len(home.workspace.store.lessons())
    done = lessons.remember_text(
        home.workspace,
        "Run make check before pushing.",
        scope=ScopeLevel.GLOBAL,
        project=None,
        actor=AGENT,
        command="t",
    )
    assert done.proposal is not None and not done.lessons and rebuilds == []
    assert len(home.workspace.store.lessons()) == before
    assert home.workspace.store.audit_log()[-1].detail.startswith(f"{done.proposal.id}: remember")
    with pytest.raises(NotApprover):
        proposals.accept(home.workspace, done.proposal, actor=AGENT, command="t")
    applied = proposals.accept(home.workspace, done.proposal, actor=PERSON, command="t")
    assert applied.startswith("remembered ") and len(rebuilds) == 1


def test_a_person_remembering_writes_the_lesson_and_rebuilds_the_index(home: Home, rebuilds: list[int]) -> None:
    done = lessons.remember_text(
        home.workspace,
        "Run make check before pushing.",
        scope=ScopeLevel.GLOBAL,
        project=None,
        actor=PERSON,
        command="t",
    )
    assert done.proposal is None and done.lessons and len(rebuilds) == 1
    assert home.workspace.store.audit_log()[-1].action == "remember"
