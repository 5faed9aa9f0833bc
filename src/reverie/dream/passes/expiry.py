"""False persistence: what was never meant to last leaves the store.

* A one-off ("just this once", "for now") or session-scoped lesson whose validity has ended is
  retired (``retire.expired``).
* A candidate seen in a single session and not confirmed by any of the ``UNCONFIRMED_SESSIONS``
  sessions of its project that followed it is retired (``retire.unconfirmed``): it was never active,
  so nothing an agent sees changes. Not when the person said it: a command seen once and never run
  again has lapsed, but "the API is REST only" said once is no less true for not being said again.
  Those wait for a review (or a later statement that supersedes them).

"Unconfirmed" counts work, not days (``Snapshot.idle``): a project nobody opened for a year keeps
its candidates, and a year of transcripts imported at once is not a year of silence.

Both are low-risk when the lesson was not active; an active one-off that outlived its validity is
still retired, but that change shapes behaviour and needs a person.
"""

from __future__ import annotations

from reverie.domain.changes import Change, ChangeType
from reverie.domain.confidence import parse_time
from reverie.domain.lessons import Basis, Lesson, LessonStatus, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import Snapshot

UNCONFIRMED_SESSIONS = 20


def propose(snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    for lesson in snapshot.live():
        if lesson.id in snapshot.changed or lesson.status is LessonStatus.QUARANTINED:
            continue
        if _expired(lesson, snapshot):
            changes.append(_retire(lesson, "expired", f"a one-off valid until {lesson.valid_to}", snapshot))
        elif lesson.status is LessonStatus.CANDIDATE and len(lesson.sessions) <= 1 and _unconfirmed(lesson, snapshot):
            idle = snapshot.idle_sessions(lesson)
            why = f"seen in one session and not confirmed by the {idle} session(s) of its project since"
            changes.append(_retire(lesson, "unconfirmed", why, snapshot))
    return changes


def _expired(lesson: Lesson, snapshot: Snapshot) -> bool:
    if lesson.durable and lesson.scope.level is not ScopeLevel.SESSION:
        return False
    end = parse_time(lesson.valid_to) if lesson.valid_to else None
    if end is None:
        # a session-scoped lesson without an end lasts as long as its session: over once it is past.
        return lesson.scope.level is ScopeLevel.SESSION and lesson.scope.session not in snapshot.session_ids
    return end <= snapshot.now


def _unconfirmed(lesson: Lesson, snapshot: Snapshot) -> bool:
    if any(evidence.basis is Basis.USER_STATEMENT for evidence in lesson.evidence):
        return False  # the person's own words do not lapse for silence
    return bool(edits.newest(lesson)) and snapshot.idle_sessions(lesson) >= UNCONFIRMED_SESSIONS


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
