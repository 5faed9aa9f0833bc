"""The narrow storage contract that every stage uses and every backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reverie.domain import Event, Session
from reverie.domain.lessons import Lesson, LessonStatus, Observation, ScopeLevel


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


@dataclass(frozen=True, slots=True)
class PendingSession:
    """A session with events that distillation has not read yet, up to event ``through_seq``."""

    session_id: str
    through_seq: int


@dataclass(frozen=True, slots=True)
class DistillProgress:
    """What one session's distillation read and produced, recorded with its lessons."""

    session_id: str
    through_seq: int
    events: int
    observations: int
    lessons: int
    outcome: str  # one line a person can read: "3 lessons", "no typed prompts", ...


@dataclass(frozen=True, slots=True)
class LessonBatch:
    """Lesson versions, observations and progress, applied in one transaction or not at all.

    Each lesson in ``lessons`` is a new version (its ``version`` one above the stored one); its
    evidence is added to what the lesson already has, never replacing it.
    """

    lessons: Sequence[Lesson] = ()
    observations: Sequence[Observation] = ()
    progress: DistillProgress | None = None
    watermark: int | None = None  # every event up to this seq has been distilled


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

    # -- lessons (see LessonBatch) ---------------------------------------------------------

    def write_lessons(self, batch: LessonBatch) -> None:
        """Apply a lesson batch atomically. A version that is not one above the stored one fails."""

    def pending_sessions(self) -> Sequence[PendingSession]:
        """Sessions with events not yet distilled, oldest first. Reads only events past the watermark."""

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The current version of a lesson."""

    def find_lessons(self, prefix: str) -> Sequence[Lesson]: ...

    def lessons(
        self,
        *,
        project: str | None = None,
        scope: ScopeLevel | None = None,
        statuses: Sequence[LessonStatus] = (),
    ) -> Sequence[Lesson]:
        """Current versions, filtered; ``project`` also matches global lessons' absence of one."""

    def lesson_versions(self, lesson_id: str) -> Sequence[Lesson]:
        """Every version, oldest first, each with the evidence it had."""

    def lessons_on_topic(self, topic: str) -> Sequence[Lesson]:
        """Current versions of lessons that share a topic (candidates for contradiction)."""

    def contenders(self, project: str | None, *, topic: str, stance: str, against: str) -> Sequence[Lesson]:
        """Current lessons that may contradict one with this topic, stance and ``against``: those on
        the same topic, and in the same project those whose ``against`` names (or is named by) its
        stance, or whose stance names (or is named by) its ``against``, word for word. A superset is
        allowed: the caller decides which really contradict."""

    def observations_for(self, lesson_id: str) -> Sequence[Observation]:
        """Every session's observation that would form this lesson."""

    def close(self) -> None: ...
