"""The storage contract: narrow roles that stages depend on, composed into ``Store``.

A stage asks for the role it uses (``TraceStore`` for capture, ``LessonStore`` for distill and recall,
``VersionStore``, ``DreamStore`` and ``AuditStore`` for dream and review, ``ArtifactStore`` for compile);
a workspace holds a ``Store``, which is all of them. ``ROLES`` lists them for the contract suite, which
checks every method of every role against every backend that claims it. The recall ledger's proposals
and outcomes are a database of their own (``recall_ledger.RecallLedger``); the team's proposals, tokens
and audit live in ``postgres_team.TeamTables``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reverie.domain import Event, Session
from reverie.domain.changes import Change
from reverie.domain.lessons import Lesson, LessonStatus, Observation, ScopeLevel
from reverie.errors import StoreError


class StoreConflict(StoreError):
    """A write was based on a state that another writer changed meanwhile; re-read and try again."""


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


@dataclass(frozen=True, slots=True)
class ArtifactRow:
    """One compiled artifact in the registry; ``body`` is the artifacts package's own JSON record."""

    id: str
    kind: str
    status: str  # "active" | "removed"
    root: str  # the folder its files live under
    body: str
    updated_at: str = ""


@dataclass(frozen=True, slots=True)
class FileBaseline:
    """What a path held before reverie first changed it: ``content`` None means it did not exist."""

    path: str
    kind: str  # "file" | "dir"
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class StoreVersion:
    """One state of the lesson store (see ``sqlite_versions``).

    ``state``: ``live`` (the head that distill, remember and forget are writing to), ``sealed`` (frozen:
    a dream read it, or it was left behind), ``proposed`` (a dream's output, not accepted yet),
    ``merged`` (a proposal that review accepted into a new version), ``discarded``.
    """

    id: int
    parent: int | None
    state: str
    created_at: str
    created_by: str  # distill | dream | review | rollback | migration
    dream_id: str | None = None
    accepted_by: str | None = None
    note: str = ""
    lessons_changed: int = 0


@dataclass(frozen=True, slots=True)
class DreamRecord:
    """A dream, as the Anthropic Dreams contract describes one: inputs, status, usage, error."""

    id: str
    status: str  # pending | running | completed | failed | canceled
    trigger: str  # manual | auto | proposal
    created_at: str
    input_version: int | None = None
    output_version: int | None = None
    session_ids: tuple[str, ...] = ()
    through_seq: int = 0  # every event up to this seq was in the dream's reach
    instructions: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    pid: int | None = None
    usage: dict[str, float] | None = None  # wall_seconds, tokens, lessons_read, ...
    error: str | None = None
    changes: int = 0
    decided: int = 0


@dataclass(frozen=True, slots=True)
class StoredChange:
    change: Change
    stored_hash: str  # the hash written with the body; a body edited behind review's back no longer matches
    decision: str | None = None  # accepted | rejected | None (undecided)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str  # approve | accept | reject | discard | refuse | rollback | auto-accept | edit | propose | <command>
    actor: str  # the OS user, or "policy"
    command: str
    dream_id: str | None = None
    change_id: str | None = None
    content_hash: str | None = None
    store_version: int | None = None
    detail: str = ""
    at: str | None = None


class TraceStore(Protocol):
    """Events and sessions as capture wrote them (the traces), and how far imports have read."""

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

    def sessions_started_after(self, since: str, *, project: str | None = None, limit: int | None = None) -> int:
        """How many sessions of ``project`` (of every project when None) started after ``since`` (ISO
        8601), counting at most ``limit``: the work done since a moment. Lessons age by it, not by the
        clock (docs/confidence.md); past a limit more sessions change nothing, so callers cap it."""

    def events(self, session_id: str) -> Sequence[Event]: ...

    def import_cursor(self, path: str) -> ImportCursor | None: ...

    def save_import_cursor(self, cursor: ImportCursor) -> None: ...

    def stats(self) -> StoreStats: ...

    def sessions_since(self, seq: int) -> tuple[tuple[str, ...], int]:
        """Ids of sessions with events after event ``seq``, oldest first, and the highest seq seen."""

    def close(self) -> None: ...


class LessonStore(Protocol):
    """Lessons at the head, their versions and evidence, and distillation's progress (see LessonBatch)."""

    def lesson_watermark(self) -> tuple[str, int] | None:
        """Where the recall hook can check for lesson changes (a SQLite file) and the mark it compares
        with the index's: any change to any lesson raises it. None when there is no such file."""

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
        stance, or whose stance names (or is named by) its ``against``, word for word, and plain
        positive instructions (topic ``say:...``, stance ``+...``) when it advises against something
        (or the lessons that advise against something, when it is one). A superset is allowed: the
        caller decides which really contradict."""

    def observations_for(self, lesson_id: str) -> Sequence[Observation]:
        """Every session's observation that would form this lesson."""


class ArtifactStore(Protocol):
    """The registry of compiled artifacts (see reverie.artifacts) and what each path held before."""

    def save_artifact(self, row: ArtifactRow) -> None: ...

    def delete_artifact(self, artifact_id: str) -> None: ...

    def artifact(self, artifact_id: str) -> ArtifactRow | None: ...

    def find_artifacts(self, prefix: str) -> Sequence[ArtifactRow]: ...

    def artifacts(self, *, statuses: Sequence[str] = ()) -> Sequence[ArtifactRow]: ...

    def file_baseline(self, path: str) -> FileBaseline | None: ...

    def file_baselines(self) -> Sequence[FileBaseline]:
        """Every baseline, deepest path first (so folders are removed child before parent)."""

    def keep_baseline(self, baseline: FileBaseline) -> None:
        """Record a baseline unless the path already has one: the first record wins."""

    def drop_baseline(self, path: str) -> None: ...


class VersionStore(Protocol):
    """States of the lesson store (see StoreVersion): the head readers see, commits and rollback."""

    def head(self) -> StoreVersion:
        """The store version that every reader above (``lessons``, ``lesson``, ...) sees."""

    def store_versions(self) -> Sequence[StoreVersion]:
        """Every store version, newest first."""

    def seal_head(self) -> StoreVersion:
        """Freeze the head: later writes by distill go to a new live version on top of it."""

    def version_lessons(self, version: int) -> Sequence[Lesson]:
        """The lessons exactly as store version ``version`` holds them."""

    def commit_version(
        self,
        lessons: Sequence[Lesson],
        *,
        created_by: str,
        dream_id: str | None,
        accepted_by: str,
        note: str,
        decisions: Sequence[tuple[str, str]] = (),
        audit: Sequence[AuditEntry] = (),
    ) -> StoreVersion:
        """Write lesson versions as one new sealed store version on top of the head and move the head
        to it, with the decisions (change id, accepted|rejected) and audit entries, in one transaction.
        Each lesson's ``version`` must be one above the head's (else ``ConflictError``)."""

    def move_head(self, version: int, *, audit: Sequence[AuditEntry]) -> StoreVersion:
        """Rollback: point the head at an earlier version (a pointer swap), audited."""


class DreamStore(Protocol):
    """Dreams (see DreamRecord), the changes each proposed, and review's approvals and decisions on them."""

    def create_dream(self, record: DreamRecord) -> None: ...

    def start_dream(self, dream_id: str, *, input_version: int, pid: int) -> None: ...

    def finish_dream(
        self,
        dream_id: str,
        *,
        status: str,
        usage: dict[str, float],
        error: str | None = None,
        changes: Sequence[Change] = (),
    ) -> DreamRecord:
        """Record the outcome; a completed dream's changes and its proposed store version are written
        in the same transaction."""

    def dream(self, dream_id: str) -> DreamRecord | None: ...

    def find_dreams(self, prefix: str) -> Sequence[DreamRecord]: ...

    def dreams(self) -> Sequence[DreamRecord]:
        """Newest first."""

    def dream_changes(self, dream_id: str) -> Sequence[StoredChange]: ...

    def replace_change(self, dream_id: str, change: Change, *, audit: AuditEntry) -> None:
        """An edit: the change's body and hash are replaced, its decision cleared; approvals of the old
        hash stay on record but no longer cover it."""

    def approve(self, dream_id: str, change_id: str, content_hash: str, *, audit: AuditEntry) -> None: ...

    def approvals(self, dream_id: str) -> Sequence[tuple[str, str]]:
        """(change id, content hash) of every approval given."""

    def decide(self, dream_id: str, decisions: Sequence[tuple[str, str]], *, audit: Sequence[AuditEntry]) -> None:
        """Record decisions (change id, accepted|rejected) without writing lessons (a discard)."""


class AuditStore(Protocol):
    """Who decided what: every decision, append-only."""

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Record decisions made outside a change-set (remember, forget, compile, refusals), in one transaction."""

    def audit_log(self) -> Sequence[AuditEntry]:
        """Every decision, oldest first."""


class Store(TraceStore, LessonStore, VersionStore, DreamStore, ArtifactStore, AuditStore, Protocol):
    """Every role: what a workspace holds. A stage that needs one role asks for that role only."""


ROLES: tuple[type, ...] = (TraceStore, LessonStore, VersionStore, DreamStore, ArtifactStore, AuditStore)
