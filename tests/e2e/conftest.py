"""Fixtures of the end-to-end tier: the real agent CLIs from tests/e2e/node_modules, each in its own
temporary config dir, pointed at a scripted model server.

The CLIs are installed by ``make test`` (``cd tests/e2e && npm ci``). When they are missing, the tests
fail in CI (``CI=true``), where a skipped tier would hide a broken install, and skip elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reverie.llms.scripted_server import ScriptedServer
from tests.e2e.agents import CLAUDE_BINARY, CODEX_BINARY, ClaudeCode, Codex, require


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """The working directory the agent runs in."""
    directory = tmp_path / "project"
    directory.mkdir()
    return directory


@pytest.fixture
def new_claude(tmp_path: Path, reverie_home: Path) -> Callable[[ScriptedServer], ClaudeCode]:
    """Claude Code for a server; hooks it runs see this test's REVERIE_HOME."""
    require(CLAUDE_BINARY)

    def create(server: ScriptedServer) -> ClaudeCode:
        return ClaudeCode(server.url, tmp_path / "claude", extra_env={"REVERIE_HOME": str(reverie_home)})

    return create


@pytest.fixture
def new_codex(tmp_path: Path, reverie_home: Path) -> Callable[[ScriptedServer], Codex]:
    """Codex CLI for a server; hooks it runs see this test's REVERIE_HOME."""
    require(CODEX_BINARY)

    def create(server: ScriptedServer) -> Codex:
        return Codex(server.openai_base_url, tmp_path / "codex", extra_env={"REVERIE_HOME": str(reverie_home)})

    return create
