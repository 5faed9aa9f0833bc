"""Distill throughput: ``reverie distill`` over the real corpus, in events per second, and its cost
for one new session as history grows.

* **Throughput.** The real corpus (Claude Code transcripts and ``chat.json`` dumps, Codex rollouts in
  ``../shared/data``) is imported once into a file-backed store; each run distills a fresh copy of
  it: reading every session's events, running every extractor, the guards, merging and the SQLite
  writes, one transaction per session. The baseline is reading the same events from the store and
  building the session views without extracting anything. Best of ``--repeat`` runs.
* **Incremental cost.** The corpus is copied ``k`` times under new session ids and distilled (not
  timed); then one more session arrives and ``distill`` runs again. Its time should stay flat as
  ``k`` grows: distillation reads only what is new.

    .venv/bin/python -m benchmarks.distill_throughput [--data ../shared/data] [--repeat 5] [--copies 1 4 16]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from reverie.capture.importer import import_paths
from reverie.distill import commands, distill
from reverie.distill.session_view import SessionView
from reverie.domain import Event, Session
from reverie.store import Batch, SQLiteStore

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared corpus (../shared/data)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure; the best one counts")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16], help="history sizes, in corpus copies")
    args = parser.parse_args(argv)
    roots = [args.data / "claude-code", args.data / "codex"]
    if not all(root.is_dir() for root in roots):
        print(f"no corpus at {args.data}: pass --data", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="reverie-bench-") as folder:
        base = Path(folder) / "base.db"
        store = SQLiteStore(base)
        imported = import_paths(store, roots, stale_after=0)
        store.close()
        print(f"corpus: {imported.events_new:,} events in {imported.sessions} sessions ({imported.bytes / 1e6:.1f} MB)")
        _throughput(base, Path(folder), args.repeat)
        _incremental(base, Path(folder), args.copies, args.repeat)
    return 0


def _throughput(base: Path, folder: Path, repeat: int) -> None:
    best_distill, best_read, events, lessons = float("inf"), float("inf"), 0, 0
    for run in range(repeat):
        copy = folder / f"run-{run}.db"
        shutil.copy(base, copy)
        store = SQLiteStore(copy)
        commands.clear_cache()  # each run starts cold, as a fresh `reverie distill` process does
        started = time.perf_counter()
        for summary in store.sessions():
            SessionView.build(summary.session, store.events(summary.session.id))
        best_read = min(best_read, time.perf_counter() - started)
        commands.clear_cache()
        started = time.perf_counter()
        report = distill(store)
        best_distill = min(best_distill, time.perf_counter() - started)
        events, lessons = report.events, len(store.lessons())
        store.close()
    print(
        f"distill:  {events / best_distill:,.0f} events/s ({events:,} events in {best_distill * 1000:.0f} ms, "
        f"{lessons} lessons); baseline read + parse only: {events / best_read:,.0f} events/s"
    )


def _incremental(base: Path, folder: Path, copies: Sequence[int], repeat: int) -> None:
    source = SQLiteStore(base)
    corpus = [(summary.session, list(source.events(summary.session.id))) for summary in source.sessions()]
    source.close()
    newcomer = max(corpus, key=lambda item: len(item[1]))
    for count in copies:
        best = float("inf")
        for run in range(repeat):
            store = SQLiteStore(folder / f"history-{count}-{run}.db")
            for copy in range(count):
                _write(store, corpus, f"h{copy}-")
            distill(store)
            _write(store, [newcomer], f"new{run}-")
            commands.clear_cache()
            started = time.perf_counter()
            report = distill(store)
            best = min(best, time.perf_counter() - started)
            assert len(report.sessions) == 1, report.sessions
            store.close()
        history = count * sum(len(events) for _, events in corpus)
        print(f"one new session of {len(newcomer[1])} events after {history:,} events of history: {best * 1000:.1f} ms")


def _write(store: SQLiteStore, sessions: list[tuple[Session, list[Event]]], prefix: str) -> None:
    for session, events in sessions:
        renamed = replace(session, id=prefix + session.id)
        moved = [replace(event, key=prefix + event.key, session_id=renamed.id) for event in events]
        store.write(Batch(events=moved, sessions=(renamed,)))


if __name__ == "__main__":
    sys.exit(main())
