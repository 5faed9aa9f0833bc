"""Named migrations of the team store on PostgreSQL (the same design as ``migrations.py``).

Every table that holds team data carries ``team_id`` and has row-level security *forced*, with one
policy: the row's team is the transaction's ``reverie.team`` setting. The application connects as
the schema owner but works as ``reverie_app``, a role that owns nothing (so RLS applies to it), may
not update or delete append-only tables, and sees no row at all when no team was set: fail closed.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

APP_ROLE = "reverie_app"

Migration = Callable[[psycopg.Connection[tuple[object, ...]]], None]

# (table, privileges of the application role). Append-only tables get no UPDATE or DELETE.
TEAM_TABLES: tuple[tuple[str, str], ...] = (
    ("teams", "SELECT"),
    ("sessions", "SELECT, INSERT, UPDATE"),
    ("events", "SELECT, INSERT"),
    ("ordinals", "SELECT, INSERT, UPDATE"),
    ("receipts", "SELECT, INSERT"),
    ("import_cursors", "SELECT, INSERT, UPDATE"),
    ("tokens", "SELECT, INSERT, UPDATE"),
    ("change_log", "SELECT, INSERT"),
    ("proposals", "SELECT, INSERT, UPDATE"),
    ("team_lessons", "SELECT, INSERT, UPDATE"),
    ("audit", "SELECT, INSERT"),
    ("lessons", "SELECT, INSERT"),
    ("lesson_evidence", "SELECT, INSERT"),
    ("observations", "SELECT, INSERT, UPDATE"),
    ("distilled_sessions", "SELECT, INSERT, UPDATE"),
    ("distill_watermark", "SELECT, INSERT, UPDATE"),
)

_TEAM = "current_setting('reverie.team', true)"


def m001_traces(db: psycopg.Connection[tuple[object, ...]]) -> None:
    db.execute("""
        CREATE TABLE teams (team_id TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
        CREATE TABLE sessions (
            team_id TEXT NOT NULL REFERENCES teams, id TEXT NOT NULL, agent TEXT NOT NULL,
            project_key TEXT, project_name TEXT, cwd TEXT, started_at TEXT, ended_at TEXT,
            transcript_path TEXT, parent_id TEXT, PRIMARY KEY (team_id, id));
        CREATE TABLE events (
            team_id TEXT NOT NULL REFERENCES teams, seq BIGSERIAL, key TEXT NOT NULL, session_id TEXT NOT NULL,
            kind TEXT NOT NULL, origin TEXT NOT NULL, source TEXT NOT NULL, timestamp TEXT,
            text TEXT NOT NULL, tool_name TEXT, tool_use_id TEXT, tool_input JSONB,
            is_error BOOLEAN NOT NULL DEFAULT false, sidechain BOOLEAN NOT NULL DEFAULT false,
            transcript_path TEXT, transcript_line INTEGER, data JSONB NOT NULL DEFAULT '{}',
            PRIMARY KEY (team_id, seq), UNIQUE (team_id, key));
        CREATE INDEX events_by_session ON events (team_id, session_id, timestamp, seq);
        CREATE TABLE ordinals (
            team_id TEXT NOT NULL REFERENCES teams, session_id TEXT NOT NULL, source TEXT NOT NULL,
            basis TEXT NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (team_id, session_id, source, basis));
        CREATE TABLE receipts (
            team_id TEXT NOT NULL REFERENCES teams, id TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (team_id, id));
        CREATE TABLE import_cursors (
            team_id TEXT NOT NULL REFERENCES teams, path TEXT NOT NULL, "offset" BIGINT NOT NULL,
            identity TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (team_id, path));
    """)


def m002_team_sync(db: psycopg.Connection[tuple[object, ...]]) -> None:
    db.execute("""
        CREATE TABLE tokens (
            team_id TEXT NOT NULL REFERENCES teams, id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
            project TEXT, secret_sha256 TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(), revoked_at TIMESTAMPTZ, PRIMARY KEY (team_id, id));
        -- What clients sent, exactly once per idempotency key: the append-only log of typed changes.
        CREATE TABLE change_log (
            team_id TEXT NOT NULL REFERENCES teams, seq BIGSERIAL, idempotency_key TEXT NOT NULL,
            kind TEXT NOT NULL, body JSONB NOT NULL, author TEXT NOT NULL, machine TEXT NOT NULL,
            received_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (team_id, seq),
            UNIQUE (team_id, idempotency_key));
        CREATE TABLE proposals (
            team_id TEXT NOT NULL REFERENCES teams, id TEXT NOT NULL, log_seq BIGINT NOT NULL,
            lesson_id TEXT NOT NULL, base_version INTEGER NOT NULL, content_hash TEXT NOT NULL,
            body JSONB NOT NULL, proposer TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
            decided_by TEXT, decided_at TIMESTAMPTZ, PRIMARY KEY (team_id, id));
        -- Accepted team lessons; ``cursor`` grows with every accepted version, so pull reads after it.
        CREATE TABLE team_lessons (
            team_id TEXT NOT NULL REFERENCES teams, lesson_id TEXT NOT NULL, version INTEGER NOT NULL,
            content_hash TEXT NOT NULL, body JSONB NOT NULL, project TEXT, cursor BIGSERIAL,
            accepted_by TEXT NOT NULL, PRIMARY KEY (team_id, lesson_id));
        CREATE INDEX team_lessons_by_cursor ON team_lessons (team_id, cursor);
        CREATE TABLE audit (
            team_id TEXT NOT NULL REFERENCES teams, seq BIGSERIAL, at TIMESTAMPTZ NOT NULL DEFAULT now(),
            actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',
            content_hash TEXT, remote TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (team_id, seq));
    """)


def m003_lessons(db: psycopg.Connection[tuple[object, ...]]) -> None:
    """The lesson half of the store protocol; versions and evidence are append-only (no grants)."""
    db.execute("""
        CREATE TABLE lessons (
            team_id TEXT NOT NULL REFERENCES teams, id TEXT NOT NULL, version INTEGER NOT NULL,
            key TEXT NOT NULL, topic TEXT NOT NULL, stance TEXT NOT NULL, against TEXT NOT NULL,
            scope TEXT NOT NULL, project_key TEXT, session_id TEXT, status TEXT NOT NULL,
            confidence DOUBLE PRECISION NOT NULL, body JSONB NOT NULL, PRIMARY KEY (team_id, id, version));
        CREATE INDEX lessons_by_topic ON lessons (team_id, topic);
        CREATE TABLE lesson_evidence (
            team_id TEXT NOT NULL REFERENCES teams, seq BIGSERIAL, lesson_id TEXT NOT NULL,
            event_key TEXT NOT NULL, role TEXT NOT NULL, since_version INTEGER NOT NULL, body JSONB NOT NULL,
            PRIMARY KEY (team_id, seq), UNIQUE (team_id, lesson_id, event_key, role));
        CREATE TABLE observations (
            team_id TEXT NOT NULL REFERENCES teams, lesson_id TEXT NOT NULL, session_id TEXT NOT NULL,
            extractor TEXT NOT NULL, body JSONB NOT NULL, recorded_at TEXT NOT NULL,
            PRIMARY KEY (team_id, lesson_id, session_id, extractor));
        CREATE TABLE distilled_sessions (
            team_id TEXT NOT NULL REFERENCES teams, session_id TEXT NOT NULL, through_seq BIGINT NOT NULL,
            events INTEGER NOT NULL, observations INTEGER NOT NULL, lessons INTEGER NOT NULL, outcome TEXT NOT NULL,
            PRIMARY KEY (team_id, session_id));
        CREATE TABLE distill_watermark (
            team_id TEXT PRIMARY KEY REFERENCES teams, through_seq BIGINT NOT NULL);
    """)


def m004_row_level_security(db: psycopg.Connection[tuple[object, ...]]) -> None:
    db.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        END $$;
    """)
    if not _is_member(db):
        db.execute(f"GRANT {APP_ROLE} TO CURRENT_USER")
    db.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    db.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    for table, privileges in TEAM_TABLES:
        db.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        db.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        db.execute(f"CREATE POLICY same_team ON {table} USING (team_id = {_TEAM}) WITH CHECK (team_id = {_TEAM})")
        db.execute(f"GRANT {privileges} ON {table} TO {APP_ROLE}")
    db.execute(f"GRANT SELECT ON _migrations TO {APP_ROLE}")


def _is_member(db: psycopg.Connection[tuple[object, ...]]) -> bool:
    row = db.execute("SELECT pg_has_role(CURRENT_USER, %s, 'MEMBER')", (APP_ROLE,)).fetchone()
    return bool(row and row[0])


def m005_trace_opt_in(db: psycopg.Connection[tuple[object, ...]]) -> None:
    """Raw traces stay on machines unless a team opts in (for sandboxes that die after a session)."""
    db.execute("ALTER TABLE teams ADD COLUMN traces BOOLEAN NOT NULL DEFAULT false")


MIGRATIONS: tuple[Migration, ...] = (
    m001_traces,
    m002_team_sync,
    m003_lessons,
    m004_row_level_security,
    m005_trace_opt_in,
)


def migrate(url: str) -> list[str]:
    """Apply pending migrations as the URL's user (the schema owner); returns the names applied.

    An advisory lock serialises servers that start at once against the same database.
    """
    applied: list[str] = []
    with psycopg.connect(url) as db:
        db.execute("SELECT pg_advisory_xact_lock(8765)")
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ)")
        done = {str(row[0]) for row in db.execute("SELECT name FROM _migrations")}
        for migration in MIGRATIONS:
            if migration.__name__ in done:
                continue
            migration(db)
            db.execute("INSERT INTO _migrations VALUES (%s, now())", (migration.__name__,))
            applied.append(migration.__name__)
    return applied


def applied(db: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    return [str(row[0]) for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
