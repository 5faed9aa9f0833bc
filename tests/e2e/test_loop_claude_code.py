"""The loop, end to end, with the real Claude Code and a scripted model over several runs.

``reverie init`` installs the hooks (capture and recall, one process per event) into the agent's
temporary config, then ``reverie loop`` runs ``claude -p`` once per iteration against one scripted
server. The script is one list of replies consumed in order across runs: each run consumes exactly its
own replies (a tool call, then a closing text), so run n's replies follow run n-1's.

1. A failed approach in run 1 reaches run 2: the scripted model runs a build script that does not
   exist, the check still fails; run 2's first request (as the server recorded it) carries that
   command and its error inside reverie's marker; run 2 builds another way, the check passes, and the
   loop stops itself.
2. No progress: the scripted model tries the same dead end every run; the loop stops after K runs,
   says why in one line, and leaves the ledger (and ``reverie progress``) explaining it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reverie.domain.events import Source
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell
from reverie.workspace import Workspace
from tests.e2e.agents import CLAUDE_BINARY, ClaudeCode, require

pytestmark = pytest.mark.e2e

LEGACY = "./legacy-build.sh --all"
OBJECTIVE = "Produce the build.\n\n- [ ] build.txt exists\n"
CHECK = "test -f build.txt"
MARKER = '<reverie-context kind="loop-progress">'


@dataclass(frozen=True)
class LoopRun:
    result: subprocess.CompletedProcess[str]
    exchanges: list[Exchange]
    script: Script
    project: Path
    home: Path
    env: dict[str, str]

    @property
    def ledger(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.result.stdout)
        return data

    def first_requests(self) -> list[Exchange]:
        """The first request of each run: the only one that carries no tool results yet."""
        return [item for item in self.exchanges if not item.tool_results]

    def prompt_of(self, exchange: Exchange) -> str:
        return "\n".join(exchange.texts("user"))


def reverie(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reverie.cli", *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_loop(root: Path, replies: Script, *extra: str) -> LoopRun:
    project, home = root / "project", root / "reverie-home"
    project.mkdir()
    (project / "PROMPT.md").write_text(OBJECTIVE)
    with ScriptedServer(replies) as server:
        agent = ClaudeCode(server.url, root / "agent", extra_env={"REVERIE_HOME": str(home)})
        env = agent.environment()
        init = reverie(["init", "--agent", "claude-code", "--yes"], env, project)
        assert init.returncode == 0, init.stderr
        args = ["loop", "--agent", "claude-code", "--objective", "PROMPT.md", "--check", CHECK, "--json"]
        args += ["--agent-bin", str(agent.binary), "--agent-arg=--dangerously-skip-permissions"]
        args += ["--agent-arg=--allowedTools", "--agent-arg=Bash", "--run-timeout", "120", *extra]
        result = reverie(args, env, project)
        return LoopRun(result, server.main_exchanges(), server.script, project, home, env)


@pytest.fixture(scope="module")
def recovered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopRun]:
    require(CLAUDE_BINARY)
    script = Script([shell(LEGACY), say("The legacy build failed."), shell("echo built > build.txt"), say("Built.")])
    yield run_loop(tmp_path_factory.mktemp("loop-recovers"), script, "--max-runs", "4")


@pytest.fixture(scope="module")
def stuck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopRun]:
    require(CLAUDE_BINARY)
    script = Script([shell(LEGACY), say("It failed."), shell(LEGACY), say("It failed again.")])
    yield run_loop(tmp_path_factory.mktemp("loop-stuck"), script, "--no-progress-runs", "2", "--max-runs", "5")


def test_the_loop_ran_two_fresh_runs_and_stopped_when_the_check_passed(recovered: LoopRun) -> None:
    assert recovered.result.returncode == 0, recovered.result.stderr
    assert recovered.script.done and recovered.script.overruns == 0
    assert recovered.ledger["stop"]["code"] == "check_passed"
    first, second = (run["session_id"] for run in recovered.ledger["runs"][1:])
    assert first and second and first != second  # fresh sessions, no --resume
    assert recovered.result.stderr.splitlines()[-1] == (
        "reverie loop: stopped after run 2: the check passes after run 2: `test -f build.txt`"
    )


def test_run_1s_failed_approach_is_in_run_2s_request(recovered: LoopRun) -> None:
    run_1, run_2 = recovered.first_requests()
    assert MARKER in recovered.prompt_of(run_1) and LEGACY not in recovered.prompt_of(run_1)
    prompt = recovered.prompt_of(run_2)
    briefing = prompt[prompt.index(MARKER) : prompt.index("</reverie-context>")]
    assert "Failed approaches, do not repeat them:" in briefing
    assert f"`{LEGACY}` failed:" in briefing and "legacy-build.sh" in briefing.split("failed:", 1)[1]
    assert "The check `test -f build.txt` fails (exit 1)" in briefing


def test_run_2_did_something_else_and_the_world_says_so(recovered: LoopRun) -> None:
    run_2_calls = [
        block["input"]["command"]
        for exchange in recovered.exchanges[2:]
        for message in exchange.body.get("messages", [])
        if message.get("role") == "assistant" and isinstance(message.get("content"), list)
        for block in message["content"]
        if block.get("type") == "tool_use"
    ]
    assert run_2_calls == ["echo built > build.txt"]
    assert (recovered.project / "build.txt").read_text() == "built\n"
    runs = recovered.ledger["runs"]
    assert [run["check"]["exit_code"] for run in runs] == [1, 1, 0]
    assert [run["progress"] for run in runs[1:]] == [False, True]


def test_both_runs_were_captured_by_the_hooks_and_the_transcripts(recovered: LoopRun) -> None:
    workspace = Workspace.open(recovered.home)
    try:
        for run in recovered.ledger["runs"][1:]:
            sources = {event.source for event in workspace.store.events(run["session_id"])}
            assert sources == {Source.HOOK, Source.TRANSCRIPT}
    finally:
        workspace.close()


def test_the_ledger_in_the_workspace_explains_itself(recovered: LoopRun) -> None:
    text = (recovered.project / ".reverie" / "PROGRESS.md").read_text()
    assert "**Stopped after run 2:** the check passes after run 2" in text
    first_session = recovered.ledger["runs"][1]["session_id"]
    assert f"`{LEGACY}`: " in text and f"(run 1, session {first_session[:8]} line " in text


def test_without_progress_the_loop_stops_itself_after_k_runs(stuck: LoopRun) -> None:
    assert stuck.result.returncode == 3, stuck.result.stderr
    assert stuck.script.done and stuck.script.overruns == 0  # no third run was started
    last_line = stuck.result.stderr.splitlines()[-1]
    assert last_line.startswith(
        "reverie loop: stopped after run 2: no progress in the last 2 run(s): still 2 open item"
    )
    assert "tried again what failed before: `./legacy-build.sh --all`" in last_line
    second_prompt = stuck.prompt_of(stuck.first_requests()[1])
    assert f"`{LEGACY}` failed:" in second_prompt


def test_reverie_progress_shows_the_stop_and_the_blocker_with_evidence(stuck: LoopRun) -> None:
    shown = reverie(["progress", "--json"], stuck.env, stuck.project)
    assert shown.returncode == 0, shown.stderr
    ledger = json.loads(shown.stdout)
    assert ledger["stop"]["code"] == "no_progress"
    sessions = [run["session_id"] for run in ledger["runs"][1:]]
    blocker = next(item for item in ledger["blockers"] if "legacy-build.sh" in item["subject"])
    assert [s["session_id"] for s in blocker["sightings"]] == sessions
    assert all(isinstance(s["line"], int) for s in blocker["sightings"])
    table = reverie(["progress"], stuck.env, stuck.project).stdout
    assert "Stopped after run 2: no progress" in table and "Blockers:" in table
