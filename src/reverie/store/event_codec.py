"""Events and sessions to JSON-ready dicts and back: what a sandbox's trace upload carries.

Unknown fields are ignored on the way back, so a newer client never breaks an older server.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from reverie.domain import Event, EventKind, Origin, Project, Session, Source


def event_to_dict(event: Event) -> dict[str, Any]:
    data = asdict(event)
    data.update(kind=event.kind.value, origin=event.origin.value, source=event.source.value)
    return data


def event_from_dict(data: dict[str, Any]) -> Event:
    known = {item.name: data[item.name] for item in fields(Event) if item.name in data}
    known.update(kind=EventKind(known["kind"]), origin=Origin(known["origin"]), source=Source(known["source"]))
    return Event(**known)


def session_to_dict(session: Session) -> dict[str, Any]:
    data = asdict(session)
    data["project"] = {"key": session.project.key, "name": session.project.name} if session.project else None
    return data


def session_from_dict(data: dict[str, Any]) -> Session:
    known = {item.name: data[item.name] for item in fields(Session) if item.name in data}
    project = known.get("project")
    known["project"] = (
        Project(key=str(project["key"]), name=str(project.get("name") or project["key"])) if project else None
    )
    return Session(**known)
