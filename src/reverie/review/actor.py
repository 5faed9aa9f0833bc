"""Who is deciding: a person at a terminal, a process inside an agent session, or a policy.

Proposer is not approver. An agent may dream and propose; changing what agents see or obey needs a
person. Three kinds of evidence say a process runs inside an agent session, and all of it is kept
with the decision in the audit log:

* **markers**: the variables the agents set for the commands they run (each ``Agent`` of the
  extension table lists its own: ``actor_markers``, ``process_names``, ``process_packages``). Claude Code sets
  ``CLAUDECODE=1`` (and ``CLAUDE_CODE_ENTRYPOINT``); Codex sets ``CODEX_THREAD_ID`` for its shell
  commands (and ``CODEX_SANDBOX`` / ``CODEX_SANDBOX_NETWORK_DISABLED`` when sandboxed).
  ``REVERIE_AGENT_SESSION=1`` marks any other agent. ``env -u CLAUDECODE`` removes them.
* **ancestry**: the parent chain (``/proc/<pid>/stat`` and ``cmdline``) holds an agent: a process named
  ``claude`` or ``codex``, or node running ``@anthropic-ai/claude-code`` / ``@openai/codex``. Unsetting
  variables does not change who started us.
* **terminal**: whether a controlling terminal can be opened (``/dev/tty``). Agents run their shell
  commands on pipes; a person types at a terminal. No terminal alone is not an agent (cron, CI and
  reverie's own detached ingest have none), but approvals then need ``--yes``.

A process of the same user can still hide: start itself through ``setsid`` and a double fork so init
adopts it, with the markers removed. Then nothing here tells it from a cron job. This is a guard
against accidents and well-behaved agents plus a record of who did what, not a wall between two
programs of one user (docs/security.md says what it can and cannot stop).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reverie.adapters.registry import actor_markers, agents

POLICY = "policy"
MAX_ANCESTORS = 64  # a parent chain is short; a cycle or a very deep one is not worth walking


@dataclass(frozen=True, slots=True)
class Actor:
    name: str  # the OS user, or "policy" for automatic acceptance
    agent_marker: str | None = None  # the first agent variable that is set (markers below has them all)
    ancestor: str | None = None  # "claude (pid 123)": an agent process above this one
    tty: bool | None = None  # a controlling terminal could be opened; None when not checked
    markers: tuple[str, ...] = ()

    @property
    def is_agent(self) -> bool:
        return self.agent_marker is not None or self.ancestor is not None

    @property
    def is_person(self) -> bool:
        return not self.is_agent and self.name != POLICY

    @property
    def evidence(self) -> str:
        """Why this process counts as an agent, in words ("CLAUDECODE is set; claude (pid 9) is an ancestor")."""
        parts = []
        named = self.markers or ((self.agent_marker,) if self.agent_marker else ())
        if named:
            parts.append(f"{', '.join(named)} {'is' if len(named) == 1 else 'are'} set")
        if self.ancestor:
            parts.append(f"{self.ancestor} is an ancestor")
        return "; ".join(parts)

    def describe(self) -> str:
        """Who, and the evidence, as the audit log keeps it."""
        if self.name == POLICY:
            return "policy"
        terminal = "" if self.tty is None else "; terminal" if self.tty else "; no terminal"
        if self.is_agent:
            return f"{self.name} (inside an agent session: {self.evidence}{terminal})"
        return f"{self.name} (no agent found{terminal})" if self.tty is not None else self.name


def current(
    environ: Mapping[str, str] | None = None,
    *,
    pid: int | None = None,
    proc: Path = Path("/proc"),
    terminal: Callable[[], bool] | None = None,
) -> Actor:
    """The actor of this process: markers from ``environ``, ancestry from ``proc``, and the terminal."""
    env = os.environ if environ is None else environ
    markers = tuple(name for name in actor_markers() if env.get(name, "").strip() not in ("", "0"))
    return Actor(
        name=_user(),
        agent_marker=markers[0] if markers else None,
        ancestor=agent_ancestor(os.getpid() if pid is None else pid, proc=proc),
        tty=(terminal or has_terminal)(),
        markers=markers,
    )


def policy_actor() -> Actor:
    return Actor(name=POLICY)


def agent_ancestor(pid: int, *, proc: Path = Path("/proc")) -> str | None:
    """The nearest agent process above ``pid`` ("claude (pid 123)"), or None. Where /proc is missing
    (macOS, Windows) this finds nothing and the markers and the terminal are the evidence."""
    seen: set[int] = set()
    current_pid = _parent(pid, proc)
    while current_pid is not None and current_pid > 1 and current_pid not in seen and len(seen) < MAX_ANCESTORS:
        seen.add(current_pid)
        comm, argv = _process(current_pid, proc)
        name = _agent_name(comm, argv)
        if name:
            return f"{name} (pid {current_pid})"
        current_pid = _parent(current_pid, proc)
    return None


def has_terminal() -> bool:
    """Whether this process has a controlling terminal it could ask a person on."""
    try:
        fd = os.open(os.ctermid(), os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def _agent_name(comm: str, argv: Sequence[str]) -> str | None:
    names = {comm.strip()}
    if argv:
        names.add(os.path.basename(argv[0]))
        if len(argv) > 1 and os.path.basename(argv[0]).startswith(("node", "bun", "deno", "python")):
            names.add(os.path.basename(argv[1]))
    joined = " ".join(argv[:3])
    for agent in agents():
        found = sorted(names & set(agent.process_names))
        if found:
            return found[0]
        if agent.process_names and any(package in joined for package in agent.process_packages):
            return agent.process_names[0]
    return None


def _parent(pid: int, proc: Path) -> int | None:
    try:
        stat = (proc / str(pid) / "stat").read_text(errors="replace")
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None


def _process(pid: int, proc: Path) -> tuple[str, list[str]]:
    base = proc / str(pid)
    try:
        comm = (base / "comm").read_text(errors="replace")[:64]
    except OSError:
        comm = ""
    try:
        raw = (base / "cmdline").read_bytes()[:8192]
    except OSError:
        raw = b""
    return comm, [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"
