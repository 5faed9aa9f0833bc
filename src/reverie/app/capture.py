"""Getting sessions in: the transcripts and the spool into the store, then what follows.

``ingest`` is ``reverie ingest`` (what a session's end runs, detached): the transcripts that spooled
records name are imported first, and whatever goes wrong there is logged and reported while the spool
is ingested all the same; then the spool, then (``then_distill``) the offline distill and the index.

``capture_run`` is what a finished agent run needs before the next one starts (the loop's capture
step): its transcript and the ones spooled records name are imported first (a transcript's copy of
each event is the richer one), then the spool is applied, the new sessions are distilled (unless
another distill is already at it) and the recall index the next run's hooks read is rebuilt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reverie.app.lessons import distill_quietly
from reverie.app.recall import lessons_changed
from reverie.capture.importer import ImportReport, import_paths
from reverie.capture.ingest import (
    IngestReport,
    ingest_spool,
    prune_project_cache,
    requeue_rejected,
    spooled_transcripts,
)
from reverie.distill import DistillReport, distill
from reverie.distill.lock import single_flight
from reverie.errors import ReverieError
from reverie.workspace import Workspace

log = logging.getLogger(__name__)


def import_transcripts(
    workspace: Workspace, paths: Sequence[Path] = (), *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """``reverie import``: the named files and folders, else the agents' own folders. Nothing follows:
    the sessions wait for distill, which a session's end or the next ``reverie distill`` runs."""
    return import_paths(workspace.store, list(paths) or None, progress=progress)


@dataclass(frozen=True, slots=True)
class Ingested:
    report: IngestReport
    requeued: int
    imported: ImportReport | None
    import_failed: str | None
    distilled: DistillReport | None


def ingest(workspace: Workspace, *, retry_rejected: bool, spool_only: bool, then_distill: bool) -> Ingested:
    requeued = requeue_rejected(workspace.spool_dir) if retry_rejected else 0
    transcripts = [] if spool_only else spooled_transcripts(workspace.spool_dir)
    imported, import_failed = _import_first(workspace, transcripts)
    report = ingest_spool(workspace.store, workspace.spool_dir)
    prune_project_cache(workspace.home)
    distilled = distill_quietly(workspace) if then_distill and not report.stopped else None
    return Ingested(report, requeued, imported, import_failed, distilled)


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


def capture_run(workspace: Workspace, transcripts: Sequence[Path] = ()) -> None:
    paths = list(dict.fromkeys([*transcripts, *spooled_transcripts(workspace.spool_dir)]))
    if paths:
        import_paths(workspace.store, paths)
    ingest_spool(workspace.store, workspace.spool_dir)
    with single_flight(workspace.home / "distill.lock") as ours:
        if ours:  # another distill is running: it covers this session, or the next run will
            distill(workspace.store)
    lessons_changed(workspace)


def build_hook_runtime(home: Path) -> Path | None:
    """Write the hook runtime file (``capture/bundle.py``) that ``reverie init``'s hook loads its modules
    from; None when it cannot be written now (the hook's first event then imports the usual way and
    writes it)."""
    from reverie.capture import bundle

    try:
        return Path(bundle.build(str(home)))
    except (OSError, SyntaxError, ValueError) as error:
        log.warning("the hook runtime file was not written: %s", error)
        return None
