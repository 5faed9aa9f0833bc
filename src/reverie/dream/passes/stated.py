"""Stated candidates: what the person said once, put to a person to make active.

Distill keeps a lesson from the person's own words as a candidate when the reader was not sure it was
meant to last (a correction without a cue of permanence, said in one session): it is not shown to
agents until a later session says it again. This pass proposes activating such a candidate in review
(``activate.stated``), with the person's words as its evidence, so that accepting it in review is a
real way for a candidate to become active (``reverie recall`` tells the person so).

Proposed: a durable candidate of project or global scope whose evidence includes a statement of the
person (``Basis.USER_STATEMENT``). Not a one-off, not quarantined, not held for a person by the
contradictions pass (a disagreement to settle, not a lesson to switch on), and not one that disagrees
with an active lesson it can meet or with another candidate proposed here: accepting everything must
not leave two active lessons contradicting each other (the gate's ``contradictory_pairs``).

Not twice: a candidate whose activation a person rejected is not proposed again while it is the same
lesson version (``Snapshot.declined``). New evidence makes a new version, which is asked about afresh.

At most ``LIMIT`` per dream, newest statement first: the first dream over a backfilled history asks
about the latest things said instead of burying the reviewer.

It runs last, so no other pass reads these proposals as active lessons (the contradictions pass would
otherwise settle disagreements against a lesson the person may still reject). Every activation
shapes behaviour: it is not in ``LOW_RISK``, so no policy accepts it unattended and an agent session
cannot accept it.
"""

from __future__ import annotations

from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.holds import ACTIVATED, held_since
from reverie.domain.lessons import Basis, Evidence, Lesson, LessonStatus, Level, ScopeLevel
from reverie.dream import wording
from reverie.dream.passes import contradictions, edits
from reverie.dream.snapshot import Snapshot

LIMIT = 15
QUALIFIER = "stated"
POLICY_NAME = f"{ChangeType.ACTIVATE.value}.{QUALIFIER}"


def propose(snapshot: Snapshot) -> list[Change]:
    waiting = sorted(
        (lesson for lesson in snapshot.live() if _waits_for_review(lesson, snapshot)),
        key=lambda lesson: (_said_at(lesson), lesson.id),
        reverse=True,
    )
    acting = snapshot.active()
    chosen: list[Lesson] = []
    for lesson in waiting:
        if len(chosen) == LIMIT:
            break
        if not any(_disagree(lesson, other) for other in (*acting, *chosen)):
            chosen.append(lesson)
    return [_activate(lesson) for lesson in chosen]


def _waits_for_review(lesson: Lesson, snapshot: Snapshot) -> bool:
    return (
        lesson.status is LessonStatus.CANDIDATE
        and lesson.id not in snapshot.changed
        and lesson.durable
        and lesson.scope.level in (ScopeLevel.PROJECT, ScopeLevel.GLOBAL)
        and lesson.superseded_by is None
        and not (lesson.valid_to and lesson.valid_to <= snapshot.stamp)
        and held_since(lesson) is None
        and bool(_statements(lesson))
        and (POLICY_NAME, lesson.id, lesson.version) not in snapshot.declined
    )


def _statements(lesson: Lesson) -> list[Evidence]:
    """The person's own words for it, newest first."""
    said = [e for e in lesson.evidence if e.basis is Basis.USER_STATEMENT]
    return sorted(said, key=lambda e: e.timestamp or "", reverse=True)


def _said_at(lesson: Lesson) -> str:
    return _statements(lesson)[0].timestamp or ""


def _disagree(lesson: Lesson, other: Lesson) -> bool:
    global_ = ScopeLevel.GLOBAL in (lesson.scope.level, other.scope.level)
    if not global_ and lesson.scope.project != other.scope.project:
        return False  # two projects' lessons never apply together
    return contradictions.contradicts(lesson, other, wording.read(lesson), wording.read(other))


def _activate(lesson: Lesson) -> Change:
    said = _statements(lesson)
    activated = replace(
        lesson,
        status=LessonStatus.ACTIVE,
        level=Level.INSTINCT,
        uncertainty=ACTIVATED + f"said {len(said)} time(s) in {len(lesson.sessions)} session(s)",
    )
    when = (said[0].timestamp or "")[:10] or "an earlier session"
    times = "once" if len(said) == 1 else f"{len(said)} times in one session"
    return Change(
        id="",
        type=ChangeType.ACTIVATE,
        rationale=f'"{lesson.statement}" ({lesson.scope.describe()}): the person said it {times} ({when}) and the '
        "reader was not sure it was meant to last, so it waits as a candidate that agents are not shown. "
        "Accept to make it active now; reject to leave it a candidate (saying it again in a later session "
        "still makes it active).",
        before=(lesson,),
        after=(activated,),
        evidence=tuple(said[:3]),
        confidence_delta=edits.delta((lesson,), (activated,)),
        proposed_by="stated",
        qualifier=QUALIFIER,
    )
