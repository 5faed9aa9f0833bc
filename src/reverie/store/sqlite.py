"""The embedded default store: one SQLite file in WAL mode.

Many agents may write at once (every session's hooks, imports, background distillation), so the
connection uses WAL, a generous busy timeout and short ``BEGIN IMMEDIATE`` transactions. The file
is created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from reverie.domain import Event, Session, keys
from reverie.store import migrations
from reverie.store.gate import clean, clean_event
from reverie.store.protocol import Batch, ImportCursor, SessionSummary, StoreStats
from reverie.store.sealing import environmental, sealed, store_error
from reverie.store.sqlite_artifacts import ArtifactTables
from reverie.store.sqlite_dreams import DreamTables
from reverie.store.sqlite_lessons import LessonTables
from reverie.store.sqlite_versions import VersionTables
from reverie.store.trace_rows import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    event_from_row,
    event_row,
    session_from_row,
    session_row,
)

BUSY_TIMEOUT_MS = 10_000


@sealed
class SQLiteStore(LessonTables, VersionTables, DreamTables, ArtifactTables):
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.read_only = False
        try:
            self._db = self._connect()
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.path != ":memory:" and not self.read_only:
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            if not self.read_only or migrations.pending(self._db):
                migrations.migrate(self._db)
        except (sqlite3.OperationalError, OSError) as error:
            raise store_error(error, self.path) from error
        except sqlite3.DatabaseError as error:
            if not environmental(error):
                raise
            raise store_error(error, self.path) from error

    def _connect(self) -> sqlite3.Connection:
        if self.path == ":memory:":
            return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        folder = os.path.dirname(os.path.abspath(self.path))
        writable = os.access(folder, os.W_OK) and os.access(self.path, os.W_OK)
        if writable or not os.path.isfile(self.path):
            try:
                _create_private(Path(self.path))
                return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            except OSError as error:
                if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not os.path.isfile(self.path):
                    raise
        # A read-only home: the commands that only read (stats, lessons, sessions) still work. Without its
        # -wal and -shm files SQLite cannot open a WAL database read-only, so it is opened as immutable.
        self.read_only = True
        uri = Path(self.path).resolve().as_uri()
        has_wal = os.path.exists(self.path + "-shm")
        mode = "?mode=ro" if has_wal else "?mode=ro&immutable=1"
        return sqlite3.connect(uri + mode, uri=True, isolation_level=None, check_same_thread=False)

    # -- writing -----------------------------------------------------------------------------

    def write(self, batch: Batch) -> int:
        with self._transaction():
            if batch.receipt is not None:
                seen = self._db.execute("SELECT 1 FROM receipts WHERE id = ?", (batch.receipt,)).fetchone()
                if seen:
                    return 0
                self._db.execute("INSERT INTO receipts (id, applied_at) VALUES (?, ?)", (batch.receipt, _now()))
            for session in batch.sessions:
                self._upsert_session(clean(session))
            rows = [event_row(self._complete_key(clean_event(event))) for event in batch.events]  # the gate
            before = self._db.total_changes
            self._db.executemany(
                f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 15)}) ON CONFLICT (key) DO NOTHING",
                rows,
            )
            new = self._db.total_changes - before
            if batch.cursor is not None:
                self._save_cursor(batch.cursor)
            return new

    def add_events(self, events: Iterable[Event]) -> int:
        return self.write(Batch(events=tuple(events)))

    def upsert_session(self, session: Session) -> None:
        with self._transaction():
            self._upsert_session(clean(session))

    def _complete_key(self, event: Event) -> Event:
        if not keys.needs_ordinal(event.key):
            return event
        row = self._db.execute(
            "INSERT INTO ordinals (session_id, source, basis, next) VALUES (?, ?, ?, 1)"
            " ON CONFLICT DO UPDATE SET next = next + 1 RETURNING next - 1",
            (event.session_id, event.source.value, event.key),
        ).fetchone()
        return replace(event, key=keys.with_ordinal(event.key, row[0]))

    def _upsert_session(self, session: Session) -> None:
        row = session_row(session)
        # Known values win over unknown ones; the earliest start and the latest end win.
        self._db.execute(
            f"""
            INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                project_key = COALESCE(sessions.project_key, excluded.project_key),
                project_name = COALESCE(sessions.project_name, excluded.project_name),
                cwd = COALESCE(sessions.cwd, excluded.cwd),
                started_at = CASE WHEN sessions.started_at IS NULL
                    OR excluded.started_at < sessions.started_at
                    THEN COALESCE(excluded.started_at, sessions.started_at) ELSE sessions.started_at END,
                ended_at = CASE WHEN sessions.ended_at IS NULL
                    OR excluded.ended_at > sessions.ended_at
                    THEN COALESCE(excluded.ended_at, sessions.ended_at) ELSE sessions.ended_at END,
                transcript_path = COALESCE(excluded.transcript_path, sessions.transcript_path),
                parent_id = COALESCE(sessions.parent_id, excluded.parent_id)
            """,
            row,
        )

    def save_import_cursor(self, cursor: ImportCursor) -> None:
        with self._transaction():
            self._save_cursor(cursor)

    def _save_cursor(self, cursor: ImportCursor) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO import_cursors (path, offset, identity, line, updated_at) VALUES (?, ?, ?, ?, ?)",
            (cursor.path, cursor.offset, cursor.identity, cursor.line, _now()),
        )

    # -- reading -----------------------------------------------------------------------------

    def session(self, session_id: str) -> Session | None:
        row = self._db.execute(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return session_from_row(row) if row else None

    def find_sessions(self, prefix: str) -> Sequence[Session]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY started_at",
            (escaped + "%",),
        )
        return [session_from_row(row) for row in rows]

    def sessions(self, project: str | None = None) -> Sequence[SessionSummary]:
        where, params = ("WHERE s.project_key = ?", (project,)) if project else ("", ())
        rows = self._db.execute(
            f"""
            SELECT {", ".join("s." + c.strip() for c in SESSION_COLUMNS.split(","))},
                COUNT(e.seq),
                COALESCE(SUM(e.kind = 'prompt' AND e.origin = 'user'), 0),
                COALESCE(SUM(e.kind = 'tool_call'), 0),
                COALESCE(SUM(e.is_error), 0)
            FROM sessions s LEFT JOIN events e ON e.session_id = s.id
            {where}
            GROUP BY s.id
            ORDER BY s.project_key, s.started_at
            """,
            params,
        )
        return [
            SessionSummary(
                session_from_row(row[:9]), events=row[9], prompts=row[10], tool_calls=row[11], errors=row[12]
            )
            for row in rows
        ]

    def sessions_started_after(self, since: str, *, project: str | None = None, limit: int | None = None) -> int:
        # Timestamps are ISO 8601 text from the agents' own records, so they order as strings; the
        # limit keeps this a bounded range scan of sessions_by_start however long the history is.
        where = "started_at > :since" + (" AND project_key = :project" if project is not None else "")
        (count,) = self._db.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM sessions WHERE {where} LIMIT :limit)",
            {"since": since, "project": project, "limit": -1 if limit is None else limit},
        ).fetchone()
        return int(count)

    def events(self, session_id: str) -> Sequence[Event]:
        rows = self._db.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE session_id = ? ORDER BY COALESCE(timestamp, ''), seq",
            (session_id,),
        )
        return [event_from_row(row) for row in rows]

    def import_cursor(self, path: str) -> ImportCursor | None:
        row = self._db.execute(
            "SELECT path, offset, identity, line FROM import_cursors WHERE path = ?", (path,)
        ).fetchone()
        return ImportCursor(*row) if row else None

    def stats(self) -> StoreStats:
        def grouped(column: str) -> dict[str, int]:
            query = f"SELECT {column}, COUNT(*) FROM events GROUP BY {column} ORDER BY 2 DESC"
            return {str(name): count for name, count in self._db.execute(query)}

        (sessions, projects) = self._db.execute("SELECT COUNT(*), COUNT(DISTINCT project_key) FROM sessions").fetchone()
        (events,) = self._db.execute("SELECT COUNT(*) FROM events").fetchone()
        return StoreStats(
            sessions=sessions,
            events=events,
            projects=projects,
            events_by_kind=grouped("kind"),
            events_by_origin=grouped("origin"),
            events_by_source=grouped("source"),
            schema_version=(migrations.applied(self._db) or ["none"])[-1],
        )

    def close(self) -> None:
        self._db.close()

    # -- internals ---------------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error; SQLite's own errors (locked past the
    busy timeout, disk full, read-only) leave as ``StoreError``."""

    def __init__(self, db: sqlite3.Connection, path: str = "") -> None:
        self._db = db
        self.path = path

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise store_error(error, self.path) from error

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if error is None:
                self._db.execute("COMMIT")
                return
            if self._db.in_transaction:  # SQLite may have rolled back by itself (a full disk)
                self._db.execute("ROLLBACK")
        except sqlite3.Error as failure:
            if not environmental(failure):
                raise
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise store_error(failure, self.path) from failure
        if isinstance(error, sqlite3.Error) and environmental(error):
            raise store_error(error, self.path) from error


def _create_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
