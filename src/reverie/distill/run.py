"""The distill pass: every session with events not yet distilled, one transaction each.

For each pending session: build its ``SessionView``, run every extractor, pass each observation
through the guards, fold them in time order into lessons (``merge.Ledger``) and write the new
lesson versions, the observations and the session's progress in one transaction. A session either
contributes all of its lessons or none. When every pending session succeeded, the watermark moves
past them, so the next run reads only events that arrived since: its cost follows new sessions,
not history.

An extractor that raises marks its session as failed in the report (with the error); the session
stays pending and is retried next time, and the other sessions go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from reverie.distill import canonical, commands, guards, hazards
from reverie.distill.extractor import Extractor
from reverie.distill.merge import Ledger
from reverie.distill.registry import EXTRACTORS
from reverie.distill.session_view import SessionView
from reverie.distill.statements import MAX_ANALYSED_CHARS
from reverie.domain.lessons import Basis, Lesson, LessonStatus, Observation
from reverie.domain.sessions import Session
from reverie.store import DistillProgress, LessonBatch, PendingSession, Store


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    session_id: str
    events: int
    observations: int
    lessons: tuple[Lesson, ...]  # the versions written for this session
    outcome: str
    failed: bool = False


@dataclass(frozen=True, slots=True)
class DistillReport:
    sessions: tuple[SessionOutcome, ...]

    @property
    def events(self) -> int:
        return sum(s.events for s in self.sessions)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        latest: dict[str, Lesson] = {}
        for outcome in self.sessions:
            for lesson in outcome.lessons:
                latest[lesson.id] = lesson
        return tuple(latest.values())

    @property
    def failures(self) -> tuple[SessionOutcome, ...]:
        return tuple(s for s in self.sessions if s.failed)


def distill(
    store: Store,
    *,
    extractors: Sequence[Extractor] = EXTRACTORS,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DistillReport:
    """Distill every session with new events. ``now`` fixes the clock (confidence recency);
    ``progress(done, total)`` is called after each session (the CLI draws a bar from it)."""
    moment = now or datetime.now(UTC)
    pending = store.pending_sessions()
    done: list[SessionOutcome] = []
    for item in pending:
        done.append(distill_session(store, item, extractors=extractors, now=moment))
        if progress is not None:
            progress(len(done), len(pending))
    outcomes = tuple(done)
    if pending and not any(o.failed for o in outcomes):
        store.write_lessons(LessonBatch(watermark=max(item.through_seq for item in pending)))
    return DistillReport(sessions=outcomes)


def distill_session(
    store: Store, pending: PendingSession, *, extractors: Sequence[Extractor], now: datetime
) -> SessionOutcome:
    session = store.session(pending.session_id) or Session(id=pending.session_id, agent="unknown")
    events = store.events(session.id)
    try:
        view = SessionView.build(session, events)
        observations = _observe(view, extractors)
        ledger = Ledger(store=store, now=now)
        for observation in observations:
            ledger.fold(observation)
        ledger.clear_failures(_worked(view), view.project)
        batch = ledger.batch()
    except Exception as error:  # an extractor bug must not stop the other sessions; it is reported
        return SessionOutcome(session.id, len(events), 0, (), f"failed: {type(error).__name__}: {error}", failed=True)
    outcome = _describe(view, observations, batch.lessons)
    progress = DistillProgress(
        session_id=session.id,
        through_seq=pending.through_seq,
        events=len(events),
        observations=len(observations),
        lessons=len(batch.lessons),
        outcome=outcome,
    )
    store.write_lessons(LessonBatch(lessons=batch.lessons, observations=batch.observations, progress=progress))
    return SessionOutcome(session.id, len(events), len(observations), tuple(batch.lessons), outcome)


def _worked(view: SessionView) -> dict[str, str]:
    """The outcome topics that this session's clean runs answer, with the last time each ran clean:
    the exact invocation and its program (hazards), its signature (abandoned approaches)."""
    worked: dict[str, str] = {}
    for action in view.shell_runs():
        if not (action.ok and action.result is not None and action.result.timestamp):
            continue
        main = commands.main_segment(action.command or "")
        topics = (
            hazards.outcome_topic(canonical.key_of(action.command or "")),
            hazards.outcome_topic(main[0].rsplit("/", 1)[-1] if main else ""),
            hazards.abandoned_topic(commands.signature(main)),
        )
        for topic in topics:
            if not topic.endswith(":"):
                worked[topic] = max(worked.get(topic, ""), action.result.timestamp)
    return worked


def _observe(view: SessionView, extractors: Sequence[Extractor]) -> list[Observation]:
    found = [admitted for extractor in extractors for o in extractor.extract(view) if (admitted := guards.admit(o))]
    return sorted(_claims_in_scope(found), key=lambda o: o.timestamp)


def _claims_in_scope(found: list[Observation]) -> list[Observation]:
    """An agent's claim (a compaction summary's "`python3` instead of `python`") adds to what the
    session showed under the same key, in the scope that showed it: a program this machine lacks is the
    machine's, not the project's (``command_fixes``)."""
    shown = {o.key: o.scope for o in found if any(e.basis is not Basis.AGENT_CLAIM for e in o.evidence)}
    return [
        replace(o, scope=shown[o.key])
        if o.key in shown and all(e.basis is Basis.AGENT_CLAIM for e in o.evidence)
        else o
        for o in found
    ]


def _describe(view: SessionView, observations: Sequence[Observation], lessons: Sequence[Lesson]) -> str:
    notes: list[str] = []
    if not view.events:
        notes.append("no events")
    elif not view.prompts:
        notes.append("no typed prompts")
    long_prompts = [p for p in view.prompts if len(p.text) > MAX_ANALYSED_CHARS]
    if long_prompts:
        longest = max(len(p.text) for p in long_prompts)
        notes.append(f"a prompt of {longest:,} characters: only its first {MAX_ANALYSED_CHARS:,} were read")
    superseded = sum(1 for lesson in lessons if lesson.status is LessonStatus.RETIRED and lesson.superseded_by)
    if superseded:
        notes.append(f"{superseded} superseded")
    notes.insert(0, f"{len(lessons)} lesson change(s) from {len(observations)} observation(s)")
    return "; ".join(notes)
