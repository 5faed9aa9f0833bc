"""Bearer tokens, checked before any routing.

The middleware answers 401 itself for every protected path without a valid token, so an
unauthenticated caller learns nothing about which routes exist. Roles are checked per route
(``require``), giving 403. The identity travels in the ASGI scope's ``state``.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from reverie.errors import ReverieError
from reverie.store.postgres_team import Identity, TeamTables

PROTECTED = ("/api/", "/mcp")


class BearerAuth:
    def __init__(self, app: ASGIApp, tables: TeamTables) -> None:
        self.app = app
        self.tables = tables

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(PROTECTED):
            await self.app(scope, receive, send)
            return
        identity = await self._identify(scope)
        if identity is None:
            refusal = JSONResponse(
                {"error": "a valid bearer token is required"}, 401, headers={"WWW-Authenticate": "Bearer"}
            )
            await refusal(scope, receive, send)
            return
        scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, receive, send)

    async def _identify(self, scope: Scope) -> Identity | None:
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            return None
        try:
            return await anyio.to_thread.run_sync(self.tables.identify, token.strip())
        except ReverieError:
            return None


class Forbidden(Exception):
    """The token is valid but its role is too weak: 403."""


def require(request: Request, role: str) -> Identity:
    identity: Identity = request.state.identity
    if not identity.may(role):
        raise Forbidden(f"this needs the {role} role; the token has {identity.role}")
    return identity


def remote_of(request: Request) -> str:
    """Where a request came from, for the audit log. uvicorn (``reverie serve``) replaces the peer with
    the X-Forwarded-For address only when the peer is a proxy on this host, so a client cannot write
    its own address into the audit log."""
    return request.client.host if request.client else ""
