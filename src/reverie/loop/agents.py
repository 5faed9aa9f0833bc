"""The agents the loop can drive headless, and what it reads from what they print.

Each run is a fresh process with a fresh session: ``claude -p PROMPT --output-format json`` or
``codex exec --json PROMPT``, never ``--resume``. What carries over from one run to the next is the
workspace on disk, the ledger and the lessons, nothing else.

From stdout the loop takes two things: the session id (to find the run's transcript and its trace)
and the token usage (for the budget). Claude Code prints one JSON result object with ``usage``;
Codex prints JSON lines, ``thread.started`` with the thread id and one ``turn.completed`` with
``usage`` per turn. Output that cannot be parsed gives no session and zero usage, never an error:
the run still happened and the check still scores it.

The environment of a run is the loop's own, with capture on: these runs are the person's work, so
they are observed like any other session (unlike reverie's own background model runs, which set
``REVERIE_CAPTURE=0``). ``REVERIE_AUTO_INGEST=0`` because the loop ingests each run itself, right
after it ends; ``CLAUDECODE`` is removed because Claude Code refuses to start inside another session.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reverie.errors import AgentError


class AgentName(StrEnum):
    CLAUDE_CODE = "claude-code"
    CODEX = "codex"


DEFAULT_BINARIES = {AgentName.CLAUDE_CODE: "claude", AgentName.CODEX: "codex"}
_DROPPED_VARIABLES = ("CLAUDECODE", "REVERIE_CAPTURE")


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0  # every input token the model read, cached or not
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class AgentReport:
    """What one run's stdout said."""

    session_id: str | None
    usage: Usage
    result: str = ""  # the agent's closing text: shown to the person, never trusted as progress


@dataclass(frozen=True, slots=True)
class Agent:
    name: AgentName
    binary: str  # an absolute path, resolved once
    extra_args: tuple[str, ...] = ()

    def argv(self, prompt: str) -> list[str]:
        if self.name is AgentName.CLAUDE_CODE:
            return [self.binary, "-p", prompt, "--output-format", "json", *self.extra_args]
        return [self.binary, "exec", "--json", *self.extra_args, prompt]

    def read_output(self, stdout: str) -> AgentReport:
        if self.name is AgentName.CLAUDE_CODE:
            return read_claude_result(stdout)
        return read_codex_events(stdout)

    def transcript(self, session_id: str, env: Mapping[str, str]) -> Path | None:
        """Where the agent wrote this session's transcript, if it can be found."""
        if self.name is AgentName.CLAUDE_CODE:
            root = Path(env.get("CLAUDE_CONFIG_DIR") or Path(env.get("HOME", "~")).expanduser() / ".claude")
            matches = sorted((root / "projects").glob(f"*/{session_id}.jsonl"))
        else:
            root = Path(env.get("CODEX_HOME") or Path(env.get("HOME", "~")).expanduser() / ".codex")
            matches = sorted((root / "sessions").glob(f"*/*/*/rollout-*{session_id}.jsonl"))
        return matches[0] if matches else None


def resolve(name: AgentName, binary: str | None = None, extra_args: Sequence[str] = ()) -> Agent:
    """The agent with its binary found on PATH (or as given); a clear error when it is missing."""
    wanted = binary or DEFAULT_BINARIES[name]
    found = shutil.which(wanted)
    if found is None:
        hint = "pass --agent-bin PATH" if binary is None else "check the path given to --agent-bin"
        raise AgentError(f"the {name} binary {wanted!r} was not found or is not executable; {hint}")
    return Agent(name=name, binary=os.path.abspath(found), extra_args=tuple(extra_args))


def run_environment(base: Mapping[str, str], home: Path) -> dict[str, str]:
    env = {name: value for name, value in base.items() if name not in _DROPPED_VARIABLES}
    env["REVERIE_HOME"] = str(home)
    env["REVERIE_AUTO_INGEST"] = "0"
    return env


def read_claude_result(stdout: str) -> AgentReport:
    """``claude -p --output-format json`` prints one result object (the last JSON line, to be safe)."""
    result = next((item for item in reversed(_json_lines(stdout)) if item.get("type") == "result"), None)
    if result is None:
        return AgentReport(None, Usage())
    usage = result.get("usage") if isinstance(result.get("usage"), dict) else {}
    read = sum(
        _count(usage, name) for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    session = result.get("session_id")
    text = result.get("result")
    return AgentReport(
        session if isinstance(session, str) else None,
        Usage(input_tokens=read, output_tokens=_count(usage, "output_tokens")),
        text if isinstance(text, str) else "",
    )


def read_codex_events(stdout: str) -> AgentReport:
    """``codex exec --json`` prints one event a line; usage comes per turn (``cached_input_tokens``
    is part of ``input_tokens`` there, so it is not added again)."""
    session: str | None = None
    input_tokens = output_tokens = 0
    text = ""
    for event in _json_lines(stdout):
        kind = event.get("type")
        if kind == "thread.started" and isinstance(event.get("thread_id"), str):
            session = session or event["thread_id"]
        elif kind == "turn.completed" and isinstance(event.get("usage"), dict):
            input_tokens += _count(event["usage"], "input_tokens")
            output_tokens += _count(event["usage"], "output_tokens")
        elif kind == "item.completed" and isinstance(event.get("item"), dict):
            item = event["item"]
            if item.get("type") == "agent_message" and isinstance(item.get("text"), str):
                text = item["text"]
    return AgentReport(session, Usage(input_tokens, output_tokens), text)


def _json_lines(stdout: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            found.append(item)
    return found


def _count(usage: Mapping[str, Any], name: str) -> int:
    value = usage.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
