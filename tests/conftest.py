"""Shared fixtures. Every test gets its own REVERIE_HOME so nothing touches the real data dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.review import actor

pytest_plugins = ["tests.postgres_cluster"]  # the real PostgreSQL of the team tier

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# When the suite itself runs under an agent (someone runs `make test` from Claude Code), every in-process
# command would count as the agent's; the tests that mean an agent say so with markers or a wrapper.
_RUNNER_UNDER_AGENT = actor.agent_ancestor(os.getpid()) is not None


@pytest.fixture(autouse=True)
def _runner_is_the_person(monkeypatch: pytest.MonkeyPatch) -> None:
    if _RUNNER_UNDER_AGENT:
        monkeypatch.setattr(actor, "agent_ancestor", lambda pid, proc=None: None)


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    """Code under test may set variables in its own process (a dream turns capture off for itself)."""
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


@pytest.fixture(autouse=True)
def reverie_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "reverie-home"
    monkeypatch.setenv("REVERIE_HOME", str(home))
    monkeypatch.delenv("CLAUDECODE", raising=False)
    yield home


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
