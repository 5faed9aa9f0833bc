"""``reverie import``: keep the agents' transcripts before they are cleaned up."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path

import click

from reverie.app import capture
from reverie.capture.importer import ImportReport, default_folders
from reverie.cli.output import emit_json, json_option, plural, progress
from reverie.errors import InputError, ReverieError, StoreError
from reverie.workspace import Workspace

PROBLEMS_SHOWN = 20
SKIPPED_KINDS_SHOWN = 8


@click.command(name="import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
def import_command(paths: tuple[Path, ...], as_json: bool) -> None:
    """Import Claude Code and Codex transcripts: files or folders, by default the agents' own folders
    (~/.claude/projects and ~/.codex/sessions, or $CLAUDE_CONFIG_DIR and $CODEX_HOME).

    A re-run reads only what is new, and nothing that hooks already captured is stored twice. A
    malformed line is reported with its file and line and skipped; the rest is imported. Exits 1 when
    there were problems and nothing could be imported.
    """
    missing = [path for path in paths if not path.exists()]
    if missing:
        raise InputError("no such file or folder", path=str(missing[0]))
    if not paths and not any(folder.is_dir() for folder in default_folders()):
        folders = [str(folder) for folder in default_folders()]
        looked = f"neither {' nor '.join(folders)} exists" if len(folders) > 1 else f"{folders[0]} does not exist"
        raise InputError(f"no transcripts to import: {looked}; name files or folders to import")
    try:
        workspace = Workspace.open()
        try:
            with progress("importing transcripts", quiet=as_json) as tick:
                report = capture.import_transcripts(workspace, paths, progress=tick)
        finally:
            workspace.close()
    except (sqlite3.Error, StoreError) as error:  # a locked store, a full disk
        raise ReverieError(
            f"cannot write to the store ({error}); what was imported before is kept, "
            "and running `reverie import` again resumes where this run stopped"
        ) from error
    if as_json:
        emit_json(asdict(report))
    else:
        _print_summary(report)
    if report.problems and not (report.events_new or report.events_known):
        raise SystemExit(1)  # nothing was imported: a script must be able to tell


COMMANDS = (import_command,)


def _print_summary(report: ImportReport) -> None:
    megabytes = report.bytes / 1_000_000
    click.echo(
        f"Read {report.files - report.unchanged_files} of {plural(report.files, 'file')} ({megabytes:.1f} MB, "
        f"{plural(report.lines, 'line')}): {report.events_new:,} new {'event' if report.events_new == 1 else 'events'}"
        f", {report.events_known:,} already stored, in {plural(report.sessions, 'session')}."
    )
    if report.unchanged_files:
        click.echo(f"{report.unchanged_files:,} files had nothing new since the last import.")
    if report.skipped:
        kinds = list(report.skipped.items())
        shown = ", ".join(f"{kind} {count:,}" for kind, count in kinds[:SKIPPED_KINDS_SHOWN])
        more = f", and {len(kinds) - SKIPPED_KINDS_SHOWN} more kinds" if len(kinds) > SKIPPED_KINDS_SHOWN else ""
        click.echo(f"Skipped {sum(report.skipped.values()):,} records that a trace does not need: {shown}{more}.")
    if report.problems:
        rest = "the rest was imported" if report.events_new or report.events_known else "nothing was imported"
        click.echo(f"{plural(len(report.problems), 'problem')} ({rest}):", err=True)
        for problem in report.problems[:PROBLEMS_SHOWN]:
            click.echo(f"  {problem}", err=True)
        if len(report.problems) > PROBLEMS_SHOWN:
            click.echo(
                f"  ... and {len(report.problems) - PROBLEMS_SHOWN} more: `reverie import --json` lists them all."
            )
