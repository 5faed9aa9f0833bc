"""The storage contract for lessons, evidence and distillation progress. Every backend runs it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Observation,
    Scope,
    ScopeLevel,
    Trigger,
    lesson_id,
)
from reverie.store import Batch, DistillProgress, LessonBatch, SQLiteStore, Store
from reverie.store.lesson_changes import changed_since
from tests.store import raw
from tests.store.test_contract import integrity_errors, postgres_store

PROJECT = Scope(ScopeLevel.PROJECT, project="github.com/acme/app")


@pytest.fixture(params=["sqlite-file", "sqlite-memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgres":
        yield from postgres_store(request.getfixturevalue("postgres_url"))
        return
    backend = SQLiteStore(tmp_path / "store.db" if request.param == "sqlite-file" else ":memory:")
    yield backend
    backend.close()


def proof(key: str, session: str = "s1") -> Evidence:
    return Evidence(
        key, session, Origin.USER, Basis.USER_STATEMENT, "statement", "use pnpm", "2026-03-01T10:00:00Z", "/t.jsonl", 3
    )


def lesson(key: str = "use:pnpm|not:npm", version: int = 1, scope: Scope = PROJECT, **changes: object) -> Lesson:
    base = Lesson(
        id=lesson_id(key, scope),
        key=key,
        statement="In this project: Use `pnpm`, not `npm`.",
        kind=LessonKind.PREFERENCE,
        scope=scope,
        evidence=(proof("e1"),),
        version=version,
        trigger=Trigger(commands=("npm",), keywords=("pnpm",)),
        confidence=Confidence(0.76, sessions=1, user_statements=1, terms=(("user", 0.6),)),
        status=LessonStatus.ACTIVE,
        topic="choice:npm|pnpm",
        stance="pnpm",
        valid_from="2026-03-01T10:00:00Z",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_lesson_round_trips_with_every_field(store: Store) -> None:
    original = lesson(uncertainty="thin", supersedes="Lother", durable=False, recorded_at="2026-03-02T00:00:00+00:00")
    store.write_lessons(LessonBatch(lessons=[original]))
    assert store.lesson(original.id) == original
    assert store.find_lessons(original.id[:5]) == [original]


def test_versions_are_kept_and_the_current_is_the_highest(store: Store) -> None:
    first = lesson()
    second = lesson(version=2, evidence=(proof("e1"), proof("e2", "s2")), status=LessonStatus.RETIRED)
    store.write_lessons(LessonBatch(lessons=[first]))
    store.write_lessons(LessonBatch(lessons=[second]))
    assert store.lesson(first.id) == second
    assert store.lesson_versions(first.id) == [first, second]  # version 1 keeps the evidence it had
    assert store.lessons(statuses=[LessonStatus.ACTIVE]) == []


def test_a_version_that_does_not_follow_rolls_the_whole_batch_back(store: Store) -> None:
    other = lesson("use:uv|not:pip")
    with pytest.raises(integrity_errors()):
        store.write_lessons(LessonBatch(lessons=[other, lesson(version=2)], progress=progress("s1", 5)))
    assert store.lessons() == []
    assert store.lesson(other.id) is None


def test_lesson_versions_and_evidence_are_append_only(store: Store) -> None:
    store.write_lessons(LessonBatch(lessons=[lesson()]))
    statements = ("UPDATE lessons SET statement = 'x'", "DELETE FROM lessons", "DELETE FROM lesson_evidence")
    if isinstance(store, SQLiteStore):
        for statement in statements:
            with pytest.raises(sqlite3.IntegrityError):
                raw.execute(store, statement)
        return
    import psycopg

    for statement in statements:  # the application role has no such privilege
        with pytest.raises(psycopg.errors.InsufficientPrivilege), store.database.transaction("acme") as db:  # type: ignore[attr-defined]
            db.execute(statement.replace("statement = 'x'", "status = 'x'"))
    assert store.lesson(lesson().id) == lesson()


def test_filters_by_project_scope_and_status(store: Store) -> None:
    project = lesson()
    everywhere = lesson("rule:-:commit env", scope=Scope(ScopeLevel.GLOBAL), status=LessonStatus.CANDIDATE, topic="")
    store.write_lessons(LessonBatch(lessons=[project, everywhere]))
    assert store.lessons(project="github.com/acme/app") == [project]
    assert store.lessons(scope=ScopeLevel.GLOBAL) == [everywhere]
    assert store.lessons(statuses=[LessonStatus.CANDIDATE, LessonStatus.QUARANTINED]) == [everywhere]
    assert store.lessons_on_topic("choice:npm|pnpm") == [project]
    assert store.lessons_on_topic("") == []


def test_observations_round_trip_by_the_lesson_they_would_form(store: Store) -> None:
    observation = Observation(
        key="hazard:missing:jq",
        kind=LessonKind.HAZARD,
        statement="`jq` is not installed here.",
        scope=PROJECT,
        evidence=(proof("e9"),),
        extractor="hazards",
        min_sessions=2,
        notes=("n",),
    )
    store.write_lessons(LessonBatch(observations=[observation]))
    store.write_lessons(LessonBatch(observations=[observation]))  # the same session again replaces it
    assert store.observations_for(lesson_id("hazard:missing:jq", PROJECT)) == [observation]


def event(key: str, session: str) -> Event:
    return Event(key, session, EventKind.PROMPT, Origin.USER, Source.HOOK, "2026-03-01T10:00:00Z", "hi")


def progress(session: str, through: int) -> DistillProgress:
    return DistillProgress(session, through, events=1, observations=0, lessons=0, outcome="0 lessons")


def test_pending_sessions_are_those_with_events_not_yet_distilled(store: Store) -> None:
    store.write(Batch(events=[event("a1", "a"), event("b1", "b")], sessions=[Session("a", "x"), Session("b", "x")]))
    pending = store.pending_sessions()
    assert [p.session_id for p in pending] == ["a", "b"]
    store.write_lessons(LessonBatch(progress=progress("a", pending[0].through_seq)))
    assert [p.session_id for p in store.pending_sessions()] == ["b"]
    store.write_lessons(LessonBatch(progress=progress("b", pending[1].through_seq), watermark=pending[1].through_seq))
    assert store.pending_sessions() == []
    store.add_events([event("a2", "a")])  # the session grew
    assert [p.session_id for p in store.pending_sessions()] == ["a"]


def test_the_watermark_never_moves_back(store: Store) -> None:
    store.add_events([event("a1", "a"), event("b1", "b")])
    store.write_lessons(LessonBatch(watermark=2))
    store.write_lessons(LessonBatch(watermark=1))
    assert store.pending_sessions() == []


def test_contenders_include_plain_instructions_for_a_lesson_that_advises_against_something(store: Store) -> None:
    plain = lesson("say:+:quote single", statement="Always single quotes.", topic="say:quote single", stance="+")
    negative = lesson("say:-:quote single", statement="Never single quotes.", topic="say:quote single", stance="-")
    choice = lesson(
        "use:double quotes|not:single quotes",
        topic="choice:double quotes|single quotes",
        stance="double quotes",
        against="single quotes",
    )
    elsewhere = lesson(
        "say:+:tab", scope=Scope(ScopeLevel.PROJECT, project="github.com/acme/web"), topic="say:tab", stance="+"
    )
    store.write_lessons(LessonBatch(lessons=[plain, negative, choice, elsewhere]))
    found = store.contenders(PROJECT.project, topic=choice.topic, stance=choice.stance, against=choice.against)
    assert {item.id for item in found} >= {plain.id}
    assert elsewhere.id not in {item.id for item in found}
    back = store.contenders(PROJECT.project, topic=plain.topic, stance=plain.stance, against="")
    assert choice.id in {item.id for item in back}


def test_the_lesson_watermark_rises_with_every_change_and_names_what_changed(store: Store) -> None:
    before = store.lesson_watermark()
    store.write_lessons(LessonBatch(lessons=[lesson()]))
    after = store.lesson_watermark()
    if before is None:  # no file the recall hook could read (in memory, PostgreSQL)
        assert after is None
        return
    assert after is not None and after[0] == before[0] and after[1] > before[1]
    assert changed_since(*after) == (frozenset(), False)
    store.write_lessons(LessonBatch(lessons=[lesson(version=2, status=LessonStatus.RETIRED)]))
    assert changed_since(*after) == (frozenset({lesson().id}), True)  # what the hook must no longer inject


SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"  # a GitHub token's shape


def test_every_backend_writes_lessons_and_observations_through_the_redaction_gate(store: Store) -> None:
    leaky = lesson(statement=f"In this project: Push with token {SECRET}.")
    said = Observation(
        key=leaky.key,
        kind=leaky.kind,
        statement=leaky.statement,
        scope=PROJECT,
        evidence=(replace(proof("e2"), excerpt=f"push with {SECRET}"),),
        extractor="corrections",
    )
    store.write_lessons(LessonBatch(lessons=(replace(leaky, evidence=said.evidence),), observations=(said,)))
    (stored,) = store.lessons()
    assert SECRET not in stored.statement and all(SECRET not in item.excerpt for item in stored.evidence)
    assert all(SECRET not in found.statement for found in store.observations_for(stored.id))


def test_every_backend_writes_events_and_sessions_through_the_redaction_gate(store: Store) -> None:
    event = Event("k1", "s9", EventKind.PROMPT, Origin.USER, Source.HOOK, "2026-03-01T10:00:00Z", f"deploy {SECRET}")
    store.write(Batch(events=(event,), sessions=(Session(id="s9", agent="claude-code", cwd=f"/w/{SECRET}"),)))
    assert SECRET not in str(store.session("s9"))
    assert all(SECRET not in found.text for found in store.events("s9"))
