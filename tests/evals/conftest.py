"""A small generated scenario, made once per test session (generation is deterministic and cheap)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.evals.generator import Scenario, generate

TURNS = Path(__file__).parent / "real_turns"  # our own small labelled fixture, standing in for the holdout


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(sessions=120, seed=11, out_dir=tmp_path_factory.mktemp("scenario"), turns=TURNS)
