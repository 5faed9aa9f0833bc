"""``reverie recall``, ``reverie context`` and ``reverie mcp``: what agents are shown, and the MCP server."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from reverie.app.recall import lessons_changed, track_outcomes
from reverie.cli.output import emit_json, emit_table, json_option, plural
from reverie.domain.lessons import LessonStatus
from reverie.errors import InputError
from reverie.recall import search
from reverie.workspace import Workspace

project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The project folder to answer for (default: the current folder).",
)


@click.command()
@click.argument("query", required=False)
@project_option
@click.option("--command", "shell_command", metavar="CMD", help="Explain the lessons shown before this shell command.")
@click.option("--path", "file_path", metavar="PATH", help="Explain the lessons shown before an edit of this file.")
@click.option("--reindex", is_flag=True, help="Rebuild the recall index from the lesson store first.")
@click.option("--outcomes", "show_outcomes", is_flag=True, help="Judge logged injections and list their outcomes.")
@json_option
def recall(
    query: str | None,
    project_dir: Path | None,
    shell_command: str | None,
    file_path: str | None,
    reindex: bool,
    show_outcomes: bool,
    as_json: bool,
) -> None:
    """What the agent would be shown for QUERY (a prompt), and why: each candidate's matched terms,
    scope check and score (match x confidence x recency)."""
    workspace = Workspace.open()
    try:
        if reindex:
            count = lessons_changed(workspace)
            if not (query or shell_command or file_path or show_outcomes):
                _say(as_json, {"indexed": count}, f"recall index rebuilt: {count} active lessons")
                return
        if show_outcomes:
            _outcomes(workspace, as_json)
            return
        project = search.project_key(project_dir)
        if shell_command is not None:
            report = search.for_call(workspace, "Bash", {"command": shell_command}, project)
        elif file_path is not None:
            report = search.for_call(workspace, "Edit", {"file_path": file_path}, project)
        elif query:
            report = search.for_prompt(workspace, query, project)
        else:
            raise InputError('give a QUERY ("how do I run the tests here"), --command or --path')
        _print(report, as_json, _waiting(workspace, project))
    finally:
        workspace.close()


@click.command()
@click.option("--session-start", "session_start", is_flag=True, required=True, help="The digest a new session gets.")
@project_option
@json_option
def context(session_start: bool, project_dir: Path | None, as_json: bool) -> None:
    """The context a new session receives: the digest of active lessons for this project and you."""
    del session_start  # the only context there is today; the flag names it so others can follow
    workspace = Workspace.open()
    try:
        project = search.project_key(project_dir)
        _print(search.session_start(workspace, project), as_json, _waiting(workspace, project))
    finally:
        workspace.close()


@click.command()
@project_option
def mcp(project_dir: Path | None) -> None:
    """Serve reverie's lessons to an MCP client over stdio (search, provenance, proposals, the digest)."""
    try:
        from reverie.mcp.server import run
    except ImportError as error:
        raise InputError(f"the MCP server needs the `mcp` package: pip install 'reverie[mcp]' ({error})") from error
    run(project_dir=project_dir)


def _waiting(workspace: Workspace, project: str | None) -> int:
    """Candidate lessons of this project and global ones: learned, not yet shown to agents."""
    candidates = workspace.store.lessons(statuses=[LessonStatus.CANDIDATE])
    return sum(1 for lesson in candidates if lesson.scope.project in (None, project))


def _print(report: search.Report, as_json: bool, waiting: int = 0) -> None:
    if as_json:
        emit_json({**report.to_json(), "candidates_waiting": waiting})
        return
    click.echo(f"{report.event} in {report.project}: {plural(len(report.shown), 'lesson')} shown")
    if not report.shown and waiting:
        click.echo(
            f"{plural(waiting, 'candidate lesson')} {'is' if waiting == 1 else 'are'} not shown yet: a candidate "
            "becomes active when a later session confirms it, when you say it again, or when you accept it in "
            "review (`reverie lessons --status candidate` lists them)."
        )
    for note in report.notes:
        click.echo(f"note: {note}")
    if report.text:
        click.echo("\n" + report.text + "\n")
    for hit in report.hits:
        click.echo(_describe(hit))
    if report.out_of_scope:
        click.echo("\nOut of scope here (never shown in this project):")
        for hit in report.out_of_scope:
            click.echo(f"  {hit.lesson_id}  {hit.statement[:90]}\n      scope check {hit.scope_check}")


def _describe(hit: search.Explained) -> str:
    lines = [
        f"  {hit.decision:<14} {hit.lesson_id}  score {hit.score:.3f} = match {hit.match:.2f} x confidence "
        f"{hit.confidence:.2f} x recency {hit.recency:.2f}",
        f"      {hit.statement[:110]}",
        f"      scope check {hit.scope_check}",
    ]
    if hit.matched_terms or hit.bm25 is not None:
        bm25 = f"; FTS5 bm25 {hit.bm25:.2f}" if hit.bm25 is not None else ""
        intents = f"; by what its tools are for: {', '.join(hit.matched_intents)}" if hit.matched_intents else ""
        matched = ", ".join(hit.matched_terms) or "-"
        lines.append(f"      text relevance {hit.relevance:.2f} (matched: {matched}{intents}){bm25}")
    if hit.trigger_reason:
        lines.append(f"      trigger {hit.trigger:.1f}: {hit.trigger_reason}")
    return "\n".join(lines)


def _outcomes(workspace: Workspace, as_json: bool) -> None:
    rows = track_outcomes(workspace)
    if as_json:
        emit_json({"outcomes": [asdict(row) for row in rows]})
        return
    if not rows:
        click.echo("No injections to judge yet (or their sessions are not ingested).")
        return
    emit_table(
        ("session", "lesson", "channel", "outcome", "detail"),
        [(r.session_id[:12], r.lesson_id, r.channel, r.outcome, r.detail) for r in rows],
    )


def _say(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(text)


COMMANDS = (recall, context, mcp)
