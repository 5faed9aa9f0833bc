"""Looking at what was captured: ``sessions``, ``trace``, ``stats``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from reverie.cli import timeline
from reverie.cli.output import emit_json, emit_table, json_option
from reverie.domain import Event, Session
from reverie.domain.timeline import PERIODS
from reverie.errors import NotFoundError
from reverie.workspace import Workspace


@click.command()
@click.option("--project", help="Only sessions of this project key.")
@json_option
def sessions(project: str | None, as_json: bool) -> None:
    """What reverie has seen, per project."""
    workspace = Workspace.open()
    summaries = workspace.store.sessions(project)
    if as_json:
        emit_json(
            [
                {
                    **_session_json(s.session),
                    "events": s.events,
                    "prompts": s.prompts,
                    "tool_calls": s.tool_calls,
                    "errors": s.errors,
                }
                for s in summaries
            ]
        )
        return
    if not summaries:
        click.echo("No sessions yet. Run `reverie init` to capture new ones or `reverie import` for old ones.")
        return
    rows = [
        (
            # The project key, as `reverie lessons` shows it and `--project` takes it: one label everywhere.
            s.session.project.key if s.session.project else "(no project)",
            s.session.id[:12],
            s.session.agent,
            (s.session.started_at or "")[:16],
            s.prompts,
            s.tool_calls,
            s.errors,
        )
        for s in summaries
    ]
    emit_table(("project", "session", "agent", "started", "prompts", "tools", "errors"), rows)


@click.command()
@click.argument("session_id")
@click.option("--width", default=160, show_default=True, help="Cut each line's text to this width.")
@json_option
def trace(session_id: str, width: int, as_json: bool) -> None:
    """One session as a readable timeline: prompts, tool calls, results, errors."""
    workspace = Workspace.open()
    session = _resolve(workspace, session_id)
    events = workspace.store.events(session.id)
    if as_json:
        emit_json({"session": _session_json(session), "events": [_event_json(e) for e in events]})
        return
    project = session.project.key if session.project else "(no project)"
    click.echo(f"session {session.id}  {session.agent}  {project}  {session.started_at or ''}")
    for event in events:
        click.echo(timeline_line(event, width))


@click.command()
@click.option(
    "--over-time",
    is_flag=True,
    help="What was learned per week (or --by month): lessons added, activated, retired, and those standing.",
)
@click.option("--project", help="With --over-time: only the lessons scoped to this project key.")
@click.option(
    "--by", type=click.Choice(PERIODS), default="week", show_default=True, help="With --over-time: the period."
)
@json_option
def stats(over_time: bool, project: str | None, by: str, as_json: bool) -> None:
    """Counts of sessions, projects and events, by kind, origin and source; with --over-time, what was
    learned week by week."""
    if not over_time and (project or by != "week"):
        raise click.UsageError("--project and --by go with --over-time")
    workspace = Workspace.open()
    if over_time:
        from reverie.app.lessons import learned_over_time

        try:
            found = learned_over_time(workspace, project=project, by=by)
        finally:
            workspace.close()
        timeline.show(found, project=project, by=by, as_json=as_json)
        return
    from reverie.capture.ingest import capture_drops  # it pulls in every agent's adapter

    numbers = workspace.store.stats()
    drops = capture_drops(workspace.home)
    if as_json:
        emit_json({**asdict(numbers), "home": str(workspace.home), "capture_dropped": drops.get("dropped", 0)})
        return
    click.echo(f"home      {workspace.home}")
    if not numbers.events:
        click.echo(
            "Nothing captured yet. `reverie init` captures every new session of Claude Code or Codex, and "
            "`reverie import` brings in the transcripts the agents already keep (~/.claude/projects, ~/.codex)."
        )
        return
    click.echo(f"schema    {numbers.schema_version}")
    click.echo(f"sessions  {numbers.sessions} in {numbers.projects} projects")
    click.echo(f"events    {numbers.events}")
    for title, counts in (
        ("by kind", numbers.events_by_kind),
        ("by origin", numbers.events_by_origin),
        ("by source", numbers.events_by_source),
    ):
        click.echo(f"  {title}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    if drops.get("dropped"):
        click.echo(
            f"dropped   {drops['dropped']} hook events could not be spooled (disk full?),"
            f" last at {drops.get('last_at')}; `reverie import` recovers them from the transcripts"
        )


COMMANDS = (sessions, trace, stats)


def _resolve(workspace: Workspace, session_id: str) -> Session:
    matches = workspace.store.find_sessions(session_id)
    exact = [s for s in matches if s.id == session_id]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no session starts with {session_id!r}; `reverie sessions` lists them")
    raise NotFoundError(f"{session_id!r} matches {len(matches)} sessions; give more of the id")


_MARKS = {
    "session_start": "▶",
    "prompt": ">",
    "assistant": "·",
    "tool_call": "$",
    "tool_result": "=",
    "compaction": "~",
    "subagent_stop": "◇",
    "stop": "■",
    "session_end": "◀",
    "notice": "!",
}


def timeline_line(event: Event, width: int) -> str:
    clock = (event.timestamp or "")[11:19] or "--:--:--"
    mark = "✗" if event.is_error else _MARKS.get(event.kind.value, "?")
    body = event.text
    if event.kind.value == "tool_call":
        body = f"{event.tool_name}: {_describe_input(event.tool_input)}"
    elif event.kind.value == "tool_result" and event.tool_name:
        body = f"{event.tool_name} -> {event.text}"
    body = " ".join(body.split())
    side = " [subagent]" if event.sidechain else ""
    line = f"{clock} {mark} {event.kind.value:<13} {event.origin.value:<8}{side} {body}"
    return line if len(line) <= width else line[: width - 1] + "…"


def _describe_input(tool_input: dict[str, Any] | None) -> str:
    if not tool_input:
        return ""
    for name in ("command", "file_path", "path", "pattern", "url", "query", "description"):
        if isinstance(tool_input.get(name), str):
            return str(tool_input[name])
    return ", ".join(f"{k}={v}" for k, v in tool_input.items())


def _session_json(session: Session) -> dict[str, Any]:
    data = asdict(session)
    data["project"] = asdict(session.project) if session.project else None
    return data


def _event_json(event: Event) -> dict[str, Any]:
    data = asdict(event)
    for name in ("kind", "origin", "source"):
        data[name] = data[name].value
    return data
