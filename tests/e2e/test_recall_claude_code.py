"""Recall, end to end, with the real Claude Code: what the scripted model receives in its requests.

reverie's hooks are written into the agent's user settings the way ``reverie init`` writes them (the
adapter's ``HOOKS`` entries merged with ``merge_hooks``: one handler per event, which captures and, at
SessionStart, UserPromptSubmit and PreToolUse, answers in the same process), the store holds lessons for this
project, for another project and for every project, and the scripted model runs ``npm test``. The
tests read the requests the model was sent: the session-start digest is in them with what no call will
say, the lesson about the tests arrives with the prompt that asks about them, and no lesson comes twice
as context; ``npm test`` is stopped *before it runs* by the pnpm lesson, through Claude Code's own
permission decision; the other project's lesson never arrives, and with ``REVERIE_INJECT=0`` none of it
does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reverie.adapters.claude_code import settings as claude_code
from reverie.adapters.settings_file import merge_hooks, schema_problems
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell
from reverie.workspace import Workspace
from tests.e2e.agents import CLAUDE_BINARY, ClaudeCode, require
from tests.recall.builders import BLOG_YARN, PNPM, PYTHON3, STYLE, TESTS, store_lessons
from tests.recall.conftest import make_checkout

pytestmark = pytest.mark.e2e

HOOK = Path(__file__).resolve().parents[2] / "src" / "reverie" / "capture" / "hook.py"
PROMPT = "How do I run the tests here?"


@dataclass(frozen=True)
class Run:
    exchanges: list[Exchange]
    home: Path
    stdout: str
    project: Path

    def everything(self) -> str:
        return "\n".join(json.dumps(exchange.body) for exchange in self.exchanges)


def install_recall_hooks(agent: ClaudeCode, home: Path) -> None:
    entries = claude_code.HOOKS.entries(Path(sys.executable), HOOK, home)
    merged = merge_hooks({}, entries, claude_code.HOOKS.is_ours).data
    assert schema_problems(merged, claude_code.HOOKS.schema) == []
    assert all(len(groups) == 1 and len(groups[0]["hooks"]) == 1 for groups in merged["hooks"].values())
    agent.config_dir.mkdir(parents=True, exist_ok=True)
    agent.settings_path.write_text(json.dumps(merged, indent=2))


def run_session(root: Path, *, inject: bool) -> Run:
    home, project = root / "reverie-home", make_checkout(root / "shop", "github.com/acme/shop")
    workspace = Workspace.open(home)
    try:
        store_lessons(workspace, [PNPM, TESTS, PYTHON3, STYLE, BLOG_YARN])
    finally:
        workspace.close()
    script = Script([shell("npm test; touch npm-ran"), say("Use make check.")])
    with ScriptedServer(script) as server:
        env = {"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0", **({} if inject else {"REVERIE_INJECT": "0"})}
        agent = ClaudeCode(server.url, root / "agent", extra_env=env)
        install_recall_hooks(agent, home)
        done = agent.run(PROMPT, cwd=project).check()
        return Run(server.main_exchanges(), home, done.stdout, project)


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    require(CLAUDE_BINARY)
    yield run_session(tmp_path_factory.mktemp("recall-on"), inject=True)


@pytest.fixture(scope="module")
def opted_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    require(CLAUDE_BINARY)
    yield run_session(tmp_path_factory.mktemp("recall-off"), inject=False)


def test_the_session_start_digest_reaches_the_model(injected: Run) -> None:
    first = injected.exchanges[0]
    system = "\n".join(first.texts("system"))
    assert "SessionStart hook additional context" in system
    assert '<reverie-context kind="session-start">' in system
    assert STYLE.id in system  # what no call will say
    assert PNPM.id not in system and PYTHON3.id not in system  # they wait for the call they stop


def test_each_lesson_reaches_the_model_once_as_context(injected: Run) -> None:
    first = json.dumps(injected.exchanges[0].body)  # before the first call
    assert TESTS.id in first and 'kind=\\"prompt\\"' in first  # asked about the tests: told before acting
    pieces = json.dumps(injected.exchanges[-1].body).split("reverie-context")
    context = [piece for piece in pieces if "decision" not in piece]  # what came as context, not as a stop
    for lesson in (TESTS, STYLE):
        assert "".join(context).count(lesson.id) == 1, lesson.id  # once as context (a stop may repeat it)


def test_npm_test_is_stopped_before_it_runs_with_the_pnpm_lesson_as_the_reason(injected: Run) -> None:
    result = injected.exchanges[1].tool_results[-1]
    assert result.is_error is True
    assert PNPM.id in result.output and "Use `pnpm`, not `npm`" in result.output
    assert not (injected.project / "npm-ran").exists()  # denied: the command never ran


def test_another_projects_lesson_never_reaches_the_model(injected: Run) -> None:
    assert "Use `yarn`, not `npm`" not in injected.everything()
    assert BLOG_YARN.id not in injected.everything()


def test_the_hooks_logged_no_error_and_recorded_what_they_injected(injected: Run) -> None:
    assert not (injected.home / "logs").exists()
    logs = list((injected.home / "recall" / "injections").glob("*.jsonl"))
    channels = [json.loads(line)["channel"] for line in logs[0].read_text().splitlines()]
    assert channels == ["digest", "prompt", "tool"]


def test_the_same_processes_captured_every_event(injected: Run) -> None:
    spooled = [json.loads(path.read_text()) for path in (injected.home / "spool").glob("*.json")]
    events = {record["event"] for record in spooled}
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"} <= events
    assert "npm test" in json.dumps([r["payload"] for r in spooled if r["event"] == "PreToolUse"])


def test_reverie_inject_0_turns_it_all_off(opted_out: Run) -> None:
    assert "reverie-context" not in opted_out.everything()
    assert not (opted_out.home / "recall" / "injections").exists()
