"""The recall ledger's contract: outcomes of injections and proposals from agents, each method once.
It is SQLite on each machine only (the team's proposals are ``postgres_team.TeamTables``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.store.recall_ledger import OutcomeRow, RecallLedger
from tests.store.test_schema import proposal


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[RecallLedger]:
    opened = RecallLedger(tmp_path / "recall-ledger.db")
    yield opened
    opened.close()


def outcome(lesson: str, result: str, when: str = "2026-01-01T00:00:00Z") -> OutcomeRow:
    return OutcomeRow("s1", lesson, when, "prompt", result, "seen in the next call")


def test_outcomes_are_written_once_per_injection_and_a_later_look_updates_them(ledger: RecallLedger) -> None:
    assert ledger.record_outcomes([outcome("L1", "unknown"), outcome("L2", "ignored")]) == 2
    ledger.record_outcomes([outcome("L1", "followed")])
    assert [(row.lesson_id, row.outcome) for row in ledger.outcomes()] == [("L1", "followed"), ("L2", "ignored")]
    assert [row.outcome for row in ledger.outcomes("L2")] == ["ignored"]
    assert ledger.outcome_counts() == {"L1": {"followed": 1}, "L2": {"ignored": 1}}


def test_proposals_round_trip_and_change_status_only(ledger: RecallLedger) -> None:
    ledger.add_proposal(proposal("p1"))
    ledger.add_proposal(proposal("p2"))
    assert ledger.proposal("p1") == proposal("p1") and ledger.proposal("nope") is None
    assert ledger.set_proposal_status("p1", "withdrawn") and not ledger.set_proposal_status("nope", "withdrawn")
    assert [p.id for p in ledger.proposals(status="pending")] == ["p2"]
    assert [(p.id, p.status) for p in ledger.proposals()] == [("p1", "withdrawn"), ("p2", "pending")]
