"""``reverie remote``, ``push`` and ``pull``: this machine and its team servers.

A server that is down never blocks: each command fails with one line and exit status 1, and
nothing local changes (pull writes lessons and the cursor only after the server answered).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from reverie.app.recall import lessons_changed
from reverie.cli.output import emit_json, emit_table, json_option, progress
from reverie.sync import remotes
from reverie.sync.client import TeamClient
from reverie.sync.pull import pull
from reverie.sync.push import push
from reverie.sync.traces import push_traces
from reverie.workspace import Workspace

timeout_option = click.option(
    "--timeout", default=10.0, show_default=True, help="Seconds to wait for the server on each request."
)


@click.group(name="remote")
def remote_group() -> None:
    """Team servers this machine pushes to and pulls from."""


@remote_group.command(name="add")
@click.argument("name")
@click.argument("url")
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path), help="Read the token from this file.")
@json_option
def remote_add(name: str, url: str, token_file: Path | None, as_json: bool) -> None:
    """Add (or replace) remote NAME at URL; the token comes from REVERIE_TEAM_TOKEN or --token-file."""
    token = token_file.read_text().strip() if token_file else os.environ.get(remotes.TOKEN_ENV, "")
    workspace = Workspace.open()
    try:
        added = remotes.add_remote(workspace.home, name, url, token)
    finally:
        workspace.close()
    _say(as_json, {"name": added.name, "url": added.url}, f"remote {added.name} -> {added.url}")


@remote_group.command(name="list")
@json_option
def remote_list(as_json: bool) -> None:
    """The remotes (never their tokens)."""
    workspace = Workspace.open()
    try:
        known = remotes.remotes(workspace.home)
    finally:
        workspace.close()
    if as_json:
        emit_json({"remotes": [{"name": r.name, "url": r.url} for r in known]})
    else:
        emit_table(["name", "url"], [[r.name, r.url] for r in known])


@remote_group.command(name="remove")
@click.argument("name")
@json_option
def remote_remove(name: str, as_json: bool) -> None:
    """Forget remote NAME, its token and its sync state."""
    workspace = Workspace.open()
    try:
        remotes.remove_remote(workspace.home, name)
    finally:
        workspace.close()
    _say(as_json, {"removed": name}, f"removed {name}")


@click.command(name="push")
@click.argument("remote_name", metavar="[REMOTE]", required=False)
@timeout_option
@click.option(
    "--retries", default=3, show_default=True, help="Retries when the server is unreachable (safe: idempotent)."
)
@click.option(
    "--traces", "with_traces", is_flag=True, help="Also upload raw sessions, redacted (if the team opted in)."
)
@json_option
def push_command(remote_name: str | None, timeout: float, retries: int, with_traces: bool, as_json: bool) -> None:
    """Send what this machine learned (active project and global lessons, redacted) as team proposals."""
    workspace = Workspace.open()
    try:
        chosen = remotes.remote(workspace.home, remote_name)
        state = remotes.load_state(workspace.home, chosen.name)
        client = TeamClient(chosen, timeout=timeout, retries=retries)
        with progress(f"pushing to {chosen.name}", quiet=as_json) as tick:
            report = push(client, workspace.store, state, progress=tick)
        uploaded = push_traces(client, workspace.store, state) if with_traces else None
        remotes.save_state(workspace.home, chosen.name, state)
    finally:
        workspace.close()
    data: dict[str, Any] = {
        "remote": chosen.name,
        "sent": report.sent,
        "proposed": report.proposed,
        "known": report.known,
    }
    text = (
        f"pushed {report.sent} lessons to {chosen.name}: {report.proposed} new proposals, {report.known} already there"
    )
    if uploaded is not None:
        data["traces"] = {"sessions": uploaded.sessions, "events": uploaded.events, "new": uploaded.new}
        text += f"; traces: {uploaded.sessions} sessions, {uploaded.new} new events"
    _say(as_json, data, text)


@click.command(name="pull")
@click.argument("remote_name", metavar="[REMOTE]", required=False)
@timeout_option
@json_option
def pull_command(remote_name: str | None, timeout: float, as_json: bool) -> None:
    """Bring the team's accepted lessons into this machine's store (and recall index)."""
    workspace = Workspace.open()
    try:
        chosen = remotes.remote(workspace.home, remote_name)
        state = remotes.load_state(workspace.home, chosen.name)
        with progress(f"pulling from {chosen.name}", quiet=as_json) as tick:
            report = pull(TeamClient(chosen, timeout=timeout), workspace.store, state, progress=tick)
        remotes.save_state(workspace.home, chosen.name, state)
        if report.written:
            lessons_changed(workspace)
    finally:
        workspace.close()
    data: dict[str, Any] = {
        "remote": chosen.name, "team": report.team, "received": report.received, "written": report.written,
        "cursor": report.cursor, "pending_review": report.pending_review,
    }  # fmt: skip
    waiting = f"; {report.pending_review} proposals wait for review" if report.pending_review else ""
    _say(as_json, data, f"pulled {report.received} team lessons from {chosen.name} ({report.written} new){waiting}")


def _say(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)


COMMANDS = (remote_group, push_command, pull_command)
