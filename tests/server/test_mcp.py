"""Remote agents recall team lessons over MCP streamable HTTP, with the SDK's own client."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import TeamTables
from reverie.sync.push import outgoing
from reverie.sync.remotes import SyncState
from tests.recall.builders import BLOG_YARN, PNPM, TESTS
from tests.server.conftest import ServerThread
from tests.server.test_auth import call

pytestmark = pytest.mark.postgres


def accept_all(database: PostgresDatabase, tokens: dict[str, str]) -> None:
    tables = TeamTables(database)
    alice, bob = tables.identify(tokens["alice"]), tables.identify(tokens["bob"])
    assert alice is not None and bob is not None
    changes = [outgoing(lesson, SyncState(), machine="laptop") for lesson in (PNPM, TESTS, BLOG_YARN)]
    for result, change in zip(tables.push(alice, changes, remote="test"), changes, strict=True):
        tables.decide(bob, result["proposal"], "accepted", content_hash=str(change["content_hash"]), remote="test")


async def search(url: str, token: str, arguments: dict[str, Any]) -> dict[str, Any]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with http, Client(streamable_http_client(url + "/mcp", http_client=http)) as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        assert tools == ["search_team_lessons"]
        result = await client.call_tool("search_team_lessons", arguments)
    assert not result.is_error, result.content
    data = result.structured_content if result.structured_content is not None else json.loads(result.content[0].text)
    return dict(data.get("result", data))


def test_a_reader_searches_the_team_lessons_over_streamable_http(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    accept_all(team_db, tokens)
    found = anyio.run(search, server.url, tokens["ci"], {"query": "npm install", "project": "github.com/acme/shop"})
    assert found["team"] == "acme"
    assert [hit["lesson_id"] for hit in found["lessons"]] == [PNPM.id]  # the blog's yarn lesson is out of scope
    assert found["lessons"][0]["accepted_by"] == "bob"
    everywhere = anyio.run(search, server.url, tokens["ci"], {"query": "npm"})
    assert {hit["lesson_id"] for hit in everywhere["lessons"]} == {PNPM.id, BLOG_YARN.id}


def test_another_team_finds_nothing_and_no_token_is_refused(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    accept_all(team_db, tokens)
    assert anyio.run(search, server.url, tokens["mallory"], {"query": "npm"}) == {"team": "globex", "lessons": []}
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    status, body = call(server.url + "/mcp", None, initialize, "POST")
    assert (status, body) == (401, {"error": "a valid bearer token is required"})
