"""Who may change what agents see or obey, at the command line.

Every command that changes it (remember, forget, promote, evolve, accept, discard, rollback, compile,
artifacts remove/restore, init, uninstall, proposals accept/reject) asks ``actor()`` first. From inside
an agent session (``reverie.review.actor``: markers, an agent ancestor) a command with a proposal form
records a proposal in the agent-proposal ledger for a person to decide on (``reverie proposals``);
the others are refused with a message that says why and what the person should run. Either way the
attempt is in the audit log with its evidence.

Approvals that a person gives here are confirmed on the controlling terminal (``/dev/tty``), not on
stdin, so a pipe cannot answer for the person; ``--yes`` skips the question, which cron and CI need.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from reverie.errors import InputError
from reverie.workspace import Workspace, default_home

if TYPE_CHECKING:  # who is asking is worked out when a command changes something, not when one loads
    from reverie.review.actor import Actor


def actor() -> Actor:
    from reverie.review import actor as actors

    return actors.current()


def command_line() -> str:
    return " ".join(["reverie", *sys.argv[1:]])[:500]


def audit(workspace: Workspace, action: str, who: Actor, detail: str = "") -> None:
    from reverie.app import authority

    authority.audit(workspace, action, who, detail, command=command_line())


def refuse_agent(who: Actor, command: str, workspace: Workspace | None = None) -> None:
    """Raise (after auditing the attempt) when an agent runs a command that has no proposal form."""
    from reverie.app import authority

    authority.refuse_agent(who, command, workspace, command=command_line())


def refuse_agent_anywhere(who: Actor, command: str) -> None:
    """``refuse_agent`` for commands that do not open the store (init, uninstall): the refusal is audited
    when a store exists, and no store is created just to say no."""
    if not who.is_agent:
        return
    if (default_home() / "reverie.db").is_file():
        workspace = Workspace.open()
        try:
            refuse_agent(who, command, workspace)
        finally:
            workspace.close()
    refuse_agent(who, command)


def confirm(question: str, *, yes: bool) -> None:
    """Ask the person at the controlling terminal; ``--yes`` answers for them. Without a terminal and
    without ``--yes`` nothing is approved."""
    if yes:
        return
    try:
        terminal = open("/dev/tty", "r+", encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError:
        raise InputError("no terminal to ask on: pass --yes to approve what is shown") from None
    with terminal:
        terminal.write(f"{question} [y/N] ")
        terminal.flush()
        answer = terminal.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise click.Abort()
