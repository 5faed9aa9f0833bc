"""The shared vocabulary of every stage: frozen dataclasses and enums, no I/O."""

from reverie.domain import keys
from reverie.domain.events import Event, EventKind, Origin, Source
from reverie.domain.sessions import Project, Session

__all__ = ["Event", "EventKind", "Origin", "Project", "Session", "Source", "keys"]
