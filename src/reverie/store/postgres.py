"""The team store on PostgreSQL: a connection pool whose every transaction belongs to one team.

Connections work as the application role (see ``postgres_migrations``), and each transaction names
its team with ``set_config('reverie.team', ..., true)`` (``SET LOCAL``, which takes no parameters): the
setting ends with the transaction, so a pooled connection never carries one team's identity into
another's request, and a query outside ``transaction`` sees no rows at all.

``PostgresStore`` implements the trace and lesson halves of ``store.protocol.Store`` for one team and
runs the same contract suites as SQLite (``tests/store/test_contract.py``, ``test_lessons_contract.py``);
store versions, dreams and artifacts stay on each machine's SQLite store, and the team's reviewed
lessons live in ``postgres_team``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from reverie.domain import Event, Session, keys
from reverie.errors import ConfigError, InputError
from reverie.store import postgres_migrations
from reverie.store.gate import clean, clean_event
from reverie.store.postgres_lessons import PostgresLessons
from reverie.store.protocol import Batch, ImportCursor, SessionSummary, StoreStats
from reverie.store.sealing import seal
from reverie.store.trace_rows import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    decoded,
    event_from_row,
    event_row,
    session_from_row,
    session_row,
)

Connection = psycopg.Connection[tuple[Any, ...]]

POOL_WAIT_S = 10.0  # a request waits this long for a connection, then fails instead of hanging
TEAM_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable connection string)"
    return f"{parts.get('user', '')}@{parts.get('host', '')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def check_team(team: str) -> str:
    if not TEAM_NAME.match(team):
        raise InputError(f"team names are lowercase letters, digits and '-': {team!r}")
    return team


class PostgresDatabase:
    """The pool, migrated on open. ``transaction(team)`` is the only way to read or write team rows."""

    def __init__(self, url: str, *, max_size: int = 10) -> None:
        try:
            postgres_migrations.migrate(url)
        except psycopg.OperationalError as error:
            raise ConfigError(f"cannot reach PostgreSQL at {describe(url)}: {_first_line(error)}") from error
        except psycopg.errors.InsufficientPrivilege as error:
            raise ConfigError(
                f"PostgreSQL at {describe(url)}: {_first_line(error)}; the schema owner needs CREATEROLE once,"
                f" or create the role {postgres_migrations.APP_ROLE} and grant it to the owner (docs/teams.md)"
            ) from error
        self.pool: ConnectionPool[Connection] = ConnectionPool(
            url, min_size=1, max_size=max_size, configure=_as_app_role, open=True, timeout=POOL_WAIT_S
        )

    @contextmanager
    def transaction(self, team: str) -> Iterator[Connection]:
        with self.pool.connection() as db, db.transaction():
            db.execute("SELECT set_config('reverie.team', %s, true)", (check_team(team),))
            yield db

    def close(self) -> None:
        self.pool.close()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _as_app_role(db: Connection) -> None:
    db.execute(f"SET ROLE {postgres_migrations.APP_ROLE}")
    db.commit()


# The roles of ``protocol.Store`` that the team store does not implement, on purpose: store versions,
# dreams and their review, compiled artifacts and the local audit log stay on each machine (a dream runs
# where its lessons are read; a team's decisions are audited by the team tables). The contract suite
# runs every other role against PostgreSQL and checks that this list is exactly what is missing.
NOT_IMPLEMENTED = ("VersionStore", "DreamStore", "ArtifactStore", "AuditStore")


class PostgresStore(PostgresLessons):
    """The trace and lesson roles of the ``Store`` protocol (``TraceStore``, ``LessonStore``), for one team;
    psycopg's errors leave as ``StoreError`` (``StoreConflict`` for a broken constraint)."""

    def __init__(self, database: PostgresDatabase, team: str) -> None:
        self.database = database
        self.team = check_team(team)
        self.path = f"PostgreSQL (team {self.team})"  # what a StoreError names

    def _tx(self) -> AbstractContextManager[Connection]:
        return self.database.transaction(self.team)

    def write(self, batch: Batch) -> int:
        with self.database.transaction(self.team) as db:
            if batch.receipt is not None:
                inserted = db.execute(
                    "INSERT INTO receipts (team_id, id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (self.team, batch.receipt),
                )
                if inserted.rowcount == 0:
                    return 0
            for session in batch.sessions:
                self._upsert_session(db, clean(session))  # the redaction gate, as in every store
            new = 0
            for event in batch.events:
                row = event_row(self._complete_key(db, clean_event(event)))
                cursor = db.execute(
                    f"INSERT INTO events (team_id, {EVENT_COLUMNS}) VALUES (%s, {', '.join(['%s'] * 15)})"
                    " ON CONFLICT (team_id, key) DO NOTHING",
                    (self.team, *row),
                )
                new += cursor.rowcount
            if batch.cursor is not None:
                self._save_cursor(db, batch.cursor)
            return new

    def add_events(self, events: Iterable[Event]) -> int:
        return self.write(Batch(events=tuple(events)))

    def upsert_session(self, session: Session) -> None:
        with self.database.transaction(self.team) as db:
            self._upsert_session(db, session)

    def save_import_cursor(self, cursor: ImportCursor) -> None:
        with self.database.transaction(self.team) as db:
            self._save_cursor(db, cursor)

    def _complete_key(self, db: Connection, event: Event) -> Event:
        if not keys.needs_ordinal(event.key):
            return event
        row = db.execute(
            "INSERT INTO ordinals (team_id, session_id, source, basis, next) VALUES (%s, %s, %s, %s, 1)"
            " ON CONFLICT (team_id, session_id, source, basis) DO UPDATE SET next = ordinals.next + 1"
            " RETURNING next - 1",
            (self.team, event.session_id, event.source.value, event.key),
        ).fetchone()
        assert row is not None
        return replace(event, key=keys.with_ordinal(event.key, int(row[0])))

    def _upsert_session(self, db: Connection, session: Session) -> None:
        # Known values win over unknown ones; the earliest start and the latest end win.
        db.execute(
            f"""
            INSERT INTO sessions (team_id, {SESSION_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (team_id, id) DO UPDATE SET
                project_key = COALESCE(sessions.project_key, excluded.project_key),
                project_name = COALESCE(sessions.project_name, excluded.project_name),
                cwd = COALESCE(sessions.cwd, excluded.cwd),
                started_at = LEAST(sessions.started_at, excluded.started_at),
                ended_at = GREATEST(sessions.ended_at, excluded.ended_at),
                transcript_path = COALESCE(excluded.transcript_path, sessions.transcript_path),
                parent_id = COALESCE(sessions.parent_id, excluded.parent_id)
            """,
            (self.team, *session_row(session)),
        )

    def _save_cursor(self, db: Connection, cursor: ImportCursor) -> None:
        db.execute(
            'INSERT INTO import_cursors (team_id, path, "offset", identity, line) VALUES (%s, %s, %s, %s, %s)'
            ' ON CONFLICT (team_id, path) DO UPDATE SET "offset" = excluded."offset",'
            " identity = excluded.identity, line = excluded.line",
            (self.team, cursor.path, cursor.offset, cursor.identity, cursor.line),
        )

    # -- reading -----------------------------------------------------------------------------

    def session(self, session_id: str) -> Session | None:
        with self.database.transaction(self.team) as db:
            row = db.execute(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = %s", (session_id,)).fetchone()
        return session_from_row(row) if row else None

    def sessions_started_after(self, since: str, *, project: str | None = None, limit: int | None = None) -> int:
        # ISO 8601 text orders as time, as in SQLite; the limit bounds the scan however long the history.
        with self.database.transaction(self.team) as db:
            row = db.execute(
                """
                SELECT COUNT(*) FROM (
                    SELECT 1 FROM sessions WHERE started_at > %(since)s
                    AND (%(project)s::text IS NULL OR project_key = %(project)s) LIMIT %(limit)s) AS recent
                """,
                {"since": since, "project": project, "limit": limit},
            ).fetchone()
        return int(row[0]) if row else 0

    def find_sessions(self, prefix: str) -> Sequence[Session]:
        with self.database.transaction(self.team) as db:
            rows = db.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE starts_with(id, %s) ORDER BY started_at", (prefix,)
            ).fetchall()
        return [session_from_row(row) for row in rows]

    def sessions(self, project: str | None = None) -> Sequence[SessionSummary]:
        columns = ", ".join("s." + c.strip() for c in SESSION_COLUMNS.split(","))
        with self.database.transaction(self.team) as db:
            rows = db.execute(
                f"""
                SELECT {columns}, COUNT(e.seq),
                    COUNT(*) FILTER (WHERE e.kind = 'prompt' AND e.origin = 'user'),
                    COUNT(*) FILTER (WHERE e.kind = 'tool_call'),
                    COUNT(*) FILTER (WHERE e.is_error)
                FROM sessions s LEFT JOIN events e ON e.team_id = s.team_id AND e.session_id = s.id
                WHERE %(project)s::text IS NULL OR s.project_key = %(project)s
                GROUP BY s.team_id, s.id ORDER BY s.project_key, s.started_at
                """,
                {"project": project},
            ).fetchall()
        return [
            SessionSummary(
                session_from_row(row[:9]), events=row[9], prompts=row[10], tool_calls=row[11], errors=row[12]
            )
            for row in rows
        ]

    def events(self, session_id: str) -> Sequence[Event]:
        with self.database.transaction(self.team) as db:
            rows = db.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE session_id = %s ORDER BY COALESCE(timestamp, ''), seq",
                (session_id,),
            ).fetchall()
        return [event_from_row(row, decoded) for row in rows]

    def sessions_since(self, seq: int) -> tuple[tuple[str, ...], int]:
        with self.database.transaction(self.team) as db:
            rows = db.execute(
                "SELECT session_id, MIN(seq), MAX(seq) FROM events WHERE seq > %s GROUP BY session_id ORDER BY 2",
                (seq,),
            ).fetchall()
        return tuple(str(row[0]) for row in rows), max((int(row[2]) for row in rows), default=seq)

    def import_cursor(self, path: str) -> ImportCursor | None:
        with self.database.transaction(self.team) as db:
            row = db.execute(
                'SELECT path, "offset", identity, line FROM import_cursors WHERE path = %s', (path,)
            ).fetchone()
        return ImportCursor(*row) if row else None

    def stats(self) -> StoreStats:
        with self.database.transaction(self.team) as db:

            def grouped(column: str) -> dict[str, int]:
                query = f"SELECT {column}, COUNT(*) FROM events GROUP BY {column} ORDER BY 2 DESC"
                return {str(name): int(count) for name, count in db.execute(query)}

            totals = db.execute("SELECT COUNT(*), COUNT(DISTINCT project_key) FROM sessions").fetchone()
            events = db.execute("SELECT COUNT(*) FROM events").fetchone()
            assert totals is not None and events is not None
            return StoreStats(
                sessions=int(totals[0]),
                events=int(events[0]),
                projects=int(totals[1]),
                events_by_kind=grouped("kind"),
                events_by_origin=grouped("origin"),
                events_by_source=grouped("source"),
                schema_version=(postgres_migrations.applied(db) or ["none"])[-1],
            )

    def close(self) -> None:
        """The database (and its pool) belongs to whoever opened it; one store per team shares it."""


seal(PostgresStore, conflict=psycopg.IntegrityError, failure=psycopg.Error)
