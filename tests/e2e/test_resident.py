"""The resident hook server, end to end, with the real Claude Code and Codex CLIs.

The hooks are written as ``reverie init`` writes them by default: ``hook.sh`` under ``/bin/bash``, with the
Python hook as its fallback. Claude Code runs that command with ``/bin/sh -c`` (dash here) and Codex with
``/bin/bash -c``; both reach the server. To prove that the server answered, the resident sessions name an
interpreter that does not exist as the fallback: a lesson that reaches the model and the events in the
spool can then only have come through the server. The fallback is then shown on its own: with no server
running, the real Python hook captures and answers, and leaves a server running for the next event.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.adapters.claude_code import settings as claude_code
from reverie.adapters.codex import settings as codex_settings
from reverie.adapters.settings_file import AgentHooks, merge_hooks, schema_problems
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell
from reverie.workspace import Workspace
from tests.capture.resident_helpers import alive, announced, server, wait_for
from tests.e2e.agents import CLAUDE_BINARY, CODEX_BINARY, ClaudeCode, Codex, require
from tests.recall.builders import PNPM, STYLE, TESTS, store_lessons
from tests.recall.conftest import make_checkout

pytestmark = pytest.mark.e2e

HOOK = Path(__file__).resolve().parents[2] / "src" / "reverie" / "capture" / "hook.py"
NO_PYTHON = Path("/nonexistent/python3")  # the fallback that cannot run
PROMPT = "How do I run the tests here?"


def stocked(root: Path) -> tuple[Path, Path]:
    home, project = root / "reverie-home", make_checkout(root / "shop", "github.com/acme/shop")
    workspace = Workspace.open(home)
    try:
        store_lessons(workspace, [PNPM, TESTS, STYLE])
    finally:
        workspace.close()
    return home, project


def hooks_json(hooks: AgentHooks, python: Path, home: Path) -> str:
    merged = merge_hooks({}, hooks.entries(python, HOOK, home, resident=True), hooks.is_ours).data
    assert schema_problems(merged, hooks.schema) == []
    assert all("hook.sh" in group["hooks"][0]["command"] for groups in merged["hooks"].values() for group in groups)
    return json.dumps(merged, indent=2)


def claude_session(root: Path, home: Path, project: Path, python: Path) -> list[Exchange]:
    with ScriptedServer(Script([shell("npm test; touch npm-ran"), say("Use make check.")])) as model:
        env = {"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"}
        agent = ClaudeCode(model.url, root / "agent", extra_env=env)
        agent.config_dir.mkdir(parents=True, exist_ok=True)
        agent.settings_path.write_text(hooks_json(claude_code.HOOKS, python, home))
        agent.run(PROMPT, cwd=project).check()
        return model.main_exchanges()


def spooled_events(home: Path) -> set[str]:
    return {json.loads(path.read_text())["event"] for path in (home / "spool").glob("*.json")}


@pytest.fixture(scope="module")
def resident_claude(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Exchange], Path, Path]]:
    require(CLAUDE_BINARY)
    root = tmp_path_factory.mktemp("resident-claude")
    home, project = stocked(root)
    with server(home):
        yield claude_session(root, home, project, NO_PYTHON), home, project


def test_claude_code_events_are_captured_through_the_server(resident_claude: tuple[list[Exchange], Path, Path]) -> None:
    _, home, _ = resident_claude
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"} <= spooled_events(home)
    assert not (home / "logs").exists()


def test_claude_code_gets_the_lessons_through_the_server(resident_claude: tuple[list[Exchange], Path, Path]) -> None:
    exchanges, _, project = resident_claude
    first = json.dumps(exchanges[0].body)
    assert STYLE.id in first and TESTS.id in first  # the digest and the prompt's lesson, before any call
    denied = exchanges[1].tool_results[-1]
    assert denied.is_error is True and PNPM.id in denied.output  # stopped before it ran
    assert not (project / "npm-ran").exists()


def test_without_a_server_claude_code_falls_back_and_starts_one(tmp_path: Path) -> None:
    require(CLAUDE_BINARY)
    home, project = stocked(tmp_path)
    exchanges = claude_session(tmp_path, home, project, Path(sys.executable))
    try:
        assert STYLE.id in json.dumps(exchanges[0].body)
        assert not (project / "npm-ran").exists()
        assert {"SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"} <= spooled_events(home)
        _, _, pid = wait_for(lambda: announced(home), "the server the fallback started")
        assert alive(pid)
    finally:
        found = announced(home)
        if found is not None:
            os.kill(found[2], signal.SIGTERM)
            wait_for(lambda: not alive(found[2]), "the started server to stop")


def test_codex_runs_hook_sh_and_reaches_the_server(tmp_path: Path) -> None:
    require(CODEX_BINARY)
    home, project = stocked(tmp_path)
    script = Script([shell("npm test; touch npm-ran"), say("I will use pnpm.")])
    with server(home), ScriptedServer(script) as model:
        env = {"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"}
        codex = Codex(model.openai_base_url, tmp_path / "agent", extra_env=env)
        codex.write_config()
        codex.hooks_path.write_text(hooks_json(codex_settings.HOOKS, NO_PYTHON, home))
        codex.run("Run the tests.", cwd=project).check()
        exchanges = model.main_exchanges()
    assert not (project / "npm-ran").exists()
    assert PNPM.id in exchanges[1].tool_results[-1].output
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse"} <= spooled_events(home)
