"""Events and sessions as rows of the ``events`` and ``sessions`` tables, the same in SQLite and
PostgreSQL: one column list and one codec for both backends, so a column added to one is added to both.

The one difference is how JSON comes back: SQLite returns the text that was written, PostgreSQL a
``jsonb`` value already decoded; the reader passes its ``decode``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from reverie.domain import Event, EventKind, Origin, Project, Session, Source

SESSION_COLUMNS = "id, agent, project_key, project_name, cwd, started_at, ended_at, transcript_path, parent_id"
EVENT_COLUMNS = (
    "key, session_id, kind, origin, source, timestamp, text, tool_name, tool_use_id, tool_input,"
    " is_error, sidechain, transcript_path, transcript_line, data"
)

Decode = Callable[[Any], Any]


def event_row(event: Event) -> tuple[Any, ...]:
    """The values of ``EVENT_COLUMNS``; JSON as text, which both backends store."""
    return (
        event.key,
        event.session_id,
        event.kind.value,
        event.origin.value,
        event.source.value,
        event.timestamp,
        event.text,
        event.tool_name,
        event.tool_use_id,
        json.dumps(event.tool_input) if event.tool_input is not None else None,
        event.is_error,
        event.sidechain,
        event.transcript_path,
        event.transcript_line,
        json.dumps(event.data),
    )


def event_from_row(row: Sequence[Any], decode: Decode = json.loads) -> Event:
    return Event(
        key=row[0],
        session_id=row[1],
        kind=EventKind(row[2]),
        origin=Origin(row[3]),
        source=Source(row[4]),
        timestamp=row[5],
        text=row[6],
        tool_name=row[7],
        tool_use_id=row[8],
        tool_input=decode(row[9]) if row[9] is not None else None,
        is_error=bool(row[10]),
        sidechain=bool(row[11]),
        transcript_path=row[12],
        transcript_line=row[13],
        data=decode(row[14]),
    )


def session_row(session: Session) -> tuple[Any, ...]:
    """The values of ``SESSION_COLUMNS``."""
    project = session.project
    return (
        session.id,
        session.agent,
        project.key if project else None,
        project.name if project else None,
        session.cwd,
        session.started_at,
        session.ended_at,
        session.transcript_path,
        session.parent_id,
    )


def session_from_row(row: Sequence[Any]) -> Session:
    project = Project(key=row[2], name=row[3] or row[2]) if row[2] else None
    return Session(
        id=row[0],
        agent=row[1],
        project=project,
        cwd=row[4],
        started_at=row[5],
        ended_at=row[6],
        transcript_path=row[7],
        parent_id=row[8],
    )


def decoded(value: Any) -> Any:
    """PostgreSQL's ``decode``: ``jsonb`` arrives decoded."""
    return value
