"""``reverie team init`` and ``reverie team token ...`` against a real PostgreSQL."""

from __future__ import annotations

import hashlib
import json

import psycopg
import pytest
from click.testing import CliRunner, Result

from reverie.cli import main

pytestmark = pytest.mark.postgres


def reverie(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_init_creates_the_team_and_an_admin_token_that_is_stored_hashed(postgres_url: str) -> None:
    result = reverie("team", "init", "--db", postgres_url, "--team", "acme", "--json")
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert (created["team"], created["role"]) == ("acme", "admin") and created["token"].startswith("rvt.acme.")
    with psycopg.connect(postgres_url) as db:
        db.execute("SELECT set_config('reverie.team', 'acme', true)")
        stored = db.execute("SELECT secret_sha256 FROM tokens").fetchall()
    assert stored == [(hashlib.sha256(created["token"].encode()).hexdigest(),)]
    again = reverie("team", "init", "--db", postgres_url, "--team", "acme", "--json")
    assert again.exit_code == 0  # migrations are applied once; a second init only adds an admin token


def test_tokens_are_created_listed_and_revoked(postgres_url: str) -> None:
    reverie("team", "init", "--db", postgres_url, "--team", "acme")
    base = ("--db", postgres_url, "--team", "acme")
    made = reverie("team", "token", "create", *base, "--name", "ci", "--role", "reader", "--project", "p", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["token"].startswith("rvt.acme.")
    listed = json.loads(reverie("team", "token", "list", *base, "--json").output)["tokens"]
    ci = next(row for row in listed if row["name"] == "ci")
    assert (ci["role"], ci["project"], ci["revoked_at"]) == ("reader", "p", None)
    assert "token" not in ci and json.loads(made.output)["token"] not in json.dumps(listed)
    assert reverie("team", "token", "revoke", *base, ci["id"]).exit_code == 0
    listed = json.loads(reverie("team", "token", "list", *base, "--json").output)["tokens"]
    assert next(row for row in listed if row["name"] == "ci")["revoked_at"] is not None
    again = reverie("team", "token", "revoke", *base, ci["id"])
    assert again.exit_code == 1 and "no active token" in again.output


def test_bad_team_names_and_roles_are_refused_plainly(postgres_url: str) -> None:
    bad = reverie("team", "init", "--db", postgres_url, "--team", "Acme; DROP")
    assert bad.exit_code == 1 and "team names are lowercase" in bad.output
    role = reverie("team", "token", "create", "--db", postgres_url, "--team", "acme", "--name", "x", "--role", "root")
    assert role.exit_code == 2 and "root" in role.output


def test_an_unknown_team_and_an_unreachable_database_are_one_line_without_the_password(postgres_url: str) -> None:
    reverie("team", "init", "--db", postgres_url, "--team", "acme")
    missing = reverie(
        "team", "token", "create", "--db", postgres_url, "--team", "nope", "--name", "x", "--role", "reader"
    )
    assert missing.exit_code == 1 and "no team 'nope'" in missing.output
    down = reverie("team", "token", "list", "--db", "postgresql://u:s3cret@127.0.0.1:1/x", "--team", "acme")
    assert down.exit_code == 1 and "cannot reach PostgreSQL at u@127.0.0.1:1/x" in down.output
    assert "s3cret" not in down.output
