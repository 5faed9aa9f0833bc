"""``reverie promote`` and ``reverie evolve``: a person asks for a stronger lesson; review decides.

Neither command changes a lesson. Each builds one typed change (``promote``: a wider scope; ``evolve``:
a higher level on the force ladder) with the lesson before and after, and hands it to review as a
change-set of its own, the same way a dream's changes arrive. Only ``reverie accept`` applies it, and
only then can ``reverie compile`` act on it (principle 6: proposer is not approver).

The further a change goes, the more evidence it needs; a proposal that lacks it is still recorded, with
the shortfall in its rationale, so the reviewer sees it (the reviewer, not this command, decides).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import Lesson, LessonStatus, Level, Scope, ScopeLevel
from reverie.dream import runner
from reverie.errors import ConfigError, NotFoundError
from reverie.store.protocol import Store

EVOLVE_LEVELS = [Level.RULE.value, Level.HOOK.value, Level.COMMAND.value, Level.SKILL.value, Level.SUBAGENT.value]
PROPOSER = "person (reverie promote/evolve)"
# Distinct sessions of user or observed evidence each level asks for before a reviewer is told it is enough.
SESSIONS_WANTED = {Level.RULE: 1, Level.HOOK: 2, Level.COMMAND: 2, Level.SKILL: 2, Level.SUBAGENT: 3}
GLOBAL_SESSIONS_WANTED = 2
GLOBAL_PROJECTS_NOTE = "it was learned in one project; check that it holds in every project"


@dataclass(frozen=True, slots=True)
class Proposal:
    change: Change
    dream_id: str  # the change-set that review shows it in

    def describe(self) -> str:
        lesson = self.change.before[0]
        after = self.change.after[0]
        what = (
            f"scope {lesson.scope.level.value} -> {after.scope.level.value}"
            if self.change.type is ChangeType.PROMOTE
            else f"level {lesson.level.value} -> {after.level.value}"
        )
        return (
            f"Proposed {self.change.type.value} of {lesson.id} ({what}):"
            f" change {self.change.id} of {self.dream_id}.\n"
            f"  {self.change.rationale}\n"
            f"Nothing changes until a person accepts it: `reverie review {self.dream_id}`, then `reverie accept`."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "dream": self.dream_id,
            "change": self.change.id,
            "type": self.change.type.value,
            "lesson": self.change.before[0].id,
            "content_hash": self.change.content_hash,
            "rationale": self.change.rationale,
            "from": _where(self.change.before[0], self.change.type),
            "to": _where(self.change.after[0], self.change.type),
        }


def _where(lesson: Lesson, kind: ChangeType) -> str:
    return lesson.scope.level.value if kind is ChangeType.PROMOTE else lesson.level.value


def promotion(lesson: Lesson) -> Change:
    if lesson.scope.level is ScopeLevel.GLOBAL:
        raise ConfigError(f"{lesson.id} already applies in every project")
    _usable(lesson)
    after = replace(lesson, scope=Scope(level=ScopeLevel.GLOBAL, agent=lesson.scope.agent), version=lesson.version + 1)
    shortfall = _shortfall(lesson, GLOBAL_SESSIONS_WANTED)
    rationale = f"Requested by a person: apply {lesson.id} in every project; {GLOBAL_PROJECTS_NOTE}.{shortfall}"
    return Change("C1", ChangeType.PROMOTE, rationale, (lesson,), (after,), lesson.evidence, 0.0, PROPOSER)


def evolution(lesson: Lesson, level: Level) -> Change:
    _usable(lesson)
    if _rank(level) <= _rank(lesson.level):
        raise ConfigError(f"{lesson.id} is already at level {lesson.level.value}; evolve climbs the ladder")
    after = replace(lesson, level=level, version=lesson.version + 1)
    shortfall = _shortfall(lesson, SESSIONS_WANTED.get(level, 1))
    rationale = f"Requested by a person: compile {lesson.id} as a {level.value}.{shortfall}"
    return Change("C1", ChangeType.EVOLVE, rationale, (lesson,), (after,), lesson.evidence, 0.0, PROPOSER)


def _usable(lesson: Lesson) -> None:
    if lesson.status is not LessonStatus.ACTIVE:
        raise ConfigError(f"{lesson.id} is {lesson.status.value}; only an active lesson can be promoted or evolved")
    if lesson.scope.level is ScopeLevel.SESSION or not lesson.durable:
        raise ConfigError(f"{lesson.id} is a one-off for its session; it cannot be promoted or evolved")


def _shortfall(lesson: Lesson, wanted: int) -> str:
    seen = max(lesson.confidence.sessions, lesson.confidence.user_statements and 1)
    if seen >= wanted:
        return f" Evidence: {seen} session(s), confidence {lesson.confidence.value:.2f}."
    return (
        f" Thin evidence: {seen} session(s) where {wanted} are asked for at this step"
        f" (confidence {lesson.confidence.value:.2f}); accept only if you are sure."
    )


def _rank(level: Level) -> int:
    return list(Level).index(level)


def find_lesson(store: Store, lesson_id: str) -> Lesson:
    exact = store.lesson(lesson_id)
    if exact is not None:
        return exact
    matches = store.find_lessons(lesson_id)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no lesson starts with {lesson_id!r}; `reverie lessons` lists them")
    raise NotFoundError(f"{lesson_id!r} matches {len(matches)} lessons; give more of the id")


def propose_promotion(store: Store, home: Path, lesson_id: str, to: str, *, reason: str = "") -> Proposal:
    if to != ScopeLevel.GLOBAL.value:
        raise ConfigError(f"promote goes to global, not {to!r}")
    return _submit(store, home, _with_reason(promotion(find_lesson(store, lesson_id)), reason))


def propose_evolution(store: Store, home: Path, lesson_id: str, to: str, *, reason: str = "") -> Proposal:
    return _submit(store, home, _with_reason(evolution(find_lesson(store, lesson_id), Level(to)), reason))


def _with_reason(change: Change, reason: str) -> Change:
    return replace(change, rationale=f"{change.rationale} Reason given: {reason}") if reason.strip() else change


def _submit(store: Store, home: Path, change: Change) -> Proposal:
    """A change-set of one change, recorded the way a dream's is, for review to accept or discard."""
    note = f"{change.type.value} {change.before[0].id}, proposed by a person"
    record = runner.propose(store, home, [change], note=note)
    if record.status != "completed":
        raise ConfigError(f"the proposal could not be recorded: {record.error or record.status}")
    stored = [item.change for item in store.dream_changes(record.id)]
    return Proposal(change=stored[0] if stored else change, dream_id=record.id)
