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

* **Same lessons.** ``--lessons FILE`` measures nothing: it writes every lesson version that distill
  makes of the corpus (distilled once, and one new session after ``--copies``' first history), and
  with ``--turns DIR`` the lessons of ``reverie eval --real DIR``, as canonical JSON with the clocks
  fixed. A change meant to make distill faster, not different, writes the same file byte for byte
  (run it for both checkouts with ``PYTHONPATH=<checkout>/src:<checkout>`` and ``cmp`` them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.capture.importer import import_paths
from reverie.distill import commands, distill
from reverie.distill.session_view import SessionView
from reverie.domain import Event, Session
from reverie.domain.lessons import Lesson
from reverie.evals import corpus as turn_files
from reverie.evals import real
from reverie.store import Batch, SQLiteStore, lesson_codec

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FIXED_NOW = datetime(2026, 12, 1, tzinfo=UTC)  # confidence ages with the clock: the dump fixes it


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared corpus (../shared/data)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure; the best one counts")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16], help="history sizes, in corpus copies")
    parser.add_argument("--lessons", type=Path, help="write the lessons distill makes here instead of timing it")
    parser.add_argument("--turns", type=Path, help="with --lessons: also those of `reverie eval --real TURNS`")
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
        if args.lessons is not None:
            _dump_lessons(base, Path(folder), args.copies[0], args.lessons, args.turns)
            return 0
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


def _dump_lessons(base: Path, folder: Path, copies: int, path: Path, turns: Path | None) -> None:
    shutil.copy(base, folder / "once.db")
    store = SQLiteStore(folder / "once.db")
    commands.clear_cache()
    distill(store, now=FIXED_NOW)
    made: dict[str, list[dict[str, Any]]] = {"corpus": _versions(store)}
    corpus = [(summary.session, list(store.events(summary.session.id))) for summary in store.sessions()]
    store.close()
    store = SQLiteStore(folder / "incremental.db")
    for copy in range(copies):  # each copy distilled on top of the last, as history accumulates
        _write(store, corpus, f"h{copy}-")
        distill(store, now=FIXED_NOW)
    _write(store, [max(corpus, key=lambda item: len(item[1]))], "new-")
    distill(store, now=FIXED_NOW)
    made["one new session after history"] = _versions(store)
    store.close()
    if turns is not None:
        # The replay writes transcripts under its folder and evidence cites them: the same folder for
        # every checkout keeps the paths the same (so run the checkouts one after the other).
        workdir = Path(tempfile.gettempdir()) / "reverie-distill-lessons-eval"
        shutil.rmtree(workdir, ignore_errors=True)
        machine, _, _ = real.replay(turn_files.load(turns), workdir)
        made["eval --real"] = [_canonical(lesson) for lesson in sorted(machine.lessons(), key=lambda item: item.id)]
        machine.close()
        shutil.rmtree(workdir, ignore_errors=True)
    path.write_text(json.dumps(made, indent=1, sort_keys=True, ensure_ascii=False))
    print(f"wrote {path}: " + ", ".join(f"{len(lessons)} lessons ({name})" for name, lessons in made.items()))


def _versions(store: SQLiteStore) -> list[dict[str, Any]]:
    current = sorted(store.lessons(), key=lambda lesson: lesson.id)
    return [_canonical(version) for lesson in current for version in store.lesson_versions(lesson.id)]


def _canonical(lesson: Lesson) -> dict[str, Any]:
    data = lesson_codec.lesson_to_dict(lesson)
    data.pop("recorded_at", None)  # when it was written, not what was learnt
    return data


def _write(store: SQLiteStore, sessions: list[tuple[Session, list[Event]]], prefix: str) -> None:
    for session, events in sessions:
        renamed = replace(session, id=prefix + session.id)
        moved = [replace(event, key=prefix + event.key, session_id=renamed.id) for event in events]
        store.write(Batch(events=moved, sessions=(renamed,)))


if __name__ == "__main__":
    sys.exit(main())
