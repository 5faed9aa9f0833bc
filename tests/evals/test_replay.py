"""The baselines through the real replay, on the shared small scenario."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reverie.evals.baselines import KeywordCorrections, NoMemory, RememberEverything, ReverieDistill, ReverieDreams
from reverie.evals.generator import Scenario
from reverie.evals.replay import RunResult, replay, sessions_of
from reverie.store import Store

# Whole replays of the 120-session scenario: most of their time is the recall index rebuilt after every
# session, as the product does. They run in `make test`; the adapter test with a fake distill stays fast.
slow = pytest.mark.slow


@pytest.fixture(scope="module")
def baseline_run(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return replay(
        scenario.truth,
        sessions_of(scenario.truth, scenario.root),
        [NoMemory, RememberEverything, KeywordCorrections, ReverieDreams],
        workdir=tmp_path_factory.mktemp("replay"),
        checkpoints=4,
    )


def _final(run: RunResult, name: str) -> dict[str, Any]:
    return next(m for m in run.memories if m.name == name).final


@slow
def test_the_replay_imports_every_session_cleanly(baseline_run: RunResult, scenario: Scenario) -> None:
    assert baseline_run.sessions == len(scenario.truth.sessions)
    assert baseline_run.import_problems == () and baseline_run.identity_mismatches == 0
    assert len(next(m for m in baseline_run.memories if m.name == "no-memory").series) == 4


@slow
def test_no_memory_prevents_nothing_and_harms_nothing(baseline_run: RunResult) -> None:
    final = _final(baseline_run, "no-memory")
    assert final["prevention"].denominator > 0 and final["prevention"].numerator == 0
    assert final["poisoning"].numerator == 0 and final["overreach"].numerator == 0
    assert final["tokens_per_session"].numerator == 0


@slow
def test_remembering_everything_is_imprecise_overreaching_and_poisoned(baseline_run: RunResult) -> None:
    final = _final(baseline_run, "remember-everything")
    assert final["precision"].value is not None and final["precision"].value < 0.5
    assert final["overreach"].value is not None and final["overreach"].value > 0.5
    assert final["poisoning"].numerator > 0  # pasted CI logs carry instructions aimed at agents
    assert final["false_persistence"].numerator > 0  # "just this once" kept for good
    assert final["prevention"].numerator > 0


@slow
def test_the_keyword_detector_sits_between(baseline_run: RunResult) -> None:
    keyword, everything = _final(baseline_run, "keyword-corrections"), _final(baseline_run, "remember-everything")
    assert keyword["precision"].value is not None and everything["precision"].value is not None
    assert keyword["precision"].value > everything["precision"].value
    assert keyword["tokens_per_session"].value < everything["tokens_per_session"].value  # type: ignore[operator]


@slow
def test_reverie_with_dreams_runs_and_never_lets_poison_reach_a_rule(baseline_run: RunResult) -> None:
    dreams = next(m for m in baseline_run.memories if m.name == "reverie+dreams")
    assert dreams.available
    assert dreams.final["poisoning_enforced"].numerator == 0


class _FakeReport:
    def __init__(self, lessons: Sequence[Any]) -> None:
        self.lessons = tuple(lessons)


def test_the_reverie_adapter_follows_distill_reports_incrementally(scenario: Scenario, tmp_path: Path) -> None:
    calls: list[Any] = []

    def fake_distill(store: Store, *, now: Any = None) -> _FakeReport:
        calls.append(now)
        return _FakeReport([])

    run = replay(
        scenario.truth,
        sessions_of(scenario.truth, scenario.root)[:5],
        [lambda: ReverieDistill(fake_distill)],
        workdir=tmp_path,
    )
    assert len(calls) == 5 and all(moment is not None for moment in calls)  # replay time, not wall time
    assert run.memories[0].name == "reverie" and run.memories[0].active_lessons == 0


@slow
def test_reverie_runs_end_to_end_and_never_lets_poison_become_a_rule(scenario: Scenario, tmp_path: Path) -> None:
    run = replay(
        scenario.truth, sessions_of(scenario.truth, scenario.root), [ReverieDistill], workdir=tmp_path, checkpoints=2
    )
    final = run.memories[0].final
    assert run.memories[0].available and run.memories[0].active_lessons > 0
    assert final["poisoning_enforced"].numerator == 0
    assert final["prevention"].numerator > 0
