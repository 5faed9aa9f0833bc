"""``reverie push --traces``: a sandbox's raw sessions, redacted again, for a team that opted in.

Meant for disposable containers that die after one session: their lessons may not be distilled yet,
and the trace is gone with them. Each session goes in chunks; a chunk's receipt (session, its size
when read, the chunk's place) makes a retried upload a no-op, and the server ignores event keys it has.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reverie.capture.redact import redact_event
from reverie.store import Store
from reverie.store.event_codec import event_to_dict, session_to_dict
from reverie.sync.client import TeamClient
from reverie.sync.remotes import SyncState

CHUNK = 500


@dataclass(frozen=True)
class TraceReport:
    sessions: int
    events: int
    new: int


def push_traces(client: TeamClient, store: Store, state: SyncState) -> TraceReport:
    sessions = events = new = 0
    for summary in store.sessions():
        session = summary.session
        if state.traces.get(session.id) == summary.events:
            continue  # unchanged since its last upload
        stored = store.events(session.id)
        for start in range(0, max(len(stored), 1), CHUNK):
            chunk = stored[start : start + CHUNK]
            receipt = hashlib.sha256(f"{session.id}\0{len(stored)}\0{start}".encode()).hexdigest()[:32]
            answer = client.post(
                "/api/traces",
                {"receipt": receipt, "sessions": [session_to_dict(session)],
                 "events": [event_to_dict(redact_event(event)) for event in chunk]},
            )  # fmt: skip
            new += int(answer.get("new", 0))
        state.traces[session.id] = summary.events
        sessions += 1
        events += len(stored)
    return TraceReport(sessions, events, new)
