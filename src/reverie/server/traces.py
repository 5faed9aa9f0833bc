"""``POST /api/traces``: a sandbox's raw trace, before it dies, for teams that opted in.

Members only, and only when the team allows it (``reverie team traces on``): by default raw traces
never leave a machine. Every event is redacted again here, whatever the client did, and written
through the team store's trace half (``PostgresStore.write``): a batch's receipt makes a retry a no-op,
and event keys make a re-sent event a no-op.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reverie.capture.redact import redact_event
from reverie.errors import InputError
from reverie.server.auth import Forbidden, require
from reverie.store import Batch
from reverie.store.event_codec import event_from_dict, session_from_dict
from reverie.store.postgres import PostgresDatabase, PostgresStore
from reverie.store.postgres_team import TeamTables

MAX_EVENTS = 1000


async def upload(database: PostgresDatabase, tables: TeamTables, request: Request) -> Response:
    who = require(request, "member")
    body = await request.json()
    batch = _batch(body)
    if not await anyio.to_thread.run_sync(tables.traces_allowed, who.team):
        raise Forbidden(f"team {who.team} keeps raw traces on machines (an operator can run `reverie team traces on`)")
    new = await anyio.to_thread.run_sync(partial(PostgresStore(database, who.team).write, batch))
    return JSONResponse({"events": len(batch.events), "new": new})


def _batch(body: Any) -> Batch:
    if not isinstance(body, dict) or not isinstance(body.get("receipt"), str) or not body["receipt"]:
        raise InputError("a trace upload is an object with a 'receipt', 'sessions' and 'events'")
    events, sessions = body.get("events", []), body.get("sessions", [])
    if not isinstance(events, list) or not isinstance(sessions, list) or len(events) > MAX_EVENTS:
        raise InputError(f"'events' and 'sessions' must be lists, at most {MAX_EVENTS} events per upload")
    try:
        return Batch(
            events=tuple(redact_event(event_from_dict(item)) for item in events),
            sessions=tuple(session_from_dict(item) for item in sessions),
            receipt=f"trace:{body['receipt']}",
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"not a trace ({type(error).__name__}: {error})") from error
