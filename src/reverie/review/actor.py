"""Who is deciding: a person at a terminal, a process inside an agent session, or a policy.

Proposer is not approver. An agent may dream and propose; accepting what shapes its own behaviour
needs a person. We recognise a process running inside an agent session by the markers the agents
set for the commands they run: Claude Code sets ``CLAUDECODE=1`` (and ``CLAUDE_CODE_ENTRYPOINT``);
Codex sets ``CODEX_THREAD_ID`` for its shell commands (and ``CODEX_SANDBOX`` /
``CODEX_SANDBOX_NETWORK_DISABLED`` when sandboxed). ``REVERIE_AGENT_SESSION=1`` marks any other agent.
A marker can be unset by a determined process, so this is a guard against accidents and
well-behaved agents, not a security boundary: the audit log records who accepted what either way.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass

AGENT_MARKERS = (
    "CLAUDECODE",
    "CLAUDE_CODE_ENTRYPOINT",
    "CODEX_THREAD_ID",
    "CODEX_SANDBOX",
    "CODEX_SANDBOX_NETWORK_DISABLED",
    "REVERIE_AGENT_SESSION",
)
POLICY = "policy"


@dataclass(frozen=True, slots=True)
class Actor:
    name: str  # the OS user, or "policy" for automatic acceptance
    agent_marker: str | None = None  # the environment variable that shows an agent session

    @property
    def is_person(self) -> bool:
        return self.agent_marker is None and self.name != POLICY

    def describe(self) -> str:
        if self.name == POLICY:
            return "policy"
        return f"{self.name} (inside an agent session: {self.agent_marker} is set)" if self.agent_marker else self.name


def current(environ: Mapping[str, str] | None = None) -> Actor:
    env = os.environ if environ is None else environ
    marker = next((name for name in AGENT_MARKERS if env.get(name, "").strip() not in ("", "0")), None)
    return Actor(name=_user(), agent_marker=marker)


def policy_actor() -> Actor:
    return Actor(name=POLICY)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"
