"""Recall before the mistake, end to end, with the real Codex CLI: a lesson that forbids the call about to
run answers through the hook's permission decision, and Codex does not run the call.

reverie's hooks are written into ``$CODEX_HOME/hooks.json`` the way ``reverie init --agent codex``
writes them (one handler per event: capture, and recall where it answers, in one process); the store
holds "use pnpm, not npm" for this project; the scripted model runs
``npm test; touch npm-ran``. The command must not run, and the model must read the lesson.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reverie.adapters.codex import settings as codex_settings
from reverie.adapters.settings_file import merge_hooks, schema_problems
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell
from reverie.workspace import Workspace
from tests.e2e.agents import CODEX_BINARY, Codex, require
from tests.recall.builders import PNPM, store_lessons
from tests.recall.conftest import make_checkout

pytestmark = pytest.mark.e2e

HOOK = Path(__file__).resolve().parents[2] / "src" / "reverie" / "capture" / "hook.py"


@dataclass(frozen=True)
class Run:
    exchanges: list[Exchange]
    home: Path
    project: Path


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    require(CODEX_BINARY)
    root = tmp_path_factory.mktemp("recall-codex")
    home, project = root / "reverie-home", make_checkout(root / "shop", "github.com/acme/shop")
    workspace = Workspace.open(home)
    try:
        store_lessons(workspace, [PNPM])
    finally:
        workspace.close()
    with ScriptedServer(Script([shell("npm test; touch npm-ran"), say("I will use pnpm.")])) as server:
        env = {"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"}
        codex = Codex(server.openai_base_url, root / "agent", extra_env=env)
        codex.write_config()
        entries = codex_settings.HOOKS.entries(Path(sys.executable), HOOK, home)
        merged = merge_hooks({}, entries, codex_settings.HOOKS.is_ours).data
        assert schema_problems(merged, codex_settings.HOOKS.schema) == []
        codex.hooks_path.write_text(json.dumps(merged, indent=2))
        codex.run("Run the tests.", cwd=project).check()
        yield Run(server.main_exchanges(), home, project)


def test_codex_does_not_run_the_forbidden_call(stopped: Run) -> None:
    assert not (stopped.project / "npm-ran").exists()


def test_the_model_reads_the_lesson_as_the_reason(stopped: Run) -> None:
    result = stopped.exchanges[1].tool_results[-1]
    assert PNPM.id in result.output and "Use `pnpm`, not `npm`" in result.output


def test_the_same_process_captured_the_call_it_stopped(stopped: Run) -> None:
    spooled = [json.loads(path.read_text()) for path in (stopped.home / "spool").glob("*.json")]
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse"} <= {record["event"] for record in spooled}
