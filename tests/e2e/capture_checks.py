"""One captured session, end to end, shared by the Claude Code and Codex capture tests.

``capture_session`` installs reverie's hooks with ``reverie init`` into the agent's temporary config
dir, runs the two-turn capture scenario through the real CLI, ingests what the hooks spooled, then
imports the transcript the CLI wrote, twice. It keeps a snapshot of the store after each step, so the
tests can tell what the hooks delivered from what the import added.

The reverie commands run in a subprocess with the agent's environment, as a user would run them. Until
every command is registered in ``reverie.cli``, the entry below adds the capture commands from their
modules' ``COMMANDS`` tuples.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.domain import Event, EventKind, Session
from reverie.llms.scripted_server import Exchange, ScriptedServer, ToolResult
from reverie.workspace import Workspace
from tests.e2e.agents import AgentRun, ClaudeCode, Codex
from tests.e2e.scenarios import Turn


@dataclass(frozen=True)
class CapturedSession:
    session_id: str
    project_dir: Path
    transcript: Path
    runs: Sequence[AgentRun]
    exchanges: Sequence[Exchange]  # the main-conversation requests, in order
    script_done: bool
    init: subprocess.CompletedProcess[str]
    ingest: subprocess.CompletedProcess[str]
    imports: Sequence[subprocess.CompletedProcess[str]]  # the same transcript, twice
    hook_events: Sequence[Event]  # in the store after ``ingest --spool-only``, before any import
    imported_events: Sequence[Event]  # after the first import
    reimported_events: Sequence[Event]  # after the second
    default_ingest_events: Sequence[Event]  # the same spool, in a fresh home, through a plain ``ingest``
    session: Session | None
    home: Path
    hooks_file: Path  # where ``reverie init`` wrote the hooks

    def hook_commands(self) -> set[str]:
        settings = json.loads(self.hooks_file.read_text(encoding="utf-8"))
        return {handler["command"] for groups in settings["hooks"].values() for g in groups for handler in g["hooks"]}

    def import_report(self, index: int = 0) -> dict[str, Any]:
        report = json.loads(self.imports[index].stdout)
        assert isinstance(report, dict)
        return report

    def tool_results(self) -> dict[str, ToolResult]:
        """Every tool result the model was shown, by call id, in the order the calls were made."""
        return {result.call_id: result for exchange in self.exchanges for result in exchange.tool_results}

    def log_files(self) -> dict[str, str]:
        logs = self.home / "logs"
        if not logs.is_dir():
            return {}
        return {
            path.name: path.read_text(encoding="utf-8", errors="replace") for path in logs.rglob("*") if path.is_file()
        }


def run_reverie(args: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reverie.cli", *args],
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def capture_session(
    agent: ClaudeCode | Codex,
    server: ScriptedServer,
    turns: Sequence[Turn],
    *,
    project_dir: Path,
    home: Path,
    init_args: Sequence[str],
    transcript_of: Any,
) -> CapturedSession:
    env = agent.environment()
    init = _checked(run_reverie(["init", *init_args, "--yes"], env))
    runs: list[AgentRun] = []
    session_id: str | None = None
    for turn in turns:
        if isinstance(agent, ClaudeCode):
            run = agent.run(turn.prompt, cwd=project_dir, resume=session_id, tools=("Bash", "Write"))
        else:
            run = agent.run(turn.prompt, cwd=project_dir, resume=session_id)
        runs.append(run.check())
        session_id = session_id or run.session_id
    assert session_id, f"the agent printed no session id:\n{runs[0].stdout}"
    # A copy of the spool goes through the production path (a plain `ingest`, which imports the
    # transcripts first) in a second home; this home ingests the spool alone, to prove the hooks.
    second_home = home.parent / f"{home.name}-default-ingest"
    shutil.copytree(home / "spool", second_home / "spool")
    ingest = _checked(run_reverie(["ingest", "--spool-only"], env))
    hook_events = _events(home, session_id)
    transcript: Path = transcript_of(session_id)
    imports = [_checked(run_reverie(["import", str(transcript), "--json"], env))]
    imported = _events(home, session_id)
    imports.append(_checked(run_reverie(["import", str(transcript), "--json"], env)))
    _checked(run_reverie(["ingest"], {**env, "REVERIE_HOME": str(second_home)}))
    return CapturedSession(
        session_id=session_id,
        project_dir=project_dir,
        transcript=transcript,
        runs=runs,
        exchanges=server.main_exchanges(),
        script_done=server.script.done and server.script.overruns == 0,
        init=init,
        ingest=ingest,
        imports=imports,
        hook_events=hook_events,
        imported_events=imported,
        reimported_events=_events(home, session_id),
        default_ingest_events=_events(second_home, session_id),
        session=_session(home, session_id),
        home=home,
        hooks_file=agent.settings_path if isinstance(agent, ClaudeCode) else agent.hooks_path,
    )


def _checked(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    if result.returncode != 0:
        raise AssertionError(f"reverie {result.args[3:]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def _events(home: Path, session_id: str) -> tuple[Event, ...]:
    workspace = Workspace.open(home)
    try:
        return tuple(workspace.store.events(session_id))
    finally:
        workspace.close()


def _session(home: Path, session_id: str) -> Session | None:
    workspace = Workspace.open(home)
    try:
        return workspace.store.session(session_id)
    finally:
        workspace.close()


def by_tool_use_id(events: Sequence[Event], kind: EventKind) -> dict[str, Event]:
    """Events of ``kind`` by tool-use id; a second event with the same id fails the test."""
    found: dict[str, Event] = {}
    for event in events:
        if event.kind is kind and event.tool_use_id:
            assert event.tool_use_id not in found, f"two {kind} events for {event.tool_use_id}"
            found[event.tool_use_id] = event
    return found


def transcript_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assert_session_span(captured: CapturedSession, agent: str) -> None:
    """The session row knows its agent, its folder, its transcript and a time span."""
    session = captured.session
    assert session is not None
    assert session.agent == agent
    assert Path(str(session.cwd)).resolve() == captured.project_dir.resolve()
    assert Path(str(session.transcript_path)).resolve() == captured.transcript.resolve()
    assert session.started_at and session.ended_at
    assert session.started_at <= session.ended_at
