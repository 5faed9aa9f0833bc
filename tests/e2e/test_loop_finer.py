"""The loop's finer score end to end, with the real Claude Code and Codex CLIs and a scripted model.

1. A wrong edit: run 1 patches the wrong file (a real Write tool call) and the real pytest still
   fails; run 2's first request names the edit as a failed approach with the failing test and its
   assertion, and run 2 fixes the right file.
2. An agent that refuses its arguments stops the loop at once with its own message.
3. A check that already passes starts nothing: the model server is never asked.
4. The real Codex CLI in a loop: a failed approach of run 1 reaches run 2, and the check stops it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.llms.scripted_server import Script, ScriptedServer, say, shell, tool
from tests.e2e.agents import CLAUDE_BINARY, CODEX_BINARY, ClaudeCode, Codex, require
from tests.e2e.test_loop_claude_code import MARKER, LoopRun, reverie

pytestmark = pytest.mark.e2e

WRONG = "def add(a, b):\n    return a - b\n"
RIGHT = "def add(a, b):\n    return a + b\n"
TESTS = (
    "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
    "def test_zero():\n    assert add(0, 0) == 0\n"
)
CHECK = f"PYTHONDONTWRITEBYTECODE=1 {sys.executable} -m pytest -q -p no:cacheprovider tests"


def _python_project(project: Path) -> None:
    project.mkdir()
    (project / "calc.py").write_text(WRONG)
    (project / "legacy").mkdir()
    (project / "legacy" / "calc.py").write_text(WRONG)
    (project / "tests").mkdir()
    (project / "tests" / "test_calc.py").write_text(TESTS)
    (project / "tests" / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(project)!r})\n")
    (project / "PROMPT.md").write_text("Make the tests pass.\n")


def _claude_loop(root: Path, script: Script, check: str, *extra: str, sandbox: bool = True) -> LoopRun:
    project, home = root / "project", root / "reverie-home"
    if not project.exists():
        _python_project(project)
    with ScriptedServer(script) as server:
        agent = ClaudeCode(server.url, root / "agent", extra_env={"REVERIE_HOME": str(home)})
        env = agent.environment()
        if not sandbox:
            env.pop("IS_SANDBOX")
        assert reverie(["init", "--agent", "claude-code", "--yes"], env, project).returncode == 0
        args = ["loop", "--agent", "claude-code", "--objective", "PROMPT.md", "--check", check, "--json"]
        args += ["--agent-bin", str(agent.binary), "--run-timeout", "120", *extra]
        result = reverie(args, env, project)
        return LoopRun(result, server.main_exchanges(), server.script, project, home, env)


@pytest.fixture(scope="module")
def wrong_edit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopRun]:
    require(CLAUDE_BINARY)
    root = tmp_path_factory.mktemp("loop-wrong-edit")
    project = root / "project"
    script = Script(
        [
            tool("Write", file_path=str(project / "legacy" / "calc.py"), content=RIGHT),
            say("Fixed it."),
            tool("Write", file_path=str(project / "calc.py"), content=RIGHT),
            say("Fixed the right file."),
        ]
    )
    tools = ["--agent-arg=--dangerously-skip-permissions", "--agent-arg=--allowedTools", "--agent-arg=Write,Bash"]
    yield _claude_loop(root, script, CHECK, "--max-runs", "3", *tools)


def test_a_wrong_edit_reaches_the_next_run_as_a_failed_approach_with_the_assertion(wrong_edit: LoopRun) -> None:
    assert wrong_edit.result.returncode == 0, wrong_edit.result.stderr
    assert wrong_edit.ledger["stop"]["code"] == "check_passed"
    _, run_2 = wrong_edit.first_requests()
    prompt = wrong_edit.prompt_of(run_2)
    briefing = prompt[prompt.index(MARKER) : prompt.index("</reverie-context>")]
    assert "- patched legacy/calc.py failed: `tests/test_calc.py::test_add` still fails: assert -1 == 5" in briefing
    assert "failing: tests/test_calc.py::test_add (assert -1 == 5)" in briefing
    assert wrong_edit.ledger["runs"][1]["edited"] == ["legacy/calc.py"]


def test_reverie_progress_says_what_was_tried_and_why_it_failed(wrong_edit: LoopRun) -> None:
    table = reverie(["progress"], wrong_edit.env, wrong_edit.project).stdout
    assert "patched legacy/calc.py: `tests/test_calc.py::test_add` still fails: assert -1 == 5" in table


def test_an_agent_that_refuses_its_arguments_stops_the_loop_with_its_message(tmp_path: Path) -> None:
    require(CLAUDE_BINARY)
    run = _claude_loop(tmp_path, Script([say("never asked")]), CHECK, "--agent-arg=--no-such-flag")
    assert run.result.returncode == 1, run.result.stderr
    assert run.exchanges == []  # the model was never asked
    stop = run.ledger["stop"]
    assert stop["code"] == "agent_failed" and "--no-such-flag" in stop["message"]
    assert "--no-such-flag" in run.ledger["runs"][1]["agent_error"]
    assert run.result.stderr.splitlines()[-1].startswith("reverie loop: stopped after run 1: claude-code could not run")


@pytest.mark.skipif(os.geteuid() != 0, reason="Claude Code refuses to skip permissions only as root")
def test_as_root_without_is_sandbox_claude_refuses_and_the_loop_says_why_at_once(tmp_path: Path) -> None:
    require(CLAUDE_BINARY)
    skip = "--agent-arg=--dangerously-skip-permissions"
    run = _claude_loop(tmp_path, Script([say("never asked")]), CHECK, skip, sandbox=False)
    assert run.result.returncode == 1 and run.exchanges == []
    assert "root" in run.ledger["stop"]["message"] and len(run.ledger["runs"]) == 2  # baseline + one try


def test_a_check_that_already_passes_starts_nothing(tmp_path: Path) -> None:
    require(CLAUDE_BINARY)
    run = _claude_loop(tmp_path, Script([say("never asked")]), "true")
    assert run.result.returncode == 0, run.result.stderr
    assert run.exchanges == [] and run.ledger["runs"][1:] == []
    assert "already passes" in run.ledger["stop"]["message"]


@pytest.fixture(scope="module")
def codex_loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopRun]:
    require(CODEX_BINARY)
    root = tmp_path_factory.mktemp("loop-codex")
    project, home = root / "project", root / "reverie-home"
    project.mkdir()
    (project / "PROMPT.md").write_text("Produce the build.\n")
    legacy = "./legacy-build.sh --all"
    script = Script([shell(legacy), say("It failed."), shell("echo built > build.txt"), say("Built.")])
    with ScriptedServer(script) as server:
        codex = Codex(server.openai_base_url, root / "agent", extra_env={"REVERIE_HOME": str(home)})
        codex.write_config()
        env = codex.environment()
        assert reverie(["init", "--agent", "codex", "--yes"], env, project).returncode == 0
        args = ["loop", "--agent", "codex", "--objective", "PROMPT.md", "--check", "test -f build.txt", "--json"]
        args += ["--agent-bin", str(codex.binary), "--max-runs", "3", "--run-timeout", "120"]
        args += ["--agent-arg=--skip-git-repo-check", "--agent-arg=--dangerously-bypass-hook-trust"]
        result = reverie(args, env, project)
        yield LoopRun(result, server.main_exchanges(), server.script, project, home, env)


def test_the_real_codex_cli_loops_and_carries_a_failed_approach(codex_loop: LoopRun) -> None:
    assert codex_loop.result.returncode == 0, codex_loop.result.stderr
    ledger = codex_loop.ledger
    assert ledger["stop"]["code"] == "check_passed"
    first, second = (run["session_id"] for run in ledger["runs"][1:])
    assert first and second and first != second
    run_2 = [item for item in codex_loop.exchanges if not item.tool_results][1]
    prompt = "\n".join(run_2.texts("user"))
    assert MARKER in prompt and "`./legacy-build.sh --all` failed:" in prompt
    approach = ledger["failed_approaches"][0]
    assert approach["sightings"][0]["session_id"] == first
    assert json.loads(json.dumps(ledger))["runs"][2]["check"]["exit_code"] == 0
