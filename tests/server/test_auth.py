"""Who may do what on the team server: 401 before routing, 403 for a weak role, nothing across teams."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import TeamTables
from tests.server.conftest import ServerThread

pytestmark = pytest.mark.postgres


def call(
    url: str, token: str | None = None, body: object = None, method: str | None = None, extra: dict | None = None
) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    headers.update(extra or {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_health_is_open_and_the_api_needs_a_token_before_any_routing(server: ServerThread) -> None:
    assert call(server.url + "/healthz") == (200, {"ok": True})
    for path in ("/api/lessons", "/api/no-such-route", "/api/proposals/x/accept"):
        status, body = call(server.url + path)
        assert status == 401, path
        assert body == {"error": "a valid bearer token is required"}
    assert call(server.url + "/api/lessons", token="rvt.acme." + "0" * 64)[0] == 401
    assert call(server.url + "/api/lessons", token="not-even-a-token")[0] == 401


def test_a_revoked_token_is_refused_on_its_next_request(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    assert call(server.url + "/api/lessons", tokens["ci"])[0] == 200
    tables = TeamTables(team_db)
    ci = next(row for row in tables.tokens("acme") if row["name"] == "ci")
    tables.revoke_token("acme", ci["id"], actor="root")
    assert call(server.url + "/api/lessons", tokens["ci"])[0] == 401
    assert [entry["action"] for entry in tables.audit_log("acme")][-1] == "token-revoke"


def test_roles_are_enforced_per_route(server: ServerThread, tokens: dict[str, str]) -> None:
    assert call(server.url + "/api/push", tokens["ci"], {"changes": []}, "POST")[0] == 403
    assert call(server.url + "/api/proposals", tokens["alice"])[0] == 403
    assert call(server.url + "/api/audit", tokens["bob"])[0] == 403
    assert call(server.url + "/api/audit", tokens["root"])[0] == 200
    assert call(server.url + "/api/whoami", tokens["bob"])[1] == {
        "team": "acme",
        "name": "bob",
        "role": "reviewer",
        "project": None,
    }


def test_a_token_with_another_team_in_it_does_not_authenticate(server: ServerThread, tokens: dict[str, str]) -> None:
    _, _, secret = tokens["mallory"].split(".")
    assert call(server.url + "/api/lessons", f"rvt.acme.{secret}")[0] == 401
    status, body = call(server.url + "/api/lessons", tokens["mallory"])
    assert (status, body["team"], body["lessons"]) == (200, "globex", [])
