"""``create_app``: the team server's routes over one ``PostgresDatabase``.

Routes (JSON; every ``/api/`` route needs a bearer token, see ``auth``):

    GET  /healthz                               open; {"ok": true}
    GET  /api/whoami                            reader
    GET  /api/lessons?after=CURSOR              reader: accepted team lessons after a cursor (a page, and how
                                                many remain after it)
    POST /api/push          {"changes": [...]}  member: typed changes -> proposals (idempotent)
    GET  /api/proposals?status=pending          reviewer
    POST /api/proposals/ID/accept|reject        reviewer: {"content_hash": ...}; not the proposer
    GET  /api/audit                             admin
    POST /api/traces        {"receipt", ...}    member, when the team opted in (see ``traces``)
    POST /mcp                                   reader: MCP over streamable HTTP (see ``mcp_team``)

The browser review of the team store (``reverie.web``, being built separately) mounts at ``/`` through
the ``web`` argument, after every route above, so it never shadows the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from reverie.errors import InputError, NotFoundError
from reverie.server import traces
from reverie.server.auth import BearerAuth, Forbidden, remote_of, require
from reverie.server.changes import MAX_CHANGES, check_changes
from reverie.server.mcp_team import team_mcp
from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import Proposal, TeamError, TeamLesson, TeamTables
from reverie.store.protocol import StoreConflict

Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(database: PostgresDatabase, *, web: ASGIApp | None = None) -> Starlette:
    tables = TeamTables(database)
    routes: list[BaseRoute] = [
        Route("/healthz", _healthz),
        Route("/api/whoami", _whoami),
        Route("/api/lessons", partial(_lessons, tables)),
        Route("/api/push", partial(_push, tables), methods=["POST"]),
        Route("/api/proposals", partial(_proposals, tables)),
        Route("/api/proposals/{id}/{decision:str}", partial(_decide, tables), methods=["POST"]),
        Route("/api/audit", partial(_audit, tables)),
        Route("/api/traces", partial(traces.upload, database, tables), methods=["POST"]),
    ]
    mcp_routes, mcp_lifespan = team_mcp(tables)
    routes.extend(mcp_routes)
    if web is not None:
        routes.append(Mount("/", app=web))
    return Starlette(
        routes=routes,
        lifespan=lambda app: mcp_lifespan(),
        middleware=[Middleware(BearerAuth, tables=tables)],
        exception_handlers={
            Forbidden: partial(_refuse, 403),
            InputError: partial(_refuse, 400),
            NotFoundError: partial(_refuse, 404),
            TeamError: partial(_refuse, 409),
            StoreConflict: partial(_refuse, 409),
        },
    )


async def _refuse(status: int, request: Request, error: Exception) -> Response:
    return JSONResponse({"error": str(error)}, status)


async def _healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


async def _whoami(request: Request) -> Response:
    who = require(request, "reader")
    return JSONResponse({"team": who.team, "name": who.name, "role": who.role, "project": who.project})


async def _lessons(tables: TeamTables, request: Request) -> Response:
    who = require(request, "reader")
    after = _int(request.query_params.get("after", "0"), "after")
    rows = await anyio.to_thread.run_sync(partial(tables.lessons, who, after=after))
    cursor = max((row.cursor for row in rows), default=after)
    # What is left after this page, so a pull can show its progress.
    remaining = await anyio.to_thread.run_sync(partial(tables.lessons_after, who, after=cursor))
    return JSONResponse(
        {"team": who.team, "cursor": cursor, "remaining": remaining, "lessons": [_lesson(row) for row in rows]}
    )


async def _push(tables: TeamTables, request: Request) -> Response:
    who = require(request, "member")
    body = await _json(request)
    changes = check_changes(body.get("changes"), who)
    results = await anyio.to_thread.run_sync(partial(tables.push, who, changes, remote=remote_of(request)))
    return JSONResponse({"results": results, "max_changes": MAX_CHANGES})


async def _proposals(tables: TeamTables, request: Request) -> Response:
    who = require(request, "reviewer")
    status: str | None = request.query_params.get("status", "pending")
    listing = partial(tables.proposals, who.team, status=None if status == "all" else status)
    rows = await anyio.to_thread.run_sync(listing)
    return JSONResponse({"proposals": [_proposal(row) for row in rows]})


async def _decide(tables: TeamTables, request: Request) -> Response:
    who = require(request, "reviewer")
    decision = {"accept": "accepted", "reject": "rejected"}.get(request.path_params["decision"])
    if decision is None:
        raise NotFoundError(f"no such decision: {request.path_params['decision']!r}")
    content_hash = str((await _json(request)).get("content_hash", ""))
    decide = partial(tables.decide, who, request.path_params["id"], decision, content_hash=content_hash)
    row = await anyio.to_thread.run_sync(partial(decide, remote=remote_of(request)))
    return JSONResponse({"proposal": _proposal(row)})


async def _audit(tables: TeamTables, request: Request) -> Response:
    who = require(request, "admin")
    return JSONResponse({"audit": await anyio.to_thread.run_sync(tables.audit_log, who.team)})


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as error:
        raise InputError(f"the request body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise InputError(f"{name} must be an integer") from error


def _lesson(row: TeamLesson) -> dict[str, Any]:
    return {
        "lesson_id": row.lesson_id,
        "version": row.version,
        "content_hash": row.content_hash,
        "cursor": row.cursor,
        "accepted_by": row.accepted_by,
        "lesson": row.body["lesson"],
        "provenance": row.body.get("provenance", {}),
    }


def _proposal(row: Proposal) -> dict[str, Any]:
    return {
        "id": row.id,
        "lesson_id": row.lesson_id,
        "base_version": row.base_version,
        "content_hash": row.content_hash,
        "statement": row.body["lesson"].get("statement", ""),
        "scope": row.body["lesson"].get("scope", {}),
        "proposer": row.proposer,
        "provenance": row.body.get("provenance", {}),
        "status": row.status,
        "decided_by": row.decided_by,
    }
