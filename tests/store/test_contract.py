"""The storage contract. Every backend runs this same suite."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.domain import Event, EventKind, Origin, Project, Session, Source, keys
from reverie.store import Batch, ImportCursor, SQLiteStore, Store
from reverie.store.protocol import StoreConflict
from tests.store import raw


@pytest.fixture(params=["sqlite-file", "sqlite-memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgres":
        yield from postgres_store(request.getfixturevalue("postgres_url"))
        return
    backend = SQLiteStore(tmp_path / "store.db" if request.param == "sqlite-file" else ":memory:")
    yield backend
    backend.close()


def postgres_store(url: str) -> Iterator[Store]:
    """The team store's trace half, for one team, over the application role (row-level security on)."""
    from reverie.store.postgres import PostgresDatabase, PostgresStore
    from reverie.store.postgres_team import create_team

    database = PostgresDatabase(url, max_size=2)
    create_team(url, "acme")
    yield PostgresStore(database, "acme")  # type: ignore[misc]
    database.close()


def integrity_errors() -> tuple[type[Exception], ...]:
    """What every backend raises for a write that broke a constraint: its driver's error, sealed."""
    return (StoreConflict,)


def event(key: str, session: str = "s1", **fields: object) -> Event:
    base: dict[str, object] = {
        "kind": EventKind.PROMPT,
        "origin": Origin.USER,
        "source": Source.HOOK,
        "timestamp": "2026-01-01T00:00:00Z",
        "text": f"text of {key}",
    }
    base.update(fields)
    return Event(key=key, session_id=session, **base)  # type: ignore[arg-type]


def test_events_round_trip_with_every_field(store: Store) -> None:
    original = event(
        "k1",
        kind=EventKind.TOOL_CALL,
        origin=Origin.AGENT,
        tool_name="Bash",
        tool_use_id="toolu_1",
        tool_input={"command": "pytest -q", "nested": [1, {"a": None}]},
        is_error=True,
        sidechain=True,
        transcript_path="/t.jsonl",
        transcript_line=7,
        data={"version": "2.1.3"},
    )
    assert store.add_events([original]) == 1
    assert list(store.events("s1")) == [original]


def test_adding_the_same_key_twice_stores_it_once(store: Store) -> None:
    assert store.add_events([event("k1"), event("k2")]) == 2
    assert store.add_events([event("k1", source=Source.TRANSCRIPT), event("k3")]) == 1
    assert [e.key for e in store.events("s1")] == ["k1", "k2", "k3"]
    assert store.events("s1")[0].source is Source.HOOK


def test_events_are_ordered_by_time_then_arrival(store: Store) -> None:
    store.add_events([event("late", timestamp="2026-01-02T00:00:00Z"), event("early")])
    assert [e.key for e in store.events("s1")] == ["early", "late"]


def test_sessions_merge_known_fields_and_widen_their_time_span(store: Store) -> None:
    project = Project(key="github.com/acme/app", name="acme/app")
    store.upsert_session(Session(id="s1", agent="claude-code", started_at="2026-01-01T10:00:00Z"))
    store.upsert_session(
        Session(
            id="s1",
            agent="claude-code",
            project=project,
            cwd="/w",
            started_at="2026-01-01T09:00:00Z",
            ended_at="2026-01-01T11:00:00Z",
            transcript_path="/t.jsonl",
        )
    )
    store.upsert_session(Session(id="s1", agent="claude-code", started_at="2026-01-01T09:30:00Z"))
    assert store.session("s1") == Session(
        id="s1",
        agent="claude-code",
        project=project,
        cwd="/w",
        started_at="2026-01-01T09:00:00Z",
        ended_at="2026-01-01T11:00:00Z",
        transcript_path="/t.jsonl",
    )


def test_session_summaries_count_per_session(store: Store) -> None:
    store.upsert_session(Session(id="s1", agent="claude-code"))
    store.upsert_session(Session(id="s2", agent="codex"))
    store.add_events(
        [
            event("a"),
            event("b", kind=EventKind.TOOL_CALL, origin=Origin.AGENT),
            event("c", kind=EventKind.TOOL_RESULT, origin=Origin.TOOL, is_error=True),
            event("d", kind=EventKind.PROMPT, origin=Origin.SYSTEM),
        ]
    )
    summaries = {s.session.id: s for s in store.sessions()}
    assert (summaries["s1"].events, summaries["s1"].prompts, summaries["s1"].tool_calls) == (4, 1, 1)
    assert summaries["s1"].errors == 1
    assert summaries["s2"].events == 0


def test_find_sessions_by_prefix_treats_wildcards_literally(store: Store) -> None:
    store.upsert_session(Session(id="abc_1", agent="claude-code"))
    store.upsert_session(Session(id="abcX1", agent="claude-code"))
    assert [s.id for s in store.find_sessions("abc_")] == ["abc_1"]


def test_import_cursors_round_trip(store: Store) -> None:
    assert store.import_cursor("/t.jsonl") is None
    cursor = ImportCursor(path="/t.jsonl", offset=120, identity="dev:ino", line=3)
    store.save_import_cursor(cursor)
    assert store.import_cursor("/t.jsonl") == cursor


def test_stats_count_by_kind_origin_and_source(store: Store) -> None:
    store.upsert_session(Session(id="s1", agent="claude-code", project=Project("path:/w", "w")))
    store.add_events([event("a"), event("b", origin=Origin.TOOL, source=Source.TRANSCRIPT)])
    numbers = store.stats()
    assert (numbers.sessions, numbers.events, numbers.projects) == (1, 2, 1)
    assert numbers.events_by_origin == {"user": 1, "tool": 1}
    assert numbers.events_by_source == {"hook": 1, "transcript": 1}


def test_events_cannot_be_rewritten(tmp_path: Path) -> None:
    backend = SQLiteStore(tmp_path / "store.db")
    backend.add_events([event("k1")])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(backend, "UPDATE events SET text = 'changed'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(backend, "DELETE FROM events")
    assert backend.events("s1")[0].text == "text of k1"


def test_database_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    backend = SQLiteStore(tmp_path / "deep" / "store.db")
    backend.add_events([event("k1")])
    assert stat.S_IMODE((tmp_path / "deep" / "store.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "deep").stat().st_mode) == 0o700
    assert raw.execute(backend, "PRAGMA journal_mode")[0][0] == "wal"


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "store.db").close()
    again = SQLiteStore(tmp_path / "store.db")
    names = [row[0] for row in raw.execute(again, "SELECT name FROM _migrations")]
    assert names == sorted(set(names)) and names


def test_content_keys_get_per_source_ordinals_so_both_sources_agree(store: Store) -> None:
    basis = keys.content_key("s1", "prompt", "continue")
    from_hook = [event(basis, source=Source.HOOK, text="continue") for _ in range(2)]
    from_transcript = [event(basis, source=Source.TRANSCRIPT, text="continue") for _ in range(3)]
    assert store.write(Batch(events=from_hook)) == 2
    # The transcript saw the same two prompts plus a third one the hook missed.
    assert store.write(Batch(events=from_transcript)) == 1
    stored = store.events("s1")
    assert [e.source for e in stored] == [Source.HOOK, Source.HOOK, Source.TRANSCRIPT]
    assert len({e.key for e in stored}) == 3


def test_a_batch_with_a_known_receipt_is_skipped_whole(store: Store) -> None:
    batch = Batch(
        events=(event(keys.content_key("s1", "prompt", "hi"), text="hi"),),
        sessions=(Session(id="s1", agent="claude-code"),),
        receipt="spool-record-1",
    )
    assert store.write(batch) == 1
    assert store.write(batch) == 0
    assert len(store.events("s1")) == 1


def test_a_failed_batch_writes_nothing(store: Store) -> None:
    cursor = ImportCursor(path="/t.jsonl", offset=10, identity="x", line=1)
    bad = Batch(events=(event("ok"), event("bad", text=None)), cursor=cursor, receipt="r1")
    with pytest.raises(integrity_errors()):
        store.write(bad)
    assert store.events("s1") == []
    assert store.import_cursor("/t.jsonl") is None
    assert store.write(Batch(events=(event("ok"),), receipt="r1")) == 1


def test_sessions_started_after_count_the_work_in_a_project_since_a_moment(store: Store) -> None:
    def started(session_id: str, project: str, when: str) -> Session:
        return Session(id=session_id, agent="claude-code", project=Project(key=project, name=project), started_at=when)

    store.write(
        Batch(
            sessions=[
                started("a1", "p/a", "2025-01-01T10:00:00Z"),
                started("a2", "p/a", "2025-03-01T10:00:00Z"),
                started("a3", "p/a", "2025-06-01T10:00:00.500Z"),
                started("b1", "p/b", "2025-04-01T10:00:00Z"),
                Session(id="undated", agent="claude-code", project=Project(key="p/a", name="p/a")),
            ]
        )
    )
    assert store.sessions_started_after("2025-02-01T00:00:00Z", project="p/a") == 2
    assert store.sessions_started_after("2025-02-01T00:00:00Z") == 3  # every project
    assert store.sessions_started_after("2025-03-01T10:00:00Z", project="p/a") == 1  # strictly after
    assert store.sessions_started_after("2025-01-01T00:00:00Z", project="p/a", limit=2) == 2
    assert store.sessions_started_after("2025-01-01T00:00:00Z", project="p/none") == 0
