"""False persistence: what was never meant to last leaves the store.

* A one-off ("just this once", "for now") or session-scoped lesson whose validity has ended is
  retired (``retire.expired``).
* A candidate seen in a single session and never confirmed for ``UNCONFIRMED_DAYS`` is retired
  (``retire.unconfirmed``): it was never active, so nothing an agent sees changes.

Both are low-risk when the lesson was not active; an active one-off that outlived its validity is
still retired, but that change shapes behaviour and needs a person.
"""

from __future__ import annotations

from datetime import timedelta

from reverie.distill.confidence import parse_time
from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import Lesson, LessonStatus, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import Snapshot

UNCONFIRMED_DAYS = 30


def propose(snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    horizon = (snapshot.now - timedelta(days=UNCONFIRMED_DAYS)).isoformat(timespec="seconds")
    for lesson in snapshot.live():
        if lesson.id in snapshot.changed or lesson.status is LessonStatus.QUARANTINED:
            continue
        if _expired(lesson, snapshot):
            changes.append(_retire(lesson, "expired", f"a one-off valid until {lesson.valid_to}", snapshot))
        elif lesson.status is LessonStatus.CANDIDATE and len(lesson.sessions) <= 1 and _older(lesson, horizon):
            age = f"seen in one session, not confirmed for over {UNCONFIRMED_DAYS} days"
            changes.append(_retire(lesson, "unconfirmed", age, snapshot))
    return changes


def _expired(lesson: Lesson, snapshot: Snapshot) -> bool:
    if lesson.durable and lesson.scope.level is not ScopeLevel.SESSION:
        return False
    end = parse_time(lesson.valid_to) if lesson.valid_to else None
    if end is None:
        # a session-scoped lesson without an end lasts as long as its session: over once it is past.
        return lesson.scope.level is ScopeLevel.SESSION and lesson.scope.session not in snapshot.session_ids
    return end <= snapshot.now


def _older(lesson: Lesson, horizon: str) -> bool:
    newest = edits.newest(lesson)
    return bool(newest) and newest < horizon


def _retire(lesson: Lesson, qualifier: str, why: str, snapshot: Snapshot) -> Change:
    retired = edits.retire(lesson, f"expired: {why}", at=snapshot.stamp)
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" ({lesson.status.value}) is {why}: it should not persist.',
        before=(lesson,),
        after=(retired,),
        evidence=edits.excerpts((lesson,), limit=2),
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="expiry",
        qualifier=qualifier,
    )
