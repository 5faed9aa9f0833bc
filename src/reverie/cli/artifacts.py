"""Compiled artifacts at the command line: ``compile``, ``artifacts`` (``remove``, ``restore``),
``promote`` and ``evolve``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from reverie.app import artifacts as compiling
from reverie.app import proposals as use
from reverie.artifacts import compiler
from reverie.artifacts.compiler import Action, Plan
from reverie.artifacts.model import Target
from reverie.artifacts.places import resolve
from reverie.cli import guard
from reverie.cli.output import emit_json, emit_table, json_option
from reverie.errors import NotFoundError
from reverie.workspace import Workspace

_TARGETS = [target.value for target in compiler.ALL_TARGETS]
_SYMBOL = {"write": "+", "update": "~", "remove": "-", "unchanged": "=", "kept": "!", "skip": "x", "failed": "x"}


@click.command(name="compile")
@click.option("--dry-run", is_flag=True, help="Show what would be written, write nothing.")
@click.option(
    "--target",
    "wanted",
    multiple=True,
    type=click.Choice(_TARGETS),
    help="Which agent's files (repeatable). Default: claude-code and codex.",
)
@click.option("--project", "project_dir", help="The repository to compile into (default: the current one).")
@json_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def compile_command(dry_run: bool, wanted: tuple[str, ...], project_dir: str | None, as_json: bool, yes: bool) -> None:
    """Write rules, hooks, commands, skills and subagents from reviewed lessons (level rule and above).

    Each hook is replayed against the call that taught it before it is written; artifacts you edited
    by hand are left alone and reported; artifacts of retired lessons are removed."""
    who = guard.actor()
    places = resolve(project_dir)
    targets = tuple(Target(t) for t in wanted) or compiler.DEFAULT_TARGETS
    command = guard.command_line()
    with _workspace() as workspace:
        planned = compiling.plan(workspace, places, targets, dry_run=dry_run, actor=who, command=command)
        proceed = not dry_run and bool(planned.changes) and _confirm(planned, yes, as_json)
        result = compiling.apply(workspace, planned, actor=who, command=command) if proceed else planned
    if as_json:
        emit_json(_plan_json(result, applied=proceed))
        return
    _print_plan(result, applied=proceed, dry_run=dry_run)


def _confirm(planned: Plan, yes: bool, as_json: bool) -> bool:
    removes = any(action.verb == "remove" for action in planned.actions)
    if removes:  # taking an enforcing hook away is an approval: the person at the terminal, or --yes
        if not as_json and not yes:
            _print_plan(planned, applied=False, dry_run=True)
        guard.confirm(f"Apply {len(planned.changes)} change(s), removing artifacts?", yes=yes)
        return True
    if yes or not sys.stdin.isatty():  # never wait on a stdin that is not a person
        return True
    if not as_json:
        _print_plan(planned, applied=False, dry_run=True)
    return click.confirm(f"Apply {len(planned.changes)} change(s)?", default=True, err=True)


def _plan_json(planned: Plan, *, applied: bool) -> dict[str, object]:
    return {
        "project": planned.places.project_key,
        "project_dir": str(planned.places.project.root),
        "targets": [t.value for t in planned.targets],
        "lessons": planned.lessons,
        "applied": applied,
        "actions": [action.to_json() for action in planned.actions],
        "notes": list(planned.notes),
    }


def _print_plan(planned: Plan, *, applied: bool, dry_run: bool) -> None:
    click.echo(f"{planned.lessons} lesson(s) at level rule or above for {planned.places.project_key} and all projects.")
    for action in planned.actions:
        _print_action(action)
    for note in planned.notes:
        click.echo(f"  note: {note}")
    if not planned.actions:
        click.echo("Nothing to compile. Lessons reach level rule and above through `reverie evolve` and review.")
    elif dry_run:
        click.echo("Dry run: nothing was written.")
    elif not applied and planned.changes:
        click.echo("Nothing was written.")


def _print_action(action: Action) -> None:
    artifact = action.artifact
    where = ", ".join(sorted({part.path for part in artifact.parts}))
    click.echo(
        f"{_SYMBOL.get(action.verb, '?')} {action.verb:9} {artifact.id} {artifact.kind.value}: {artifact.summary}"
    )
    click.echo(f"      {where}")
    if action.reason:
        click.echo(f"      {action.reason}")
    for problem in action.problems:
        click.echo(f"      - {problem}")


@click.group(name="artifacts", invoke_without_command=True)
@json_option
@click.pass_context
def artifacts_group(ctx: click.Context, as_json: bool) -> None:
    """Every compiled artifact: its source lessons, content hash, files and drift."""
    if ctx.invoked_subcommand is not None:
        return
    with _workspace() as workspace:
        listed = compiler.registry(workspace.store)
    if as_json:
        emit_json([item.to_json() for item in listed])
        return
    if not listed:
        click.echo("No artifacts yet. `reverie compile` writes them from reviewed lessons.")
        return
    rows = [
        (
            item.record.artifact.id,
            item.record.artifact.kind.value,
            item.record.artifact.scope,
            item.record.status.value,
            "-" if item.record.status.value == "removed" else "edited" if item.drift else "ok",
            ",".join(item.record.artifact.lesson_ids)[:40],
            item.record.artifact.summary[:60],
        )
        for item in listed
    ]
    emit_table(("id", "kind", "scope", "status", "drift", "lessons", "summary"), rows)


@artifacts_group.command(name="remove")
@click.argument("artifact_id")
@click.option("--force", is_flag=True, help="Remove it even if it was edited by hand (the edits are lost).")
@json_option
def remove_command(artifact_id: str, force: bool, as_json: bool) -> None:
    """Remove an artifact exactly: its files, its block, its settings entry. Compile will not write it again."""
    who = guard.actor()
    with _workspace() as workspace:
        removal = compiling.remove(workspace, artifact_id, force=force, actor=who, command=guard.command_line())
    record = removal.record
    if as_json:
        files = sorted({p.path for p in record.artifact.parts})
        emit_json({"removed": record.artifact.id, "files": files, "done": list(removal.done)})
        return
    click.echo(f"Removed {record.artifact.id} ({record.artifact.kind.value}: {record.artifact.summary}):")
    for line in removal.done:
        click.echo(f"  {line}")
    click.echo(f"`reverie artifacts restore {record.artifact.id}` lets the next compile write it again.")


@artifacts_group.command(name="restore")
@click.argument("artifact_id")
def restore_command(artifact_id: str) -> None:
    """Undo a remove: the next `reverie compile` writes the artifact again (if its lessons still hold)."""
    who = guard.actor()
    with _workspace() as workspace:
        record = compiling.restore(workspace, artifact_id, actor=who, command=guard.command_line())
    click.echo(f"{record.artifact.id} will be written by the next `reverie compile`.")


@click.command(name="promote")
@click.argument("lesson_id")
@click.option("--to", "to", type=click.Choice(["global"]), required=True, help="The wider scope.")
@click.option("--reason", default="", help="Why, for the reviewer.")
@json_option
def promote_command(lesson_id: str, to: str, reason: str, as_json: bool) -> None:
    """Propose that a lesson apply in every project. Review decides (`reverie review`, `reverie accept`)."""
    with _workspace() as workspace:
        if _agent_proposes(workspace, "move", lesson_id, to, reason, as_json):
            return
        proposal = use.promote(workspace, lesson_id, to, reason=reason)
    _print_proposal(proposal, as_json)


@click.command(name="evolve")
@click.argument("lesson_id")
@click.option("--to", "to", type=click.Choice(use.EVOLVE_LEVELS), required=True, help="The stronger artifact.")
@click.option("--reason", default="", help="Why, for the reviewer.")
@json_option
def evolve_command(lesson_id: str, to: str, reason: str, as_json: bool) -> None:
    """Propose that a lesson become a rule, hook, command, skill or subagent. Review decides."""
    with _workspace() as workspace:
        if _agent_proposes(workspace, "evolve", lesson_id, to, reason, as_json):
            return
        proposal = use.evolve(workspace, lesson_id, to, reason=reason)
    _print_proposal(proposal, as_json)


def _agent_proposes(workspace: Workspace, kind: str, lesson_id: str, to: str, reason: str, as_json: bool) -> bool:
    """Inside an agent session a promotion or evolution is an agent proposal, not a change-set: a person
    turns it into one with `reverie proposals accept`."""
    who = guard.actor()
    if not who.is_agent:
        return False
    found = workspace.store.find_lessons(lesson_id)
    if len(found) != 1:
        raise NotFoundError(f"no lesson {lesson_id!r}" if not found else f"{lesson_id!r} matches {len(found)} lessons")
    row = use.propose_move(
        workspace, found[0].id, to, reason, kind=kind, via="cli", actor=who, command=guard.command_line()
    )
    if as_json:
        emit_json({"proposal": row.id, "kind": kind, "lesson": found[0].id, "to": to, "status": row.status})
    else:
        click.echo(
            f"Proposed {row.id} ({kind} {found[0].id} -> {to}): this runs inside an agent session ({who.evidence}),"
            " so nothing changed. A person decides with `reverie proposals`."
        )
    return True


def _print_proposal(proposal: use.Proposal, as_json: bool) -> None:
    if as_json:
        emit_json(proposal.to_json())
        return
    click.echo(proposal.describe())


@contextmanager
def _workspace() -> Iterator[Workspace]:
    workspace = Workspace.open()
    try:
        yield workspace
    finally:
        workspace.close()


COMMANDS = (compile_command, artifacts_group, promote_command, evolve_command)
