"""A small generated scenario, made once per test session (generation is deterministic and cheap)."""

from __future__ import annotations

import pytest

from reverie.evals.generator import Scenario, generate


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(sessions=120, seed=11, out_dir=tmp_path_factory.mktemp("scenario"))
