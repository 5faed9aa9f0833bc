"""Contradictions: two active lessons that cannot both hold never stay both active.

Two active lessons in the same scope contradict when they are on one topic with different stances,
when one recommends what the other advises against (one names the other whole; not when the one
rests on runs of other commands than the one warned against, ``distill.contradiction``), or when they say
the same thing (``wording``) with opposite polarity ("always squash" / "never squash").

* **Ordered in time**: the lesson whose trusted evidence is newer supersedes the older one if its
  evidence is at least as strong (a person's statement beats an agent's behaviour). The older one is
  retired with ``superseded_by`` and keeps its validity interval, which now ends where the newer
  evidence begins.
* **Otherwise** (same moment, or the newer one rests on weaker evidence) code does not decide: a
  ``flag_contradiction`` holds the weaker side (or both, when neither is weaker) as candidates, so
  nothing contradictory acts, and the person settles it by saying which holds (``reverie remember``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.holds import ran_something_else
from reverie.domain.lessons import Lesson, LessonStatus
from reverie.dream import wording
from reverie.dream.passes import edits
from reverie.dream.snapshot import Snapshot


def propose(snapshot: Snapshot) -> list[Change]:
    state = {lesson.id: lesson for lesson in snapshot.active()}
    words = {identifier: wording.read(lesson) for identifier, lesson in state.items()}
    by_scope: dict[object, list[str]] = defaultdict(list)
    for identifier, lesson in state.items():
        by_scope[(lesson.scope.level, lesson.scope.project, lesson.scope.session, lesson.scope.agent)].append(
            identifier
        )
    changes: list[Change] = []
    for members in by_scope.values():
        ordered = sorted(members, key=lambda i: (edits.newest(state[i]), i), reverse=True)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                a, b = state[first], state[second]
                both_active = a.status is LessonStatus.ACTIVE and b.status is LessonStatus.ACTIVE
                if both_active and contradicts(a, b, words[first], words[second]):
                    change = _resolve(a, b, snapshot)
                    state.update({lesson.id: lesson for lesson in change.after})
                    changes.append(change)
    return changes


def contradicts(first: Lesson, second: Lesson, a: wording.Wording, b: wording.Wording) -> bool:
    if first.topic and first.topic == second.topic and first.stance != second.stance:
        return True
    if names(first.against, wording.stance(second)) and not ran_something_else(second, first.against):
        return True
    if names(wording.stance(first), second.against) and not ran_something_else(first, second.against):
        return True
    if (
        wording.stance(first)
        or wording.stance(second)
        or a.polarity == b.polarity
        or (a.code and b.code and a.code != b.code)
    ):
        return False
    return bool(a.core) and a.core == b.core


def names(first: str, second: str) -> bool:
    """One names the other whole, word for word ("npx jest" and "npx jest --ci")."""
    if not first or not second:
        return False
    x, y = set(first.lower().split()), set(second.lower().split())
    return x <= y or y <= x


def _resolve(newer: Lesson, older: Lesson, snapshot: Snapshot) -> Change:
    """``newer`` has the newer (or equal) evidence: ordered by the caller."""
    ordered = edits.newest(newer) > edits.newest(older)
    if ordered and edits.strength(newer) <= edits.strength(older):
        return _supersede(newer, older, snapshot)
    held: tuple[Lesson, ...]
    if ordered:
        held = (edits.hold(newer, f"contradicts {older.id}, which rests on stronger evidence"),)
        why = (
            f"{newer.id} is newer but rests on weaker evidence than {older.id}: code does not let it win. "
            f"{newer.id} is held as a candidate until a person says which holds."
        )
    else:
        reason = "contradicts {}; their evidence is not ordered in time"
        held = (edits.hold(newer, reason.format(older.id)), edits.hold(older, reason.format(newer.id)))
        why = f"{newer.id} and {older.id} disagree and neither is newer: both are held as candidates."
    return Change(
        id="",
        type=ChangeType.FLAG_CONTRADICTION,
        rationale=f'"{newer.statement}" vs "{older.statement}". {why}',
        before=(newer, older),
        after=held,
        evidence=edits.excerpts((newer, older)),
        confidence_delta=edits.delta((newer, older), held),
        proposed_by="contradictions",
    )


def _supersede(newer: Lesson, older: Lesson, snapshot: Snapshot) -> Change:
    since = edits.newest(newer)
    retired = edits.rescore(
        edits.retire(older, f"superseded by {newer.id}", at=since or snapshot.stamp, superseded_by=newer.id),
        snapshot,
        contradictions=older.confidence.contradictions + 1,
    )
    winner = replace(newer, supersedes=older.id)
    return Change(
        id="",
        type=ChangeType.SUPERSEDE,
        rationale=f'"{newer.statement}" ({newer.id}, evidence from {since[:10] or "?"}) is newer than '
        f'"{older.statement}" ({older.id}, {edits.newest(older)[:10] or "?"}) and rests on evidence at least as '
        f"strong: it supersedes it. {older.id} stays on record, valid until {since[:10] or 'now'}.",
        before=(newer, older),
        after=(winner, retired),
        evidence=edits.excerpts((newer, older)),
        confidence_delta=edits.delta((newer, older), (winner, retired)),
        proposed_by="contradictions",
    )
