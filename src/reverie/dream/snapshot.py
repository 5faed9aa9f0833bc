"""What a dream pass sees: one store version's lessons and the sessions in the dream's range.

A ``Snapshot`` is a frozen value built once per dream. Passes are pure functions of it; the runner
hands each pass the snapshot as the earlier passes' proposals would leave it (``with_changes``), so a
lesson merged by dedupe is not superseded a second time by the contradiction pass.

Cost follows the new work: the lessons read are those that may still act or be cleaned up (active,
candidate, quarantined; retired lessons are tombstones and stay out), and the trace read is the
events of the sessions in range only.

What review turned down comes in too (``declined``): for every change a person rejected (or a
discarded dream left undecided), its policy name and the lesson versions it was based on, so a pass
that should not ask twice (``stated``) can tell. It is read from the dreams a person decided on, not
from all of them.

What recall found in the workspace comes in too: for the sessions in range that recall answered, the
lessons whose checkable premise did not hold at session start (``PremiseCheck``, read by the
application layer from recall's session state; a pass never looks at a checkout itself).

Time is activity: for each live lesson the snapshot holds how many sessions of its project started
after its newest evidence (``idle``, one bounded index range scan each). Passes age lessons by that,
never by ``now`` minus a timestamp, so a backfill of old transcripts or a project left alone for a
year does not make its lessons look abandoned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from reverie.domain import EventKind
from reverie.domain.changes import REJECTED, Change
from reverie.domain.holds import idle_sessions
from reverie.domain.lessons import Lesson, LessonStatus, ScopeLevel
from reverie.dream.safety import Budget
from reverie.store import Store

LIVE_STATUSES = (LessonStatus.ACTIVE, LessonStatus.CANDIDATE, LessonStatus.QUARANTINED)


@dataclass(frozen=True, slots=True)
class CommandRun:
    """One shell command from a session in range, with how it ended."""

    command: str
    ok: bool
    timestamp: str
    session_id: str
    event_key: str
    excerpt: str = ""
    transcript_path: str | None = None
    transcript_line: int | None = None


@dataclass(frozen=True, slots=True)
class PremiseCheck:
    """What recall's session-start check found in one session's workspace: lesson id -> why its premise
    no longer held there (``reverie.recall.premises``). A session with a check and without a lesson in
    ``unmet`` saw that lesson's premise hold."""

    session_id: str
    unmet: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SessionSlice:
    id: str
    project: str | None
    started_at: str | None
    ended_at: str | None
    runs: tuple[CommandRun, ...] = ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    now: datetime
    lessons: Mapping[str, Lesson]
    sessions: tuple[SessionSlice, ...] = ()
    instructions: str = ""
    changed: frozenset[str] = field(default_factory=frozenset)  # ids earlier passes already changed
    session_projects: Mapping[str, str | None] = field(default_factory=dict)  # for global lessons' sessions
    budget: Budget | None = None  # a pass that asks a model charges its tokens here
    # lesson id -> sessions of its project started after its newest evidence (capped): how lessons age
    idle: Mapping[str, int] = field(default_factory=dict)
    premises: tuple[PremiseCheck, ...] = ()  # recall's premise checks in the sessions in range
    # (policy name, lesson id, lesson version) of every lesson a rejected change was based on
    declined: frozenset[tuple[str, str, int]] = field(default_factory=frozenset)

    def live(self) -> list[Lesson]:
        """Lessons that may still act or be cleaned up, in a stable order."""
        return sorted((lesson for lesson in self.lessons.values() if lesson.status in LIVE_STATUSES), key=_order)

    def idle_sessions(self, lesson: Lesson) -> int:
        """The work done in its scope since the lesson was last confirmed, in sessions (not days)."""
        return self.idle.get(lesson.id, 0)

    def active(self) -> list[Lesson]:
        return [lesson for lesson in self.live() if lesson.status is LessonStatus.ACTIVE]

    @property
    def stamp(self) -> str:
        return self.now.isoformat(timespec="seconds")

    @property
    def session_ids(self) -> frozenset[str]:
        return frozenset(item.id for item in self.sessions)

    def with_changes(self, changes: Iterable[Change]) -> Snapshot:
        lessons = dict(self.lessons)
        changed = set(self.changed)
        for change in changes:
            for lesson in change.after:
                lessons[lesson.id] = lesson
                changed.add(lesson.id)
        return replace(self, lessons=MappingProxyType(lessons), changed=frozenset(changed))


def build(
    store: Store,
    *,
    version: int,
    session_ids: Sequence[str],
    now: datetime,
    instructions: str = "",
    lessons: Sequence[Lesson] | None = None,
    budget: Budget | None = None,
    premises: Sequence[PremiseCheck] = (),
) -> Snapshot:
    """``lessons`` defaults to the head's live lessons; the runner passes the input version's when the
    head moved between sealing and reading."""
    found = [
        lesson
        for lesson in (lessons if lessons is not None else store.lessons(statuses=LIVE_STATUSES))
        if lesson.status in LIVE_STATUSES
    ]
    slices = tuple(_slice(store, session_id) for session_id in session_ids)
    return Snapshot(
        version=version,
        now=now,
        lessons=MappingProxyType({lesson.id: lesson for lesson in found}),
        sessions=slices,
        instructions=instructions,
        session_projects=MappingProxyType(_projects_of_global_lessons(store, found)),
        budget=budget,
        idle=MappingProxyType({lesson.id: idle_sessions(store, lesson) for lesson in found}),
        premises=tuple(premises),
        declined=declined(store),
    )


def declined(store: Store) -> frozenset[tuple[str, str, int]]:
    """What review rejected, by policy name and the lesson versions the change was based on. Only dreams
    with decisions are opened, so the cost follows what people decided, not how often reverie dreamt."""
    return frozenset(
        (item.change.policy_name, lesson.id, lesson.version)
        for record in store.dreams()
        if record.decided
        for item in store.dream_changes(record.id)
        if item.decision == REJECTED
        for lesson in item.change.before
    )


def _projects_of_global_lessons(store: Store, lessons: Sequence[Lesson]) -> dict[str, str | None]:
    """Where global lessons were learned (for demotion). Global lessons are few, so this stays small."""
    projects: dict[str, str | None] = {}
    for lesson in lessons:
        if lesson.scope.level is ScopeLevel.GLOBAL:
            for session_id in lesson.sessions:
                if session_id not in projects:
                    session = store.session(session_id)
                    projects[session_id] = session.project.key if session and session.project else None
    return projects


def _slice(store: Store, session_id: str) -> SessionSlice:
    session = store.session(session_id)
    calls: dict[str, tuple[str, str, str, str | None, int | None]] = {}
    runs: list[CommandRun] = []
    for event in store.events(session_id):
        command = (event.tool_input or {}).get("command") if event.kind is EventKind.TOOL_CALL else None
        if isinstance(command, str) and event.tool_use_id:
            calls[event.tool_use_id] = (
                command,
                event.timestamp or "",
                event.key,
                event.transcript_path,
                event.transcript_line,
            )
        elif event.kind is EventKind.TOOL_RESULT and event.tool_use_id in calls:
            command, stamp, _, path, line = calls.pop(event.tool_use_id or "")
            runs.append(
                CommandRun(
                    command=command,
                    ok=not event.is_error,
                    timestamp=event.timestamp or stamp,
                    session_id=session_id,
                    event_key=event.key,
                    excerpt=" ".join(event.text.split())[:160],
                    transcript_path=event.transcript_path or path,
                    transcript_line=event.transcript_line or line,
                )
            )
    project = session.project.key if session and session.project else None
    return SessionSlice(
        id=session_id,
        project=project,
        started_at=session.started_at if session else None,
        ended_at=session.ended_at if session else None,
        runs=tuple(runs),
    )


def _order(lesson: Lesson) -> tuple[str, str, str]:
    return (lesson.scope.level.value, lesson.scope.project or "", lesson.id)
