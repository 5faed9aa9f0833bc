"""``reverie ingest``: move what the capture hooks spooled into the store.

The hooks run this themselves, detached, when a session ends (``--quiet``, with capture turned off
for the run); running it by hand is always safe: every spool record is applied exactly once.
"""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from reverie.app import capture
from reverie.capture.ingest import IngestReport
from reverie.cli.output import emit_json, json_option
from reverie.workspace import Workspace

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
        done = capture.ingest(
            workspace, retry_rejected=retry_rejected, spool_only=spool_only, then_distill=then_distill
        )
    finally:
        workspace.close()
    report, requeued, imported, import_failed, distilled = (
        done.report,
        done.requeued,
        done.imported,
        done.import_failed,
        done.distilled,
    )
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
