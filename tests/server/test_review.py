"""Review across people: bound to content hashes, compare-and-swap on team versions, checked input."""

from __future__ import annotations

import urllib.parse
from dataclasses import replace

import pytest

from reverie.domain.lessons import ScopeLevel
from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import Identity, TeamError, TeamTables
from reverie.store.protocol import StoreConflict
from reverie.sync.push import outgoing
from reverie.sync.remotes import SyncState
from tests.recall.builders import PNPM, lesson
from tests.server.conftest import ServerThread
from tests.server.test_auth import call

pytestmark = pytest.mark.postgres


def who(tables: TeamTables, token: str) -> Identity:
    identity = tables.identify(token)
    assert identity is not None
    return identity


def test_a_stale_proposal_is_refused_after_another_version_was_accepted(
    team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    tables = TeamTables(team_db)
    alice, carol, bob = (who(tables, tokens[n]) for n in ("alice", "carol", "bob"))
    first = outgoing(PNPM, SyncState(), machine="laptop")
    second = outgoing(replace(PNPM, statement="Use pnpm 9, not npm."), SyncState(), machine="desktop")
    [one] = tables.push(alice, [first], remote="a")
    [two] = tables.push(carol, [second], remote="c")
    tables.decide(bob, one["proposal"], "accepted", content_hash=str(first["content_hash"]), remote="b")
    with pytest.raises(StoreConflict, match="team version 1, the proposal was based on 0"):
        tables.decide(bob, two["proposal"], "accepted", content_hash=str(second["content_hash"]), remote="b")
    newer = outgoing(replace(PNPM, statement="Use pnpm 9, not npm."), SyncState(versions={PNPM.id: 1}), machine="d")
    [three] = tables.push(carol, [newer], remote="c")  # rebased after a pull: a new change, not a retry
    assert three["created"]
    tables.decide(bob, three["proposal"], "accepted", content_hash=str(newer["content_hash"]), remote="b")
    [current] = tables.lessons(bob)
    assert (current.version, current.body["lesson"]["statement"]) == (2, "Use pnpm 9, not npm.")


def test_a_decision_binds_to_the_content_hash_and_happens_once(
    team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    tables = TeamTables(team_db)
    alice, bob = who(tables, tokens["alice"]), who(tables, tokens["bob"])
    change = outgoing(PNPM, SyncState(), machine="laptop")
    [pushed] = tables.push(alice, [change], remote="a")
    with pytest.raises(StoreConflict, match="has content"):
        tables.decide(bob, pushed["proposal"], "accepted", content_hash="0" * 64, remote="b")
    tables.decide(bob, pushed["proposal"], "rejected", content_hash=str(change["content_hash"]), remote="10.0.0.7")
    with pytest.raises(TeamError, match="already rejected by bob"):
        tables.decide(bob, pushed["proposal"], "accepted", content_hash=str(change["content_hash"]), remote="b")
    assert tables.lessons(bob) == []
    last = tables.audit_log("acme")[-1]
    assert (last["actor"], last["action"], last["remote"]) == ("bob", "rejected", "10.0.0.7")


def test_the_server_checks_what_it_is_sent(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    url = server.url + "/api/push"
    change = outgoing(PNPM, SyncState(), machine="laptop")
    lying = {**change, "content_hash": "f" * 64}
    status, body = call(url, tokens["alice"], {"changes": [lying]}, "POST")
    assert status == 200 and TeamTables(team_db).proposals("acme")[0].content_hash == PNPM.content_hash
    one_off = outgoing(
        lesson("skip:lint", "Skip lint now.", scope=ScopeLevel.SESSION, session="s"), SyncState(), machine="m"
    )
    assert call(url, tokens["alice"], {"changes": [one_off]}, "POST")[0] == 400
    assert call(url, tokens["alice"], {"changes": [{**change, "lesson": {"id": "x"}}]}, "POST")[0] == 400
    assert call(url, tokens["alice"], {"changes": "DROP TABLE"}, "POST")[0] == 400
    scoped = TeamTables(team_db).create_token(
        "acme", "blog-ci", "member", project="github.com/acme/blog", created_by="t"
    )
    status, body = call(url, scoped, {"changes": [change]}, "POST")
    assert status == 403 and "github.com/acme/blog" in body["error"]


def test_the_audit_log_names_who_and_from_where(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    change = outgoing(PNPM, SyncState(), machine="laptop")
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.4"}  # as a proxy on this host appends it
    assert call(server.url + "/api/push", tokens["alice"], {"changes": [change]}, "POST", headers)[0] == 200
    [entry] = [e for e in TeamTables(team_db).audit_log("acme") if e["action"] == "propose"]
    assert (entry["actor"], entry["remote"]) == ("alice", "198.51.100.4")
    assert entry["content_hash"] == PNPM.content_hash


def test_injection_in_every_pushed_field_is_stored_as_data(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    hostile = "x'); DELETE FROM proposals; SET ROLE postgres; -- <img src=x onerror=alert(1)> ${HOME} \u202e"
    sly = lesson(f"key {hostile}", f"Statement {hostile}", keywords=(hostile,), commands=(hostile,), paths=(hostile,))
    change = outgoing(replace(sly, topic=hostile, stance=hostile, uncertainty=hostile), SyncState(), machine=hostile)
    change = {**change, "idempotency_key": f"key {hostile}", "provenance": {"machine": hostile, "sessions": [hostile]}}
    assert call(server.url + "/api/push", tokens["alice"], {"changes": [change]}, "POST")[0] == 200
    [proposal] = TeamTables(team_db).proposals("acme")
    assert proposal.body["lesson"]["statement"] == f"Statement {hostile}"
    assert proposal.body["provenance"] == {"machine": hostile, "sessions": [hostile]}
    assert proposal.body["idempotency_key"] == f"key {hostile}"
    path = urllib.parse.quote(hostile, safe="")
    assert call(f"{server.url}/api/proposals/{path}/accept", tokens["bob"], {"content_hash": hostile}, "POST")[0] == 404
    assert call(f"{server.url}/api/lessons?after={path}", tokens["bob"])[0] == 400
    assert len(TeamTables(team_db).proposals("acme")) == 1


def test_a_page_of_lessons_says_how_many_remain_after_it(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    tables = TeamTables(team_db)
    alice, bob = who(tables, tokens["alice"]), who(tables, tokens["bob"])
    for statement in ("Use pnpm, not npm.", "Use uv, not pip.", "Use ruff, not flake8."):
        change = outgoing(lesson(f"say:{statement}", statement), SyncState(), machine="laptop")
        [made] = tables.push(alice, [change], remote="a")
        tables.decide(bob, made["proposal"], "accepted", content_hash=str(change["content_hash"]), remote="b")
    first = tables.lessons(bob, limit=1)[0]
    assert tables.lessons_after(bob, after=0) == 3 and tables.lessons_after(bob, after=first.cursor) == 2
    status, body = call(f"{server.url}/api/lessons?after={first.cursor}", tokens["bob"])
    assert status == 200 and len(body["lessons"]) == 2 and body["remaining"] == 0  # a pull knows it is done
    assert call(f"{server.url}/api/lessons", tokens["bob"])[1]["remaining"] == 0


def test_a_pushed_lesson_that_holds_a_secret_is_refused(server: ServerThread, tokens: dict[str, str]) -> None:
    """A reverie client redacts before pushing; any other client meets the server's own gate."""
    change = outgoing(PNPM, SyncState(), machine="laptop")
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    change["lesson"] = {**change["lesson"], "statement": f"Push with the token {secret}."}
    status, body = call(server.url + "/api/push", tokens["alice"], {"changes": [change]}, "POST")
    assert status == 400 and "secret" in body["error"] and secret not in body["error"]
