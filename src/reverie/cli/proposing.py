"""``reverie proposals``: what agents asked to change, and a person's decision on each.

Agents propose through the MCP server, the memory tool, or by running ``remember`` / ``forget`` /
``promote`` / ``evolve`` inside their session (``reverie.cli.guard``). Nothing of it reaches the lesson
store until a person accepts it here (``reverie.app.proposals``): a new lesson is remembered, a forget
writes the tombstone, a rewording forgets the old lesson and remembers the new wording, and a promotion
or evolution becomes a change-set for ``reverie review`` / ``reverie accept`` like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from reverie.cli import guard
from reverie.cli.output import emit_json, emit_table, json_option
from reverie.recall import proposals
from reverie.workspace import Workspace

if TYPE_CHECKING:
    from reverie.store.recall_index import ProposalRow


@click.group(name="proposals", invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Also those already decided or withdrawn.")
@json_option
@click.pass_context
def proposals_group(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """What agents proposed (a lesson, forgetting one, a rewording, a promotion): pending until you decide."""
    if ctx.invoked_subcommand is not None:
        return
    with _workspace() as workspace:
        records = proposals.ledger(workspace)
        try:
            rows = records.proposals(status=None if show_all else proposals.PENDING)
        finally:
            records.close()
    if as_json:
        emit_json([_json(row) for row in rows])
        return
    if not rows:
        click.echo("No proposals waiting." if not show_all else "No proposals.")
        return
    emit_table(
        ("id", "status", "kind", "lesson", "via", "scope", "statement"),
        [(r.id, r.status, _kind(r), r.lesson_id or "-", r.via, r.project or r.scope, r.statement[:70]) for r in rows],
    )
    click.echo("\nDecide: reverie proposals accept ID   or   reverie proposals reject ID")


@proposals_group.command(name="accept")
@click.argument("proposal_id")
@click.option("--yes", is_flag=True, help="Do not ask.")
def accept_command(proposal_id: str, yes: bool) -> None:
    """Apply a proposal (a person only): remember, forget, reword, or hand a promotion to review."""
    from reverie.app import proposals as use  # deciding loads distill and review; listing does not

    who = guard.actor()
    with _workspace() as workspace:
        guard.refuse_agent(who, "proposals accept", workspace)
        row = proposals.find(workspace, proposal_id)
        click.echo(f"{row.id} {_kind(row)}: {row.statement}" + (f"\n  reason: {row.reason}" if row.reason else ""))
        guard.confirm("Accept it?", yes=yes)
        done = use.accept(workspace, row, actor=who, command=guard.command_line())
    click.echo(f"Accepted {row.id}: {done}")


@proposals_group.command(name="reject")
@click.argument("proposal_id")
@click.option("--reason", default="", help="Why, for the record.")
def reject_command(proposal_id: str, reason: str) -> None:
    """Reject a proposal (a person only). Nothing changes."""
    from reverie.app import proposals as use  # deciding loads distill and review; listing does not

    who = guard.actor()
    with _workspace() as workspace:
        row = use.reject(workspace, proposal_id, reason=reason, actor=who, command=guard.command_line())
    click.echo(f"Rejected {row.id}.")


def _kind(row: ProposalRow) -> str:
    to = row.body.get("to")
    return f"{row.kind} -> {to}" if to else row.kind


def _json(row: ProposalRow) -> dict[str, object]:
    return {
        "id": row.id,
        "kind": row.kind,
        "lesson": row.lesson_id,
        "statement": row.statement,
        "reason": row.reason,
        "scope": row.scope,
        "project": row.project,
        "via": row.via,
        "status": row.status,
        "details": row.body,
        "created_at": row.created_at,
    }


@contextmanager
def _workspace() -> Iterator[Workspace]:
    workspace = Workspace.open()
    try:
        yield workspace
    finally:
        workspace.close()


COMMANDS = (proposals_group,)
