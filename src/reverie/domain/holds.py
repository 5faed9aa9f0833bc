"""What distill and the dream both read off a lesson: whether a dream held it for a person, whether its
evidence rests on runs of other commands, how new its evidence is and how much work went by since.

They live here, not in ``reverie.distill.contradiction``, because the dream must not import distill:
both stages read the same lesson the same way through the shared vocabulary.
"""

from __future__ import annotations

from typing import Protocol

from reverie.domain.confidence import ACTIVITY_CAP
from reverie.domain.lessons import Basis, Lesson, LessonStatus, ScopeLevel

HELD = "held for a person: "  # how a lesson that the dream's contradictions pass held starts its note
# how a candidate that a person made active in review (the dream's ``stated`` pass) starts its note
ACTIVATED = "made active in review: "


def held_since(lesson: Lesson | None) -> str | None:
    """When an accepted dream held this lesson as a candidate for a person to settle (it disagrees
    with another and code cannot order them), or None. Distill keeps the hold until the person
    speaks again: more of the same behaviour does not settle what the person has to."""
    if lesson is None or lesson.status is not LessonStatus.CANDIDATE or not (lesson.uncertainty or "").startswith(HELD):
        return None
    # a version distill has just put together has no recording time yet: the hold came after the evidence it weighed
    return lesson.recorded_at or newest(lesson)


def activated_in_review(lesson: Lesson | None) -> bool:
    """A person accepted this candidate's activation in review: more evidence that would not earn
    activation alone (an agent's claim, a later sighting) must not turn it back into a candidate."""
    return (
        lesson is not None and lesson.status is LessonStatus.ACTIVE and (lesson.uncertainty or "").startswith(ACTIVATED)
    )


def ran_something_else(lesson: Lesson, command: str) -> bool:
    """``lesson`` rests on runs of commands, none of them ``command``. A fact read from
    `TEST_DATABASE_URL=... make test-integration` working is filed under `make test-integration`
    (variables are not part of its signature); it is not evidence for the plain command that "use
    `TEST_DATABASE_URL=... make test-integration`, not `make test-integration`" warns against, so it
    does not contradict that lesson: it confirms it."""
    wanted = command.lower().split()
    ran = [e.excerpt.lower().split() for e in lesson.evidence if e.role == "command" and e.excerpt]
    return bool(wanted) and bool(ran) and not any(words[: len(wanted)] == wanted for words in ran)


class SessionCounter(Protocol):
    """The one store question ``idle_sessions`` asks (``Store.sessions_started_after``)."""

    def sessions_started_after(self, since: str, *, project: str | None = None, limit: int | None = None) -> int: ...


def newest(lesson: Lesson) -> str:
    """The time of the lesson's newest trusted evidence (a person's words, observed behaviour), else of
    its newest evidence of any kind; "" when it has none."""
    trusted = [e.timestamp for e in lesson.evidence if e.timestamp and e.basis in _TRUSTED]
    return max(trusted or [e.timestamp for e in lesson.evidence if e.timestamp] or [""])


def idle_sessions(store: SessionCounter, lesson: Lesson) -> int:
    """Sessions of the lesson's project (of any project, for a global lesson) that started after its
    newest evidence: how much work went by without confirming it. A session-scoped lesson lives and
    ends with its session, so it never idles."""
    since = newest(lesson)
    if not since or lesson.scope.level is ScopeLevel.SESSION:
        return 0
    project = lesson.scope.project if lesson.scope.level is ScopeLevel.PROJECT else None
    return store.sessions_started_after(since, project=project, limit=ACTIVITY_CAP)


_TRUSTED = (Basis.USER_STATEMENT, Basis.OBSERVED)
