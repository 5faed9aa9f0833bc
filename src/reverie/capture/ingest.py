"""Ingest: spool records become events in the store, each exactly once.

The hook only writes files (``capture.spool``); this moves them into the store, oldest first. Each
record is normalized by its agent's adapter and written as one ``Batch`` whose ``receipt`` is the
record id, in one transaction: a record whose receipt is stored was applied before and is skipped
whole. So the order "write, then delete the file" is safe against every crash (a record applied
but not yet deleted is skipped next time and then deleted), and two ingests running at once (a
session ending while the person runs ``reverie ingest``) may both read a record but only one
applies it.

A record that cannot be read or normalized (garbled JSON, a payload that was not JSON, no session
id, an agent or version this reverie does not know) is moved to ``spool/rejected/`` with the reason
beside it and in the report: kept for inspection, never retried forever, never lost
(``requeue_rejected`` puts them back, for example after an upgrade). A store that fails (locked,
disk full) stops the run with the records still in the spool, to be ingested next time.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.adapters.registry import ByAgent
from reverie.capture import spool
from reverie.capture.reading import decode_bounded, open_regular
from reverie.domain import Event, Session
from reverie.errors import InputError
from reverie.store import Batch, Store

log = logging.getLogger(__name__)

Normalizer = Callable[[Mapping[str, Any]], tuple[Session, list[Event]]]
# Each agent's payload normaliser, from the extension table (an agent without hooks has none).
NORMALIZERS: Mapping[str, Normalizer] = ByAgent(lambda agent: agent.normalize)
STALE_TEMPORARY_SECONDS = 3600  # a hook that died between writing and renaming its record
PROJECT_CACHE_DAYS = 7
MAX_RECORD_BYTES = 64 * 1024 * 1024  # the hook caps what it spools far below this
DROPS_FILE = "capture-drops.json"
DROPPED_SESSIONS_KEPT = 50


@dataclass(frozen=True, slots=True)
class Rejection:
    record: str  # the record's file name
    reason: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    records: int = 0  # records read, written to the store (or found written by an earlier run) and deleted
    events: int = 0  # events that were new to the store
    rejected: tuple[Rejection, ...] = ()
    stopped: str | None = None  # why the run stopped early (the store failed); the rest waits in the spool
    sessions: tuple[str, ...] = field(default=())  # sessions that received events
    dropped: int = 0  # records the hook could not write (disk full), counted from their markers this run


def ingest_spool(store: Store, spool_dir: Path) -> IngestReport:
    """Apply every pending spool record to ``store``, oldest first, and delete it."""
    counts = {"records": 0, "events": 0}
    rejected: list[Rejection] = []
    sessions: dict[str, None] = {}
    _remove_stale_temporaries(spool_dir)
    counts["dropped"] = count_dropped(spool_dir)
    for path in spool.pending(spool_dir):
        try:
            record = read_record(path)
            session, events = normalize(record)
        except FileNotFoundError:
            continue  # a concurrent ingest took it
        except Exception as error:  # a normalizer's bug must not lose the record either: it is rejected, kept
            rejection = _reject(path, error)
            if rejection:
                rejected.append(rejection)
            continue
        try:
            new = store.write(Batch(events=events, sessions=(session,), receipt=spool.record_id(path)))
        except Exception as error:  # the store's own errors (locked, full disk) end the run, nothing lost
            log.error("ingest stopped at %s: %s", path.name, error)
            return _report(counts, rejected, sessions, stopped=f"{type(error).__name__}: {error}")
        counts["records"] += 1
        counts["events"] += new
        sessions[session.id] = None
        spool.remove(path)
    return _report(counts, rejected, sessions)


def count_dropped(spool_dir: Path) -> int:
    """Fold the hook's dropped-record markers into ``<home>/capture-drops.json`` and remove them; how many."""
    markers = spool.dropped_markers(spool_dir)
    if not markers:
        return 0
    summary = capture_drops(spool_dir.parent)
    sessions = dict.fromkeys([*summary.get("sessions", []), *(session for *_, session in markers)])
    summary = {
        "dropped": int(summary.get("dropped", 0)) + len(markers),
        "last_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sessions": list(sessions)[-DROPPED_SESSIONS_KEPT:],
    }
    path = spool_dir.parent / DROPS_FILE
    temp = path.with_name(path.name + ".tmp")
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(summary, file)
        os.replace(temp, path)
    except OSError as error:  # still full: the markers stay for the next ingest
        log.error("cannot record %d dropped hook records yet: %s", len(markers), error)
        return 0
    for marker, *_ in markers:
        spool.remove(marker)
    log.warning("%d hook records could not be written to the spool (disk full?)", len(markers))
    return len(markers)


def capture_drops(home: Path) -> dict[str, Any]:
    """What ``count_dropped`` recorded: {"dropped": n, "last_at": ..., "sessions": [...]}, or {}."""
    try:
        data = json.loads((home / DROPS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def spooled_transcripts(spool_dir: Path) -> list[Path]:
    """The transcripts that pending spool records name, so they can be imported before the spool.

    The transcript is the richer record of a session: it has exact timestamps and line numbers for
    provenance, and it knows things a hook payload does not (Codex reports a failed command's exit
    code only in its rollout). Importing it first lets its copy of each event win the idempotency
    key; hook records then fill in what the transcript lacks (or everything, for a transcript that
    is gone).
    """
    found: dict[str, None] = {}
    for path in spool.pending(spool_dir):
        try:
            payload = read_record(path).get("payload")
        except (OSError, InputError):
            continue  # ingest_spool reports it
        transcript = payload.get("transcript_path") if isinstance(payload, dict) else None
        if isinstance(transcript, str) and transcript:
            found[transcript] = None
    return [Path(name) for name in found if Path(name).is_file()]


def read_record(path: Path) -> dict[str, Any]:
    """One spool record; InputError (naming the file) when it is not a record this reverie can read."""
    with open_regular(path) as handle:
        raw = handle.read(MAX_RECORD_BYTES + 1)
    if len(raw) > MAX_RECORD_BYTES:
        raise InputError(f"a spool record larger than {MAX_RECORD_BYTES} bytes", path=str(path))
    try:
        record = decode_bounded(raw.decode("utf-8", "surrogatepass"))
    except ValueError as error:
        raise InputError(f"not a JSON spool record ({error})", path=str(path)) from None
    if not isinstance(record, dict):
        raise InputError("not a spool record (the JSON is not an object)", path=str(path))
    version = record.get("version")
    if not isinstance(version, int) or version > spool.RECORD_VERSION:
        raise InputError(f"spool record version {version!r} is not one this reverie reads", path=str(path))
    return record


def normalize(record: Mapping[str, Any]) -> tuple[Session, list[Event]]:
    agent = record.get("agent")
    normalizer = NORMALIZERS.get(agent) if isinstance(agent, str) else None
    if normalizer is None:
        raise InputError(f"spool record {record.get('id')}: unknown agent {agent!r}")
    return normalizer(record)


def requeue_rejected(spool_dir: Path) -> int:
    """Move rejected records back into the spool (after an upgrade, say); returns how many."""
    folder = spool_dir / spool.REJECTED
    moved = 0
    for path in sorted(folder.glob(f"*{spool.SUFFIX}")) if folder.is_dir() else []:
        try:
            os.replace(path, spool_dir / path.name)
        except FileNotFoundError:
            continue
        (folder / f"{path.name}.reason").unlink(missing_ok=True)
        moved += 1
    return moved


def prune_project_cache(home: Path, max_age_days: float = PROJECT_CACHE_DAYS) -> int:
    """Delete the hook's per-session project identities that no live session still needs."""
    folder = home / "cache" / "projects"
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def _reject(path: Path, error: BaseException) -> Rejection | None:
    reason = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
    if spool.reject(path, reason) is None:
        return None  # another ingest moved it first
    log.info("spool record %s rejected: %s", path.name, reason)  # the report and the .reason file show it
    return Rejection(record=path.name, reason=reason)


def _remove_stale_temporaries(spool_dir: Path) -> None:
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for path in spool_dir.glob(".tmp-*") if spool_dir.is_dir() else []:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def _report(
    counts: dict[str, int], rejected: list[Rejection], sessions: dict[str, None], stopped: str | None = None
) -> IngestReport:
    return IngestReport(**counts, rejected=tuple(rejected), stopped=stopped, sessions=tuple(sessions))
