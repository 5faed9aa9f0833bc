"""Shared fixtures. Every test gets its own REVERIE_HOME so nothing touches the real data dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.postgres_cluster"]  # the real PostgreSQL of the team tier

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


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
