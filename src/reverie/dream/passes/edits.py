"""Lesson edits the passes share: every one returns a new ``Lesson`` value, never touches a store.

Confidence is recomputed with distill's documented formula (``reverie.domain.confidence``,
docs/confidence.md), so a merged lesson is scored exactly as if distill had seen all its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reverie.domain import confidence
from reverie.domain.events import Origin
from reverie.domain.holds import HELD
from reverie.domain.lessons import Basis, Evidence, Lesson, LessonStatus, Level
from reverie.dream.snapshot import CommandRun, Snapshot

BASIS_RANK = {Basis.USER_STATEMENT: 0, Basis.OBSERVED: 1, Basis.AGENT_CLAIM: 2, Basis.TOOL_TEXT: 3}


def retire(lesson: Lesson, reason: str, *, at: str, superseded_by: str | None = None) -> Lesson:
    """A tombstone: the lesson keeps its evidence and its validity ends at ``at``."""
    return replace(
        lesson,
        status=LessonStatus.RETIRED,
        level=Level.MEMORY,
        valid_to=lesson.valid_to if lesson.valid_to and lesson.valid_to < at else at,
        superseded_by=superseded_by,
        uncertainty=reason,
    )


def hold(lesson: Lesson, reason: str) -> Lesson:
    """Back to candidate: kept, but it no longer acts until a person decides, in review or by saying
    it again (distill keeps the hold against anything else: ``contradiction.held_since``)."""
    return replace(lesson, status=LessonStatus.CANDIDATE, level=Level.MEMORY, uncertainty=HELD + reason)


def union(first: Iterable[Evidence], second: Iterable[Evidence]) -> tuple[Evidence, ...]:
    merged: dict[tuple[str, str], Evidence] = {}
    for item in (*first, *second):
        merged.setdefault((item.event_key, item.role), item)
    return tuple(merged.values())


def rescore(lesson: Lesson, snapshot: Snapshot, *, contradictions: int | None = None) -> Lesson:
    scored = confidence.score(
        lesson.evidence,
        outcomes=lesson.confidence.outcomes,
        contradictions=lesson.confidence.contradictions if contradictions is None else contradictions,
        now=snapshot.now,
        idle_sessions=snapshot.idle_sessions(lesson),
    )
    return replace(lesson, confidence=scored)


def strength(lesson: Lesson) -> int:
    """The strongest basis, as a rank: 0 is a user's own statement."""
    return min((BASIS_RANK[e.basis] for e in lesson.evidence), default=len(BASIS_RANK))


def newest(lesson: Lesson) -> str:
    """When the lesson was last said or seen to hold, by its most trusted evidence."""
    trusted = [e.timestamp for e in lesson.evidence if e.timestamp and BASIS_RANK[e.basis] <= 1]
    return max(trusted or [e.timestamp for e in lesson.evidence if e.timestamp] or [lesson.valid_from or ""])


def run_evidence(run: CommandRun, *, role: str, origin: Origin, excerpt: str) -> Evidence:
    """A shell run from the trace as evidence for a change, with its session and transcript line."""
    return Evidence(
        event_key=run.event_key,
        session_id=run.session_id,
        origin=origin,
        basis=Basis.OBSERVED,
        role=role,
        excerpt=excerpt[:240],
        timestamp=run.timestamp,
        transcript_path=run.transcript_path,
        transcript_line=run.transcript_line,
    )


def excerpts(lessons: Iterable[Lesson], limit: int = 4) -> tuple[Evidence, ...]:
    """The evidence to show a reviewer: user statements and observed outcomes first, newest first."""
    items = union((), (e for lesson in lessons for e in lesson.evidence))
    ranked = sorted(items, key=lambda e: (BASIS_RANK[e.basis], _negated(e.timestamp or "")))
    return tuple(ranked[:limit])


def _negated(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in stamp)


def delta(before: Iterable[Lesson], after: Iterable[Lesson]) -> float:
    """How much confidence acts after the change minus before: active lessons only."""

    def acting(lessons: Iterable[Lesson]) -> float:
        return sum(lesson.confidence.value for lesson in lessons if lesson.status is LessonStatus.ACTIVE)

    before = list(before)
    after_ids = {lesson.id for lesson in after}
    after_all = [*after, *(lesson for lesson in before if lesson.id not in after_ids)]
    return round(acting(after_all) - acting(before), 3)
