"""The typed change-set: every difference a dream proposes between its input store and its output.

A dream never edits lessons. Each of its passes returns ``Change`` values, and review decides which
of them become part of the accepted store. One change is one named operation:

    add                a new lesson
    merge              near-duplicates folded into one survivor; the others retire into it
    supersede          the newer statement wins; the older one keeps its validity interval
    split              one lesson that says two things becomes two
    demote             narrower scope (global -> project), for a lesson that misfires somewhere
    retire             stale, decayed or expired: a tombstone with the reason
    quarantine         kept for review only; never acts
    promote            wider scope (project -> global)
    evolve             a step up the force ladder (instinct -> rule -> hook, or -> command, skill)
    flag_contradiction contradictory lessons that code cannot order: held as candidates for a person
    activate           a candidate starts to act: the person said it once and the reader was not sure
                       it was meant to last (``activate.stated``); always a person's decision

Every change carries its ``before`` (the lessons as the input store had them), its ``after`` (the
same ids as they would be, plus any new ones), a rationale, the evidence that justifies it and the
confidence delta. ``content_hash`` is what an approval binds to: it covers exactly what the change
does and says, so a change edited after review hashes differently and needs a new approval.

``policy_name`` is the finer name a policy file may auto-accept (``merge.exact``, ``retire.expired``);
``shapes_behaviour`` says whether accepting it changes what may act on an agent (recall's injection,
compiled artifacts). Only changes that do not shape behaviour are ever low-risk.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from reverie.domain.lessons import Evidence, Lesson, LessonStatus


class ChangeType(StrEnum):
    ADD = "add"
    MERGE = "merge"
    SUPERSEDE = "supersede"
    SPLIT = "split"
    DEMOTE = "demote"
    RETIRE = "retire"
    QUARANTINE = "quarantine"
    PROMOTE = "promote"
    EVOLVE = "evolve"
    FLAG_CONTRADICTION = "flag_contradiction"
    ACTIVATE = "activate"


# The decisions review records on a change (``StoredChange.decision``); undecided is None.
ACCEPTED = "accepted"
REJECTED = "rejected"

# The only names a policy file may auto-accept: none of them changes what acts on an agent.
LOW_RISK = frozenset(
    {
        "merge.exact",  # the survivor says word for word what the retired copies said
        "retire.expired",  # a one-off or candidate whose validity has ended
        "retire.unconfirmed",  # a single-session candidate nobody confirmed
    }
)


@dataclass(frozen=True, slots=True)
class Change:
    id: str  # "C1", "C2", ... in the order the passes proposed them
    type: ChangeType
    rationale: str
    before: tuple[Lesson, ...]
    after: tuple[Lesson, ...]
    evidence: tuple[Evidence, ...] = ()
    confidence_delta: float = 0.0
    proposed_by: str = ""  # the pass
    qualifier: str = ""  # "exact", "expired", ...: makes ``policy_name``

    @property
    def policy_name(self) -> str:
        return f"{self.type.value}.{self.qualifier}" if self.qualifier else self.type.value

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(b.id for b in self.before), *(a.id for a in self.after)]))

    @property
    def shapes_behaviour(self) -> bool:
        """Whether accepting it changes what may act on an agent: the set of things active lessons say
        (wording up to case and punctuation, kind, scope, level) differs before and after. Retiring a
        word-for-word copy, or anything that is not active, does not."""
        after = {lesson.id: lesson for lesson in self.before} | {lesson.id: lesson for lesson in self.after}
        return _acting(self.before) != _acting(tuple(after.values()))

    @property
    def content_hash(self) -> str:
        return change_hash(self)


def _acting(lessons: tuple[Lesson, ...]) -> frozenset[tuple[object, ...]]:
    return frozenset(
        (plain_words(lesson.statement), lesson.kind, lesson.scope, lesson.level, lesson.trigger)
        for lesson in lessons
        if lesson.status is LessonStatus.ACTIVE
    )


def plain_words(text: str) -> str:
    """Case, punctuation and spacing removed: what "word for word the same" means here."""
    return " ".join("".join(char if char.isalnum() else " " for char in text.casefold()).split())


def lesson_state(lesson: Lesson) -> dict[str, object]:
    """What a change says about one lesson: its meaning and everything that decides whether it acts."""
    return {
        "id": lesson.id,
        "meaning": lesson.content_hash,
        "status": lesson.status.value,
        "valid_to": lesson.valid_to,
        "supersedes": lesson.supersedes,
        "superseded_by": lesson.superseded_by,
        "evidence": sorted(f"{e.event_key}\x1f{e.role}" for e in lesson.evidence),
    }


def change_hash(change: Change) -> str:
    body = {
        "type": change.type.value,
        "qualifier": change.qualifier,
        "rationale": change.rationale,
        "before": [lesson_state(lesson) | {"version": lesson.version} for lesson in change.before],
        "after": [lesson_state(lesson) for lesson in change.after],
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def state_hash(lesson: Lesson) -> str:
    """The part of a lesson a change is based on: if this moved since the dream, the change is stale."""
    state = {"meaning": lesson.content_hash, "status": lesson.status.value, "superseded_by": lesson.superseded_by}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
