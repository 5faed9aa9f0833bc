"""What distill asks of the store costs what is new, not what is stored: a new lesson version writes
(and redacts) only the evidence it adds, and finding pending sessions, the lessons on a topic and a
lesson's contenders read the same whatever history lies beside them. Work is counted in SQLite
virtual machine steps and in what the redaction gate is handed, never in seconds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import Evidence, Lesson
from reverie.store import Batch, DistillProgress, LessonBatch, SQLiteStore, Store, sqlite_lessons
from tests.store.test_lessons_contract import PROJECT, lesson, proof
from tests.store.test_lessons_contract import store as store  # the contract fixture: every backend

SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def cited(key: str, session: str = "s1", excerpt: str = "use pnpm") -> Evidence:
    return replace(proof(key, session), excerpt=excerpt)


def test_each_version_reads_back_the_evidence_it_cited_and_a_repeat_is_kept_once(store: Store) -> None:
    first = lesson(evidence=(cited("e1"), cited("e2")))
    store.write_lessons(LessonBatch(lessons=[first]))
    more = (cited("e1"), cited("e2"), cited("e3"))
    store.write_lessons(LessonBatch(lessons=[replace(first, version=2, evidence=more)]))
    repeated = (cited("e1"), cited("e2"), cited("e3"), cited("e4", "s2"), cited("e4", "s2"))
    store.write_lessons(LessonBatch(lessons=[replace(first, version=3, evidence=repeated)]))
    versions = store.lesson_versions(first.id)
    assert [[e.event_key for e in v.evidence] for v in versions] == [
        ["e1", "e2"],
        ["e1", "e2", "e3"],
        ["e1", "e2", "e3", "e4"],
    ]
    current = store.lesson(first.id)
    assert current is not None and current.evidence == versions[-1].evidence


def test_a_new_version_hands_the_gate_only_the_evidence_it_adds(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[int] = []
    gate = sqlite_lessons.clean

    def counting(value: Any) -> Any:
        if isinstance(value, Lesson):
            handed.append(len(value.evidence))
        return gate(value)

    monkeypatch.setattr(sqlite_lessons, "clean", counting)
    store = SQLiteStore(":memory:")
    history = tuple(cited(f"e{n}", f"s{n}") for n in range(40))
    first = lesson(evidence=history)
    store.write_lessons(LessonBatch(lessons=[first]))
    leaked = cited("new", "s41", excerpt=f"use pnpm, token {SECRET}")
    store.write_lessons(LessonBatch(lessons=[replace(first, version=2, evidence=(*history, leaked))]))
    assert handed == [40, 1]  # the forty cited before were cleaned when they were first written
    current = store.lesson(first.id)
    assert current is not None and len(current.evidence) == 41
    assert SECRET not in current.evidence[-1].excerpt and "REDACTED" in current.evidence[-1].excerpt
    store.close()


def event(key: str, session: str) -> Event:
    return Event(key, session, EventKind.PROMPT, Origin.USER, Source.HOOK, "2026-03-01T10:00:00Z", "hi")


def with_history(path: Path, sessions: int) -> SQLiteStore:
    """A store after ``sessions`` distilled sessions, each a new version of one lesson of the project on
    another topic, and one lesson on the topic asked about; then one new session arrives."""
    store = SQLiteStore(path)
    other = lesson(
        "use:tabs|not:spaces", statement="Tabs.", topic="choice:spaces|tabs", stance="tabs", against="spaces"
    )
    for number in range(sessions):
        name = f"old{number}"
        store.write(Batch(events=[event(f"{name}:{n}", name) for n in range(5)], sessions=[Session(name, "x")]))
        (pending,) = store.pending_sessions()
        version = replace(other, version=number + 1, evidence=(*other.evidence, cited(f"{name}:0", name)))
        progress = DistillProgress(name, pending.through_seq, events=5, observations=1, lessons=1, outcome="1")
        store.write_lessons(LessonBatch(lessons=[version], progress=progress, watermark=pending.through_seq))
    store.write_lessons(LessonBatch(lessons=[lesson()]))
    store.write(Batch(events=[event("new:0", "new")], sessions=[Session("new", "x")]))
    return store


def steps(store: SQLiteStore, call: Callable[[], object]) -> int:
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0  # go on

    store._db.set_progress_handler(count, 1)
    try:
        call()
    finally:
        store._db.set_progress_handler(None, 1)
    return counted[0]


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(lambda s: [p.session_id for p in s.pending_sessions()], id="pending sessions"),
        pytest.param(lambda s: s.lessons_on_topic("choice:npm|pnpm"), id="lessons on a topic"),
        pytest.param(
            lambda s: s.contenders(PROJECT.project, topic="choice:npm|pnpm", stance="npm", against="pnpm"),
            id="contenders",
        ),
    ],
)
def test_what_distill_asks_reads_the_same_whatever_the_history(
    tmp_path: Path, ask: Callable[[SQLiteStore], object]
) -> None:
    short, long = with_history(tmp_path / "short.db", 3), with_history(tmp_path / "long.db", 30)
    assert ask(short) == ask(long) != []
    assert steps(short, lambda: ask(short)) == steps(long, lambda: ask(long))
    short.close()
    long.close()
