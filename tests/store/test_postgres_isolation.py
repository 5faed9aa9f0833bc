"""Row-level security on the team store: one team's rows are invisible and unwritable to another."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.errors import ConfigError
from reverie.store.postgres import PostgresDatabase, PostgresStore
from reverie.store.postgres_migrations import APP_ROLE, TEAM_TABLES
from reverie.store.postgres_team import TeamTables, create_team
from tests.postgres_cluster import Cluster

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_url: str) -> Iterator[PostgresDatabase]:
    db = PostgresDatabase(postgres_url, max_size=2)
    for team in ("acme", "globex"):
        create_team(postgres_url, team)
    yield db
    db.close()


def prompt(key: str) -> Event:
    return Event(key=key, session_id="s1", kind=EventKind.PROMPT, origin=Origin.USER, source=Source.HOOK, text="hi")


def seed(database: PostgresDatabase) -> None:
    store = PostgresStore(database, "acme")
    store.upsert_session(Session(id="s1", agent="claude-code"))
    store.add_events([prompt("k1")])
    TeamTables(database).create_token("acme", "alice", "member", project=None, created_by="test")


def test_another_team_sees_nothing_of_acme(database: PostgresDatabase) -> None:
    seed(database)
    with database.transaction("globex") as db:
        for table, _ in TEAM_TABLES:
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE team_id = 'acme'").fetchone() == (0,), table
    assert PostgresStore(database, "globex").events("s1") == []
    assert PostgresStore(database, "acme").events("s1")[0].key == "k1"


def test_the_application_role_without_a_team_sees_no_row_at_all(database: PostgresDatabase, postgres_url: str) -> None:
    seed(database)
    with psycopg.connect(postgres_url) as db:
        db.execute(f"SET ROLE {APP_ROLE}")
        for table, _ in TEAM_TABLES:
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table


def test_the_application_role_cannot_write_into_another_team(database: PostgresDatabase) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), database.transaction("globex") as db:
        db.execute("INSERT INTO sessions (team_id, id, agent) VALUES ('acme', 'evil', 'x')")
    assert PostgresStore(database, "acme").session("evil") is None


def test_the_application_role_cannot_rewrite_the_append_only_log(database: PostgresDatabase) -> None:
    seed(database)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), database.transaction("acme") as db:
        db.execute("DELETE FROM events")
    assert len(PostgresStore(database, "acme").events("s1")) == 1


def test_the_application_role_owns_nothing_and_cannot_bypass_security(database: PostgresDatabase) -> None:
    with database.transaction("acme") as db:
        row = db.execute(
            "SELECT rolsuper, rolbypassrls, current_user FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert row == (False, False, APP_ROLE)
        owned = db.execute("SELECT COUNT(*) FROM pg_tables WHERE tableowner = current_user").fetchone()
        assert owned == (0,)
        forced = db.execute(
            "SELECT COUNT(*) FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND relforcerowsecurity",
            ([table for table, _ in TEAM_TABLES],),
        ).fetchone()
        assert forced == (len(TEAM_TABLES),)


def test_an_ordinary_owner_role_runs_the_store_and_stays_bound_by_row_level_security(
    postgres_cluster: Cluster, postgres_url: str
) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    owner = f"owner_{name}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEROLE")
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO {owner}')
        admin.execute(f"ALTER SCHEMA public OWNER TO {owner}")
        admin.execute(f"DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN END $$")
    owner_url = postgres_cluster.url(name, user=owner)
    with pytest.raises(ConfigError, match=f"create the role {APP_ROLE} and grant it to the owner"):
        PostgresDatabase(owner_url)  # not a member of the application role, and may not make itself one
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"GRANT {APP_ROLE} TO {owner}")
    database = PostgresDatabase(owner_url, max_size=2)
    try:
        create_team(owner_url, "acme")
        seed(database)
        with psycopg.connect(owner_url) as db:  # the owner itself, without a team: forced RLS hides all
            assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
        assert len(PostgresStore(database, "acme").events("s1")) == 1
    finally:
        database.close()
