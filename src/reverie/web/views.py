"""Lessons and changes shaped for the templates: field-by-field diffs and what a change does to the
agent's context. Pure functions of domain objects; the templates only lay them out."""

from __future__ import annotations

from dataclasses import dataclass

from reverie.domain.changes import Change
from reverie.domain.lessons import Lesson, LessonStatus, Level

# Levels at which a lesson acts as more than context: written into files the agent loads, or enforced.
_COMPILED = frozenset({Level.RULE, Level.HOOK, Level.COMMAND, Level.SKILL, Level.SUBAGENT})


@dataclass(frozen=True, slots=True)
class Row:
    field: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class LessonDiff:
    lesson_id: str
    statement: str
    rows: tuple[Row, ...]
    effect: str  # what accepting does to the agent's context, in one sentence

    @property
    def changed_rows(self) -> int:
        return sum(row.changed for row in self.rows)


def fields(lesson: Lesson | None) -> dict[str, str]:
    if lesson is None:
        return {}
    trigger = lesson.trigger
    parts = [
        *(f"tool {t}" for t in trigger.tools),
        *(f"command {c}" for c in trigger.commands),
        *(f"path {p}" for p in trigger.paths),
        *(f"keyword {k}" for k in trigger.keywords),
    ]
    return {
        "statement": lesson.statement,
        "status": lesson.status.value,
        "kind": lesson.kind.value,
        "scope": lesson.scope.describe(),
        "level": lesson.level.value,
        "trigger": ", ".join(parts) or "whenever its scope applies",
        "confidence": f"{lesson.confidence.value:.2f}",
        "valid": f"{(lesson.valid_from or '')[:10]} to {(lesson.valid_to or '')[:10] or 'open'}",
        "superseded by": lesson.superseded_by or "",
        "evidence": f"{len(lesson.evidence)} item(s) from {len(lesson.sessions)} session(s)",
    }


def change_diffs(change: Change) -> list[LessonDiff]:
    """One diff per lesson the change touches: before (the dream's input) against after."""
    before = {lesson.id: lesson for lesson in change.before}
    after = {lesson.id: lesson for lesson in change.after}
    diffs = []
    for lesson_id in dict.fromkeys([*before, *after]):
        old, new = fields(before.get(lesson_id)), fields(after.get(lesson_id))
        names = list(dict.fromkeys([*old, *new]))
        rows = tuple(Row(name, old.get(name, ""), new.get(name, "")) for name in names)
        shown = after.get(lesson_id) or before[lesson_id]
        diffs.append(LessonDiff(lesson_id, shown.statement, rows, effect(before.get(lesson_id), after.get(lesson_id))))
    return diffs


def effect(before: Lesson | None, after: Lesson | None) -> str:
    was, will = _acting(before), _acting(after)
    if after is None:
        return "No longer in the store version this change writes."
    if not was and will:
        return "Starts to reach the agent: recall injects it" + _where(after) + _force(after) + "."
    if was and not will:
        return f"Stops reaching the agent (it becomes {after.status.value})."
    if was and will and before is not None:
        if before.level != after.level:
            compiled = " (compiled into files the agent loads by `reverie compile`)" if after.level in _COMPILED else ""
            return f"Still reaches the agent, with more force: {before.level.value} -> {after.level.value}{compiled}."
        if before.scope != after.scope:
            return f"Still reaches the agent, now in {after.scope.describe()} (was {before.scope.describe()})."
        if before.statement != after.statement:
            return "Still reaches the agent, in the new wording."
        return "Still reaches the agent as before; only its record changes."
    return "Does not reach the agent before or after (kept for review and evidence only)."


def _acting(lesson: Lesson | None) -> bool:
    return lesson is not None and lesson.status is LessonStatus.ACTIVE


def _where(lesson: Lesson) -> str:
    return f" in {lesson.scope.describe()}"


def _force(lesson: Lesson) -> str:
    return f", at level {lesson.level.value}" if lesson.level in _COMPILED else ""
