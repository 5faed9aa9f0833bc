"""The narrow storage contract that every stage uses and every backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reverie.domain import Event, Session


@dataclass(frozen=True, slots=True)
class ImportCursor:
    """How far an incremental import has read one file.

    ``identity`` distinguishes a file that was replaced (new inode, or shorter than before) from one
    that only grew, so a rotated transcript is read from the start again.
    """

    path: str
    offset: int
    identity: str
    line: int  # lines consumed so far, so problems can name the line number


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one unit of capture writes, applied in one transaction or not at all.

    ``receipt`` names a spool record: a batch whose receipt is already stored was applied before
    and is skipped whole. ``cursor`` advances an import in the same transaction as its events.
    """

    events: Sequence[Event] = ()
    sessions: Sequence[Session] = ()
    cursor: ImportCursor | None = None
    receipt: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session: Session
    events: int
    prompts: int
    tool_calls: int
    errors: int


@dataclass(frozen=True, slots=True)
class StoreStats:
    sessions: int
    events: int
    projects: int
    events_by_kind: dict[str, int]
    events_by_origin: dict[str, int]
    events_by_source: dict[str, int]
    schema_version: str


class Store(Protocol):
    def write(self, batch: Batch) -> int:
        """Apply a batch atomically. Events whose key is already stored are ignored; keys that end
        in ``keys.PENDING_ORDINAL`` get their ordinal here. Returns how many events were new."""

    def add_events(self, events: Iterable[Event]) -> int:
        """``write`` for events alone."""

    def upsert_session(self, session: Session) -> None:
        """Create or complete a session: known fields are never overwritten with unknown ones."""

    def session(self, session_id: str) -> Session | None: ...

    def find_sessions(self, prefix: str) -> Sequence[Session]: ...

    def sessions(self, project: str | None = None) -> Sequence[SessionSummary]: ...

    def events(self, session_id: str) -> Sequence[Event]: ...

    def import_cursor(self, path: str) -> ImportCursor | None: ...

    def save_import_cursor(self, cursor: ImportCursor) -> None: ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...
