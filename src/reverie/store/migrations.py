"""Named, transactional schema migrations (the sqlite-utils-migrate design).

Each migration is a named function applied once, inside its own transaction, and recorded in
``_migrations``. Add new ones at the end of ``MIGRATIONS``; never edit one that has shipped. Every
database reverie keeps has its own named set, applied by the same ``migrate``: the store's is
``MIGRATIONS``; the recall ledger's is ``recall_ledger.MIGRATIONS``. The recall index has none on
purpose: it is derived data, rebuilt whole, and carries a ``SCHEMA_VERSION`` that the hook checks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from reverie.store import sqlite_versions

Migration = Callable[[sqlite3.Connection], None]


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one, inside the caller's transaction.

    ``executescript`` would COMMIT the open transaction first, which defeats transactional
    migrations; ``sqlite3.complete_statement`` finds statement ends, trigger bodies included.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:80]}")


def m001_traces(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            agent TEXT NOT NULL,
            project_key TEXT,
            project_name TEXT,
            cwd TEXT,
            started_at TEXT,
            ended_at TEXT,
            transcript_path TEXT,
            parent_id TEXT
        );
        CREATE INDEX sessions_by_project ON sessions (project_key);

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            origin TEXT NOT NULL,
            source TEXT NOT NULL,
            timestamp TEXT,
            text TEXT NOT NULL DEFAULT '',
            tool_name TEXT,
            tool_use_id TEXT,
            tool_input TEXT,
            is_error INTEGER NOT NULL DEFAULT 0,
            sidechain INTEGER NOT NULL DEFAULT 0,
            transcript_path TEXT,
            transcript_line INTEGER,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_by_session ON events (session_id, timestamp, seq);

        -- Traces are append-only: the database itself refuses to rewrite history.
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

        -- Per-source occurrence counters that complete content keys (see reverie.domain.keys).
        CREATE TABLE ordinals (
            session_id TEXT NOT NULL,
            source TEXT NOT NULL,
            basis TEXT NOT NULL,
            next INTEGER NOT NULL,
            PRIMARY KEY (session_id, source, basis)
        );

        -- Spool records already written, so a record is applied exactly once even if the process
        -- dies between committing it and deleting its file.
        CREATE TABLE receipts (
            id TEXT PRIMARY KEY,
            applied_at TEXT NOT NULL
        );

        CREATE TABLE import_cursors (
            path TEXT PRIMARY KEY,
            offset INTEGER NOT NULL,
            identity TEXT NOT NULL,
            line INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )


def m002_lessons(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        -- Every version of every lesson; the current lesson is its highest version. Versions are
        -- never rewritten: an edit, a supersession or a forget is a new row.
        CREATE TABLE lessons (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            topic TEXT NOT NULL DEFAULT '',
            stance TEXT NOT NULL DEFAULT '',
            against TEXT NOT NULL DEFAULT '',
            scope TEXT NOT NULL,
            project_key TEXT,
            session_id TEXT,
            status TEXT NOT NULL,
            kind TEXT NOT NULL,
            level TEXT NOT NULL,
            statement TEXT NOT NULL,
            confidence REAL NOT NULL,
            content_hash TEXT NOT NULL,
            body TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        );
        CREATE INDEX lessons_by_topic ON lessons (topic) WHERE topic != '';
        CREATE INDEX lessons_by_stance ON lessons (project_key, stance) WHERE stance != '';
        CREATE INDEX lessons_by_against ON lessons (project_key, against) WHERE against != '';
        CREATE INDEX lessons_by_project ON lessons (project_key, status);

        CREATE VIEW current_lessons AS
            SELECT l.* FROM lessons l
            WHERE l.version = (SELECT MAX(v.version) FROM lessons v WHERE v.id = l.id);

        -- Evidence only accumulates; ``since_version`` is the first version that cited it.
        CREATE TABLE lesson_evidence (
            lesson_id TEXT NOT NULL,
            event_key TEXT NOT NULL,
            role TEXT NOT NULL,
            since_version INTEGER NOT NULL,
            session_id TEXT,
            body TEXT NOT NULL,
            PRIMARY KEY (lesson_id, event_key, role)
        );
        CREATE INDEX evidence_by_session ON lesson_evidence (session_id);

        CREATE TRIGGER lessons_no_update BEFORE UPDATE ON lessons
            BEGIN SELECT RAISE(ABORT, 'lesson versions are append-only'); END;
        CREATE TRIGGER lessons_no_delete BEFORE DELETE ON lessons
            BEGIN SELECT RAISE(ABORT, 'lesson versions are append-only'); END;
        CREATE TRIGGER lesson_evidence_no_update BEFORE UPDATE ON lesson_evidence
            BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
        CREATE TRIGGER lesson_evidence_no_delete BEFORE DELETE ON lesson_evidence
            BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;

        -- What each extractor saw in each session, grouped by the lesson it would form. A lesson
        -- that needs several sessions (a hazard, a workflow) is formed once enough rows agree.
        CREATE TABLE observations (
            lesson_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            extractor TEXT NOT NULL,
            body TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (lesson_id, session_id, extractor)
        );

        -- Distillation progress: the events it has read, so each run reads only what is new.
        CREATE TABLE distilled_sessions (
            session_id TEXT PRIMARY KEY,
            through_seq INTEGER NOT NULL,
            events INTEGER NOT NULL,
            observations INTEGER NOT NULL,
            lessons INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            distilled_at TEXT NOT NULL
        );
        CREATE TABLE distill_watermark (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            through_seq INTEGER NOT NULL
        );
        """,
    )


def m003_artifacts(db: sqlite3.Connection) -> None:
    """The registry of compiled artifacts and the files reverie edited or folders it created."""
    run_script(
        db,
        """
        CREATE TABLE artifacts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,  -- active | removed (kept so compile does not write it again)
            root TEXT NOT NULL,  -- the folder its files live under: a repository, or the user's agent dir
            body TEXT NOT NULL,  -- JSON: source lessons, parts, content hashes (reverie.artifacts.model)
            updated_at TEXT NOT NULL
        );
        CREATE INDEX artifacts_by_root ON artifacts (root, status);

        -- What a file held before reverie first changed it (content NULL: it did not exist), and the
        -- folders reverie created (kind 'dir'), so removing the last artifact restores them exactly.
        CREATE TABLE file_baselines (
            path TEXT PRIMARY KEY,
            kind TEXT NOT NULL,  -- file | dir
            content BLOB,
            recorded_at TEXT NOT NULL
        );
        """,
    )


def m004_store_versions(db: sqlite3.Connection) -> None:
    """Copy-on-write store versions, the head pointer, dreams, their change-sets and the audit log."""
    run_script(db, sqlite_versions.SCHEMA)


def m005_session_activity(db: sqlite3.Connection) -> None:
    """Sessions by project and start, so "how many sessions since this lesson's evidence" (the activity
    that ages lessons) is a short range scan, not a read of the project's history."""
    run_script(
        db,
        """
        CREATE INDEX sessions_by_start ON sessions (project_key, started_at);
        CREATE INDEX sessions_by_start_any ON sessions (started_at);
        """,
    )


def m006_normal_form_2(db: sqlite3.Connection) -> None:
    """Lessons that distill keyed by what a person said (``say:...``) in the earlier normal form of
    text get their key and topic in this one (``reverie.normal``), as a new version of each: the id
    stays (artifacts, the audit log and the recall ledger name it) and so does the content hash
    (approvals bind to it). Distill finds such a lesson by topic when its key no longer hashes to its
    id (``distill.merge``). Only current versions that are not forgotten are re-keyed."""
    from reverie.store.sqlite_lessons import rekeyed_versions

    rekeyed_versions(db, datetime.now(UTC).isoformat(timespec="seconds"))


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("m001_traces", m001_traces),
    ("m002_lessons", m002_lessons),
    ("m003_artifacts", m003_artifacts),
    ("m004_store_versions", m004_store_versions),
    ("m005_session_activity", m005_session_activity),
    ("m006_normal_form_2", m006_normal_form_2),
)


def applied(db: sqlite3.Connection) -> list[str]:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def pending(db: sqlite3.Connection, migrations: Sequence[tuple[str, Migration]] = MIGRATIONS) -> list[str]:
    done = set(applied(db))
    return [name for name, _ in migrations if name not in done]


def migrate(db: sqlite3.Connection, migrations: Sequence[tuple[str, Migration]] = MIGRATIONS) -> list[str]:
    """Apply every pending migration of one database's named set (the store's by default), each in its own
    transaction. Returns the names applied."""
    todo = pending(db, migrations)
    steps = dict(migrations)
    for name in todo:
        # BEGIN IMMEDIATE takes the write lock first, so two processes opening a fresh store at
        # once serialise here and the second one sees the migration as already applied.
        db.execute("BEGIN IMMEDIATE")
        try:
            if name in applied(db):
                db.execute("ROLLBACK")
                continue
            steps[name](db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return todo
