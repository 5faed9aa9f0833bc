"""``reverie ingest``: move what the capture hooks spooled into the store.

The hooks run this themselves, detached, when a session ends (``--quiet``, with capture turned off
for the run); running it by hand is always safe: every spool record is applied exactly once.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict
from pathlib import Path

import click

from reverie.capture.importer import ImportReport, import_paths
from reverie.capture.ingest import (
    IngestReport,
    ingest_spool,
    prune_project_cache,
    requeue_rejected,
    spooled_transcripts,
)
from reverie.cli.lessons import distill_quietly
from reverie.cli.output import emit_json, json_option
from reverie.errors import ReverieError
from reverie.workspace import Workspace

log = logging.getLogger(__name__)

REJECTIONS_SHOWN = 10


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something went wrong.")
@click.option("--retry-rejected", is_flag=True, help="Put rejected records back in the spool first (after an upgrade).")
@click.option("--spool-only", is_flag=True, help="Do not import the transcripts that the records name first.")
@click.option("--distill", "then_distill", is_flag=True, help="Then distill the new sessions (what the hooks run).")
@json_option
def ingest(quiet: bool, retry_rejected: bool, spool_only: bool, then_distill: bool, as_json: bool) -> None:
    """Store the events that capture hooks spooled (oldest first, each exactly once).

    The transcripts those records name are imported first, so the transcript's richer copy of each
    event is the one kept. A record that cannot be read is moved to spool/rejected/ with the reason
    beside it, never lost.
    """
    workspace = Workspace.open()
    try:
        requeued = requeue_rejected(workspace.spool_dir) if retry_rejected else 0
        transcripts = [] if spool_only else spooled_transcripts(workspace.spool_dir)
        imported, import_failed = _import_first(workspace, transcripts)
        report = ingest_spool(workspace.store, workspace.spool_dir)
        prune_project_cache(workspace.home)
        distilled = distill_quietly(workspace) if then_distill and not report.stopped else None
    finally:
        workspace.close()
    if as_json:
        emit_json(
            {
                **asdict(report),
                "requeued": requeued,
                "transcripts_imported": imported.files if imported else 0,
                "import_failed": import_failed,
                "sessions_distilled": len(distilled.sessions) if distilled else 0,
            }
        )
    elif not quiet or report.stopped or report.rejected:
        _print_summary(report, requeued, quiet)
    if import_failed and not as_json:
        click.echo(
            f"reverie: importing the named transcripts failed; the spool was ingested: {import_failed}", err=True
        )
    if report.stopped:
        sys.exit(1)


COMMANDS = (ingest,)


def _import_first(workspace: Workspace, transcripts: list[Path]) -> tuple[ImportReport | None, str | None]:
    """Import the named transcripts; whatever goes wrong there (a transcript reverie cannot read, a bug
    in a parser) is logged and reported, and the spool is ingested all the same."""
    if not transcripts:
        return None, None
    try:
        return import_paths(workspace.store, transcripts), None
    except ReverieError as error:
        failure = str(error)
    except Exception as error:  # reported below and in the log; the spool must not wait on it
        failure = f"{type(error).__name__}: {error}"
    log.error("ingest: importing %d transcripts failed: %s", len(transcripts), failure)
    return None, failure[:500]


def _print_summary(report: IngestReport, requeued: int, quiet: bool) -> None:
    if requeued:
        click.echo(f"Put {requeued} rejected records back in the spool.")
    if not quiet:
        sessions = len(report.sessions)
        click.echo(f"Ingested {report.records:,} spool records: {report.events:,} new events in {sessions:,} sessions.")
    for rejection in report.rejected[:REJECTIONS_SHOWN]:
        click.echo(f"rejected {rejection.record}: {rejection.reason}", err=True)
    if len(report.rejected) > REJECTIONS_SHOWN:
        click.echo(f"... and {len(report.rejected) - REJECTIONS_SHOWN} more in spool/rejected/", err=True)
    if report.stopped:
        click.echo(f"reverie: ingest stopped, the rest stays in the spool for next time: {report.stopped}", err=True)
