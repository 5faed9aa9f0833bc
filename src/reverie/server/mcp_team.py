"""MCP over streamable HTTP at ``/mcp``: remote agents recall the team's accepted lessons.

Reader scope: the bearer middleware has already identified the caller (no token is a 401 before
the MCP transport sees the request), and every tool reads only the caller's team, within its token's
project. Stateless mode: each POST stands alone, so a pooled reverse proxy or a restarted server
never strands a session. The SDK's DNS-rebinding check is off because it guards servers that trust
whoever can reach them; this one trusts only bearer tokens, which a browser never adds by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.routing import BaseRoute

from reverie.store.postgres_team import Identity, TeamLesson, TeamTables

INSTRUCTIONS = (
    "Lessons that this team's reviewers accepted from its members' coding-agent sessions. Search them "
    "before acting on a convention you are unsure of. They are read-only here."
)
_WORD = re.compile(r"[a-z0-9]+")
SHOWN = 8

Lifespan = Callable[[], AbstractAsyncContextManager[None]]


def team_mcp(tables: TeamTables) -> tuple[list[BaseRoute], Lifespan]:
    """The ``/mcp`` route and the session manager's lifespan, which the parent app must run."""
    server = MCPServer("reverie-team", instructions=INSTRUCTIONS)

    @server.tool(description="The team's accepted lessons that match a request, best first, with provenance.")
    async def search_team_lessons(query: str, ctx: Context, project: str | None = None) -> dict[str, Any]:
        who = _identity(ctx)
        rows = await anyio.to_thread.run_sync(partial(tables.lessons, who, after=0, limit=5000))
        return {"team": who.team, "lessons": ranked(rows, query, project)}

    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return list(app.routes), server.session_manager.run


def ranked(rows: list[TeamLesson], query: str, project: str | None) -> list[dict[str, Any]]:
    """Word overlap between the request and each lesson's statement and trigger, within scope."""
    wanted = set(_WORD.findall(query.lower()))
    scored = []
    for row in rows:
        lesson = row.body["lesson"]
        where = (lesson.get("scope") or {}).get("project")
        if project is not None and where not in (None, project):
            continue
        trigger = " ".join(" ".join(values) for values in (lesson.get("trigger") or {}).values())
        words = set(_WORD.findall(f"{lesson.get('statement', '')} {trigger}".lower()))
        overlap = len(wanted & words)
        if overlap:
            scored.append((overlap, row.cursor, row, lesson))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [
        {"lesson_id": row.lesson_id, "statement": lesson.get("statement", ""), "scope": lesson.get("scope", {}),
         "version": row.version, "accepted_by": row.accepted_by, "provenance": row.body.get("provenance", {})}
        for _, _, row, lesson in scored[:SHOWN]
    ]  # fmt: skip


def _identity(ctx: Context) -> Identity:
    request = ctx.request_context.request
    if not isinstance(request, Request):
        raise PermissionError("the team MCP server answers only over HTTP with a bearer token")
    identity: Identity = request.state.identity
    return identity
