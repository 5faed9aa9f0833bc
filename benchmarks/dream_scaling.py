"""Dream cost against history size: a dream over the sessions since the last dream, on stores holding
1k, 10k and 100k sessions.

    .venv/bin/python benchmarks/dream_scaling.py [--sizes 1000,10000,100000] [--new 100]

Each history is synthesised straight into a store (no transcripts, for speed): every session has two
shell commands with their results; lessons follow the steady state that dreams keep a store in: per
project a bounded set of durable lessons that sessions keep confirming, plus one candidate every few
sessions, of which those older than the last dream were already retired by it (tombstones stay, as
they do in a real store). A completed dream is recorded after the history; then ``--new`` sessions
arrive (with their own candidates and a few contradictions) and one dream runs over them. Reported:
wall time and peak Python memory (tracemalloc) of that dream, with what it read.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Level,
    Scope,
    ScopeLevel,
    Trigger,
    lesson_id,
)
from reverie.domain.sessions import Project
from reverie.dream import DreamRequest, run_dream
from reverie.store import Batch, LessonBatch, SQLiteStore
from reverie.store.protocol import DreamRecord

PROJECTS = 20
DURABLE_PER_PROJECT = 30
CANDIDATE_EVERY = 5  # sessions
START = datetime(2024, 1, 1, tzinfo=UTC)


def stamp(index: int) -> str:
    return (START + timedelta(minutes=30 * index)).isoformat(timespec="seconds")


def project_of(index: int) -> str:
    return f"github.com/bench/p{index % PROJECTS:02d}"


def session_batch(first: int, count: int) -> Batch:
    sessions, events = [], []
    for index in range(first, first + count):
        sid, project = f"s{index:07d}", project_of(index)
        sessions.append(
            Session(id=sid, agent="claude-code", project=Project(project, project), started_at=stamp(index))
        )
        for step, (command, ok) in enumerate((("make test", True), (f"make target{index % 7}", index % 3 != 0))):
            call = f"{sid}-{step}"
            events.append(
                Event(
                    f"{call}:c",
                    sid,
                    EventKind.TOOL_CALL,
                    Origin.AGENT,
                    Source.TRANSCRIPT,
                    stamp(index),
                    tool_name="Bash",
                    tool_use_id=call,
                    tool_input={"command": command},
                )
            )
            events.append(
                Event(
                    f"{call}:r",
                    sid,
                    EventKind.TOOL_RESULT,
                    Origin.TOOL,
                    Source.TRANSCRIPT,
                    stamp(index),
                    text="ok" if ok else "error",
                    tool_use_id=call,
                    is_error=not ok,
                )
            )
    return Batch(events=events, sessions=sessions)


def lesson(key: str, statement: str, project: str, sessions: list[int], status: LessonStatus) -> Lesson:
    scope = Scope(ScopeLevel.PROJECT, project=project)
    evidence = tuple(
        Evidence(f"ev:{key}:{s}", f"s{s:07d}", Origin.USER, Basis.USER_STATEMENT, "statement", statement, stamp(s))
        for s in sessions
    )
    return Lesson(
        id=lesson_id(key, scope),
        key=key,
        statement=statement,
        kind=LessonKind.PREFERENCE,
        scope=scope,
        evidence=evidence,
        confidence=Confidence(0.7, sessions=len(sessions), user_statements=len(sessions)),
        status=status,
        level=Level.INSTINCT if status is LessonStatus.ACTIVE else Level.MEMORY,
        trigger=Trigger(commands=(f"tool{key[-2:]}",)),
        valid_from=stamp(sessions[0]),
    )


def durable_lessons(history: int) -> list[Lesson]:
    found = []
    for p in range(PROJECTS):
        for k in range(DURABLE_PER_PROJECT):
            recent = [s for s in range(max(0, history - 400), history) if s % PROJECTS == p][-3:] or [p]
            key = f"say:keep-{p:02d}-{k:02d}"
            found.append(
                lesson(
                    key,
                    f"Prefer `tool{k:02d} --check` for module m{p}x{k}.",
                    project_of(p),
                    recent,
                    LessonStatus.ACTIVE,
                )
            )
    return found


def candidates(first: int, last: int, retired_before: int) -> list[Lesson]:
    found = []
    for s in range(first, last, CANDIDATE_EVERY):
        candidate = lesson(
            f"say:maybe-{s}", f"Maybe try flag{s} for the build.", project_of(s), [s], LessonStatus.CANDIDATE
        )
        if s < retired_before:  # the earlier dream expired it: a tombstone now
            candidate = replace(candidate, status=LessonStatus.RETIRED, valid_to=stamp(s + 1))
        found.append(candidate)
    return found


def build(home: Path, history: int, new: int) -> SQLiteStore:
    store = SQLiteStore(home / "reverie.db")
    for first in range(0, history, 2000):
        store.write(
            Batch(
                events=session_batch(first, min(2000, history - first)).events,
                sessions=session_batch(first, min(2000, history - first)).sessions,
            )
        )
    rows = durable_lessons(history) + candidates(0, history, retired_before=history - 200)
    for first in range(0, len(rows), 5000):
        store.write_lessons(LessonBatch(lessons=rows[first : first + 5000]))
    _, through = store.sessions_since(0)
    done = DreamRecord(
        id="Dprevious", status="completed", trigger="manual", created_at=stamp(history), through_seq=through
    )
    store.create_dream(done)
    store.start_dream(done.id, input_version=store.seal_head().id, pid=0)
    store.finish_dream(done.id, status="completed", usage={})
    store.write(session_batch(history, new))
    store.write_lessons(
        LessonBatch(lessons=candidates(history, history + new, retired_before=0) + rephrasings(history, new))
    )
    return store


def rephrasings(first: int, count: int) -> list[Lesson]:
    """Every tenth new session restates a durable lesson in other words: work for dedupe."""
    found = []
    for s in range(first, first + count, 10):
        p, k = s % PROJECTS, s % DURABLE_PER_PROJECT
        statement = f"pls prefer `tool{k:02d} --check` for module m{p}x{k} in this repo"
        found.append(lesson(f"say:again-{s}", statement, project_of(s), [s], LessonStatus.ACTIVE))
    return found


def measure(history: int, new: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        started = time.perf_counter()
        store = build(home, history, new)
        built = time.perf_counter() - started
        tracemalloc.start()
        clock = time.perf_counter()
        record = run_dream(store, home, DreamRequest(now=START + timedelta(minutes=30 * (history + new + 1))))
        wall = time.perf_counter() - clock
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        usage = record.usage or {}
        store.close()
        return {
            "history": history,
            "sessions": len(record.session_ids),
            "lessons_read": usage.get("lessons_read", 0),
            "changes": record.changes,
            "wall_s": wall,
            "peak_mib": peak / 2**20,
            "build_s": built,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--new", type=int, default=100)
    args = parser.parse_args()
    print(
        f"{'history':>8} {'new':>5} {'lessons read':>12} {'changes':>8} {'dream s':>8} {'peak MiB':>9} {'build s':>8}"
    )
    for size in (int(part) for part in args.sizes.split(",")):
        row = measure(size, args.new)
        print(
            f"{row['history']:>8,} {row['sessions']:>5} {row['lessons_read']:>12,.0f} {row['changes']:>8} "
            f"{row['wall_s']:>8.2f} {row['peak_mib']:>9.1f} {row['build_s']:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
