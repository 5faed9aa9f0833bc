"""Dreams and review at the command line: ``dream``, ``dreams``, ``review``, ``accept``, ``discard``,
``history``, ``rollback``.

The use cases are in ``reverie.app.dreams`` (what happens when a dream is run or accepted); this
module turns flags into their arguments and their results into text or JSON. ``accept`` shows each
change it is about to accept and approves exactly what it showed; inside an agent session it refuses
behaviour-shaping changes (``reverie.review.actor``); a dream its gate marked regressing needs
``--accept-regression``. The use cases (which load the dream passes and the eval gate) are imported by
the commands that run them: ``dreams`` and ``history`` start without them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click

from reverie.cli import guard
from reverie.cli.output import emit_json, emit_table, json_option, progress
from reverie.dream.runner import reap_if_idle
from reverie.errors import InputError, NotFoundError
from reverie.review import actor as actors
from reverie.review import render
from reverie.store.protocol import DreamRecord, StoredChange
from reverie.workspace import Workspace

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@click.command(name="dream")
@click.option("--since", help="Only sessions that started in this window: 30m, 12h, 7d, 2w.")
@click.option("--sessions", "session_ids", multiple=True, help="Only these sessions (ids or unique prefixes).")
@click.option("--instructions", default="", help='What to focus on, recorded with the dream ("focus on tests").')
@click.option(
    "--auto",
    is_flag=True,
    help="Run only if due (policy.toml: new sessions, cooldown); accept nothing that shapes behaviour.",
)
@click.option("--wait", default=5.0, show_default=True, help="Seconds to wait for a dream already running.")
@click.option(
    "--gate",
    "gate_setting",
    help='Measure the proposal against the input: "checks" (label-free), a labels file (adds the labelled'
    ' metrics), or "off". Default: [dream] gate in policy.toml, else off.',
)
@json_option
def dream_command(
    since: str | None,
    session_ids: tuple[str, ...],
    instructions: str,
    auto: bool,
    wait: float,
    gate_setting: str | None,
    as_json: bool,
) -> None:
    """Consolidate lessons offline: propose a typed change-set against a new store version.

    The current store is never modified; `reverie review` shows the proposal, `reverie accept` or
    `reverie discard` decides."""
    from reverie.app import dreams

    order = dreams.DreamOrder(
        session_ids=session_ids,
        since=_duration(since) if since else None,
        instructions=instructions,
        auto=auto,
        wait=wait,
        gate=gate_setting,
        cwd=Path.cwd(),
    )
    with _workspace() as workspace, progress("dreaming", quiet=as_json) as tick:
        done = dreams.dream(workspace, order, command=_command(), progress=tick)
    if done.record is None:
        _say(as_json, {"ran": False, "reason": done.reason}, f"Not dreaming: {done.reason}.")
        return
    record, accepted = done.record, done.auto_accepted
    if as_json:
        emit_json(render.record_json(record) | {"auto_accepted": list(accepted)})
        return
    for line in render.dream_header(record):
        click.echo(line)
    if accepted:
        click.echo(f"Accepted by policy (low-risk only): {', '.join(accepted)}.")
    if record.status == "completed" and record.changes:
        click.echo(f"Review it: reverie review {record.id}")
    elif record.status == "completed":
        click.echo("Nothing to review: the dream proposed no change. It dreams again over the sessions that come next.")


@click.command(name="dreams")
@json_option
def dreams_command(as_json: bool) -> None:
    """Every dream: id, status, inputs, changes, usage."""
    with _workspace() as workspace:
        reap_if_idle(workspace.store, workspace.home)
        records = workspace.store.dreams()
    if as_json:
        emit_json([render.record_json(record) for record in records])
        return
    if not records:
        click.echo("No dreams yet: `reverie dream` proposes one.")
        return
    emit_table(
        [
            "dream",
            "status",
            "trigger",
            "created",
            "input",
            "sessions",
            "changes",
            "decided",
            "gate",
            "seconds",
            "error",
        ],
        [_row(record) for record in records],
    )


@click.command(name="review")
@click.argument("dream_id", required=False)
@click.option("--edit", "edit_id", help="A change to reword (with --statement); it will need a new approval.")
@click.option("--statement", help="The new statement for --edit.")
@json_option
def review_command(dream_id: str | None, edit_id: str | None, statement: str | None, as_json: bool) -> None:
    """A dream's change-set, one change at a time, like a code review. Agents' proposals are listed by
    `reverie proposals`."""
    from reverie.app import dreams
    from reverie.recall import proposals as agent_proposals

    with _workspace() as workspace:
        waiting = len(agent_proposals.pending(workspace))
        try:
            record = _dream(workspace, dream_id)
        except NotFoundError:
            if dream_id or not waiting or as_json:
                raise
            click.echo(f"No dream with undecided changes. {waiting} agent proposal(s) wait: `reverie proposals`.")
            return
        if edit_id:
            dreams.edit(
                workspace,
                record.id,
                edit_id,
                statement=statement or "",
                actor=actors.current(),
                command=_command(),
            )
        changes = workspace.store.dream_changes(record.id)
    if as_json:
        emit_json(render.as_json(record, changes))
        return
    for line in render.dream_header(record):
        click.echo(line)
    for item in changes:
        click.echo("")
        for line in render.change_lines(item):
            click.echo(line)
    if any(item.decision is None for item in changes):
        click.echo(
            f"\nDecide: reverie accept {record.id} [--only C1,C2] [--except C3]   or   reverie discard {record.id}"
        )
    if waiting:
        click.echo(f"\n{waiting} agent proposal(s) wait too: `reverie proposals`.")


@click.command(name="accept")
@click.argument("dream_id", required=False)
@click.option("--only", default="", help="Accept only these changes: C1,C4.")
@click.option("--except", "exclude", default="", help="Accept all but these changes: C2.")
@click.option("--yes", is_flag=True, help="Do not ask; approve what is shown.")
@click.option("--accept-regression", is_flag=True, help="Accept even though the dream's gate marked it regressing.")
@json_option
def accept_command(
    dream_id: str | None, only: str, exclude: str, yes: bool, accept_regression: bool, as_json: bool
) -> None:
    """Accept a dream's changes into a new store version (the head moves to it)."""
    from reverie.app import dreams

    with _workspace() as workspace:
        record = _dream(workspace, dream_id)
        who = actors.current()
        chosen = dreams.undecided(workspace, record, _ids(only), _ids(exclude))
        if not chosen:
            _say(as_json, {"accepted": [], "refused": {}}, f"Nothing undecided to accept in {record.id}.")
            return
        if who.is_person and not as_json:
            _show(chosen)
        if who.is_person:
            guard.confirm(f"Accept {len(chosen)} change(s)?", yes=yes)
        outcome = dreams.accept(
            workspace,
            record.id,
            actor=who,
            command=_command(),
            only=[item.change.id for item in chosen],
            approved={i.change.id: i.change.content_hash for i in chosen},
            accept_regression=accept_regression,
        )
    head = outcome.version.id if outcome.version else None
    if as_json:
        emit_json({"accepted": list(outcome.accepted), "refused": outcome.refused, "head": head})
        return
    if outcome.accepted:
        click.echo(f"Accepted {', '.join(outcome.accepted)}: store version {head} is the head.")
    for change_id, why in outcome.refused.items():
        click.echo(f"Not accepted {change_id}: {why}")


@click.command(name="discard")
@click.argument("dream_id", required=False)
@json_option
def discard_command(dream_id: str | None, as_json: bool) -> None:
    """Reject every undecided change of a dream. The store stays as it is."""
    from reverie.app import dreams

    who = actors.current()
    with _workspace() as workspace:
        record, count = dreams.discard(workspace, dream_id, actor=who, command=_command())
    _say(as_json, {"dream": record.id, "discarded": count}, f"Discarded {count} change(s) of {record.id}.")


@click.command(name="history")
@json_option
def history_command(as_json: bool) -> None:
    """Store versions (the head marked *), who accepted what and when, and the audit log."""
    with _workspace() as workspace:
        head = workspace.store.head()
        versions = workspace.store.store_versions()
        audit = workspace.store.audit_log()
    if as_json:
        emit_json(
            {
                "head": head.id,
                "versions": [vars_of(v) for v in versions],
                "audit": [vars_of(entry) for entry in audit],
            }
        )
        return
    emit_table(
        ["version", "parent", "state", "by", "created", "dream", "accepted by", "lessons", "note"],
        [
            [
                ("* " if v.id == head.id else "  ") + str(v.id),
                v.parent,
                v.state,
                v.created_by,
                v.created_at,
                v.dream_id,
                v.accepted_by,
                v.lessons_changed,
                v.note,
            ]
            for v in versions
        ],
    )
    if audit:
        click.echo("\nDecisions (newest last):")
        emit_table(
            ["when", "who", "action", "dream", "change", "hash", "version", "detail"],
            [
                [
                    e.at,
                    e.actor,
                    e.action,
                    e.dream_id,
                    e.change_id,
                    (e.content_hash or "")[:12],
                    e.store_version,
                    e.detail,
                ]
                for e in audit[-30:]
            ],
        )


@click.command(name="rollback")
@click.argument("version", type=int, required=False)
@click.option("--yes", is_flag=True, help="Do not ask.")
@json_option
def rollback_command(version: int | None, yes: bool, as_json: bool) -> None:
    """Point the head back at an earlier store version (default: before the last accepted dream)."""
    from reverie.app import dreams

    with _workspace() as workspace:
        who = actors.current()
        head, target, differ = dreams.rollback_plan(workspace, version, actor=who, command=_command())
        if not as_json:
            click.echo(f"Rollback: head {head.id} -> {target.id}; {len(differ)} lesson(s) change.")
        guard.confirm("Roll back?", yes=yes)
        done = dreams.rollback(workspace, target.id, actor=who, command=_command())
    _say(
        as_json,
        {"from": done.before.id, "to": done.after.id, "lessons_changed": done.lessons_changed},
        f"Store version {done.after.id} is the head (was {done.before.id}).",
    )


def vars_of(item: object) -> dict[str, object]:
    return {name: getattr(item, name) for name in getattr(item, "__slots__", ())}


def _dream(workspace: Workspace, prefix: str | None) -> DreamRecord:
    from reverie.app import dreams

    return dreams.pick(workspace, prefix)


def _show(chosen: Sequence[StoredChange]) -> None:
    for item in chosen:
        for line in render.change_lines(item):
            click.echo(line)
        click.echo("")


def _ids(text: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", text) if part]


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match:
        raise InputError(f"--since {text!r}: give a number and a unit, like 30m, 12h, 7d or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _row(record: DreamRecord) -> list[object]:
    usage = record.usage or {}
    return [
        record.id,
        record.status,
        record.trigger,
        record.created_at,
        record.input_version,
        len(record.session_ids),
        record.changes,
        record.decided,
        render.gate_cell(record),
        f"{usage.get('wall_seconds', 0):.2f}",
        (record.error or "")[:60],
    ]


def _say(as_json: bool, data: dict[str, object], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)


def _command() -> str:
    return " ".join(["reverie", *sys.argv[1:]])[:500]


@contextmanager
def _workspace() -> Iterator[Workspace]:
    workspace = Workspace.open()
    try:
        yield workspace
    finally:
        workspace.close()


COMMANDS = (
    dream_command,
    dreams_command,
    review_command,
    accept_command,
    discard_command,
    history_command,
    rollback_command,
)
