"""``reverie init`` and ``reverie uninstall``: capture hooks into the agents' settings, and out again.

The work is in ``adapters/hook_install.py``; here we only find the files, ask on a terminal (never on a
stdin that is not one), and say which file changed and how to undo it.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import replace

import click

from reverie.adapters.claude_code import settings as claude_code
from reverie.adapters.hook_install import (
    AGENT_HOOKS,
    AGENT_NAMES,
    Confirm,
    Outcome,
    current_runtime,
    install_hooks,
    recorded_targets,
    resolve_target,
    uninstall_hooks,
)
from reverie.capture import resident_start
from reverie.cli import guard
from reverie.cli.output import emit_json, json_option
from reverie.workspace import default_home


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _ask(yes: bool, default: bool) -> Confirm:
    def confirm(question: str, diff: str) -> bool:
        if yes or not _stdin_is_terminal():  # never wait on a stdin that is not a person
            return True
        click.echo(diff.rstrip("\n"), err=True)
        return click.confirm(question, default=default, err=True)

    return confirm


agent_option = click.option(
    "--agent", type=click.Choice(sorted(AGENT_HOOKS)), default=claude_code.AGENT, show_default=True
)
project_option = click.option(
    "--project",
    "project",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DIR]",
    help="The repository's .claude/settings.local.json (DIR, or the repository you are in) instead of "
    "the user settings.",
)
yes_option = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
dry_run_option = click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")


@click.command()
@agent_option
@project_option
@dry_run_option
@json_option
@yes_option
def init(agent: str, project: str | None, dry_run: bool, as_json: bool, yes: bool) -> None:
    """Capture every session of an agent: add reverie's hooks to its settings."""
    if not dry_run:
        guard.refuse_agent_anywhere(guard.actor(), "init")
    target = resolve_target(agent, project)
    outcome = install_hooks(target, current_runtime(default_home()), dry_run=dry_run, confirm=_ask(yes, default=True))
    if not dry_run:
        from reverie.app.capture import build_hook_runtime  # capture's use cases load distill: only here

        build_hook_runtime(default_home())  # the hook's modules in one file: its first event need not write it
    if as_json:
        emit_json(outcome.to_json())
    else:
        _print(outcome, dry_run)


@click.command()
@agent_option
@click.option("--all", "every", is_flag=True, help="Every agent, and every file that init recorded.")
@project_option
@dry_run_option
@json_option
@yes_option
def uninstall(agent: str, every: bool, project: str | None, dry_run: bool, as_json: bool, yes: bool) -> None:
    """Remove exactly what `reverie init` added, and nothing else.

    With --json, prints one object per settings file looked at.
    """
    if not dry_run:
        guard.refuse_agent_anywhere(guard.actor(), "uninstall")
    home = default_home()
    if every:
        targets = [resolve_target(name, None) for name in sorted(AGENT_HOOKS)] + recorded_targets(home)
        if project is not None:
            targets.append(resolve_target(claude_code.AGENT, project))
    else:
        targets = [resolve_target(agent, project)]
    unique = list({(t.agent, t.path): t for t in targets}.values())
    outcomes = [uninstall_hooks(t, home, dry_run=dry_run, confirm=_ask(yes, default=False)) for t in unique]
    taken_out = [index for index, o in enumerate(outcomes) if o.status in _TAKEN_OUT]
    if taken_out and resident_start.withdraw(str(home)):
        # Its run file gone, the resident hook server leaves within a second instead of idling on its
        # port for 20 minutes; a hook still registered elsewhere starts one again at its next event.
        first = outcomes[taken_out[0]]
        outcomes[taken_out[0]] = replace(first, notes=(*first.notes, "the resident hook server was told to leave"))
    if as_json:
        emit_json([o.to_json() for o in outcomes])
    else:
        for outcome in outcomes:
            _print(outcome, dry_run)


def _print(outcome: Outcome, dry_run: bool) -> None:
    name, path = AGENT_NAMES[outcome.agent], outcome.path
    click.echo(_HEADLINES[outcome.status].format(name=name, path=path))
    if dry_run and outcome.diff:
        click.echo(outcome.diff.rstrip("\n"))
    for label, events in (("added", outcome.added), ("replaced", outcome.replaced), ("removed", outcome.removed)):
        if events and outcome.status != "unchanged":
            click.echo(f"  {label}: {', '.join(events)}")
    if outcome.backup:
        click.echo(f"  the previous file is kept at {outcome.backup}")
    for note in outcome.notes:
        click.echo(f"  {note}")
    for warning in outcome.warnings:
        click.echo(f"  warning: {warning}")
    for step in outcome.next_steps:
        click.echo(f"  next: {step}")
    if outcome.status in {"installed", "updated"}:
        click.echo(f"  undo: reverie uninstall{_command_options(outcome)}")
    elif outcome.status in {"removed", "restored", "deleted"}:
        click.echo(f"  undo: reverie init{_command_options(outcome)}")


def _command_options(outcome: Outcome) -> str:
    options = "" if outcome.agent == claude_code.AGENT else f" --agent {outcome.agent}"
    if outcome.path.name == claude_code.LOCAL_SETTINGS.name:
        options += f" --project {shlex.quote(str(outcome.path.parent.parent))}"
    return options


_TAKEN_OUT = frozenset({"removed", "restored", "deleted"})  # what uninstall did to a settings file
_HEADLINES = {
    "installed": "Installed reverie's capture hooks for {name} in {path}",
    "updated": "Updated reverie's capture hooks for {name} in {path}",
    "unchanged": "reverie's capture hooks for {name} are already in {path}; nothing changed",
    "would-be-installed": "Would install reverie's capture hooks for {name} in {path} (dry run: nothing written)",
    "would-be-updated": "Would update reverie's capture hooks for {name} in {path} (dry run: nothing written)",
    "not-installed": "No reverie capture hooks for {name} in {path}; nothing to remove",
    "absent": "{path} does not exist; nothing to remove for {name}",
    "removed": "Removed reverie's capture hooks for {name} from {path}",
    "restored": "Removed reverie's capture hooks for {name}: {path} is back to what it was before `reverie init`",
    "deleted": "Removed reverie's capture hooks for {name} and deleted {path}, which held nothing else",
    "would-be-removed": "Would remove reverie's capture hooks for {name} from {path} (dry run: nothing written)",
    "would-be-restored": "Would restore {path} to what it was before `reverie init` (dry run: nothing written)",
    "would-be-deleted": "Would delete {path}, which holds only reverie's hooks for {name} (dry run: nothing written)",
    "cancelled": "Cancelled: {path} was not changed",
}

COMMANDS = (init, uninstall)
