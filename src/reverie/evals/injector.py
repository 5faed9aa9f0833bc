"""The default injection policy, used until recall exists: a budgeted session-start digest.

Every active lesson whose scope applies to the session's project (project lessons of that project,
global lessons, session lessons of that very session), highest confidence first, then the most
recently valid, added while the running total stays within the token budget (default 1,000, the
figure issue 6 names for the session-start digest). A lesson is injected whole or not at all.

Tokens are estimated as one per four characters (plus one for the bullet), the usual rule of thumb
for English and code; the same estimate is used for every memory, so comparisons stay fair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reverie.evals.protocols import EvalLesson, Injection, InjectionRequest

DEFAULT_BUDGET = 1_000


def estimate_tokens(text: str) -> int:
    return (len(text) + 3) // 4 + 1


@dataclass(frozen=True, slots=True)
class DigestInjector:
    budget: int = DEFAULT_BUDGET

    def inject(self, lessons: Sequence[EvalLesson], request: InjectionRequest) -> Injection:
        candidates = [
            lesson
            for lesson in lessons
            if lesson.active
            and lesson.applies_to(request.project, request.session_id)
            and _valid_at(lesson, request.started_at)
        ]
        candidates.sort(key=lambda lesson: (-lesson.confidence, _negated_time(lesson.valid_from), lesson.id))
        chosen: list[EvalLesson] = []
        costs: list[int] = []
        total = 0
        for lesson in candidates:
            cost = estimate_tokens(lesson.statement)
            if total + cost > self.budget:
                continue  # a shorter lesson further down may still fit
            chosen.append(lesson)
            costs.append(cost)
            total += cost
        return Injection(lessons=tuple(chosen), tokens=total, tokens_by_lesson=tuple(costs))


def _valid_at(lesson: EvalLesson, when: str) -> bool:
    return lesson.valid_to is None or not when or when < lesson.valid_to


def _negated_time(when: str | None) -> tuple[int, ...]:
    """Sort key that puts later times first (ISO strings compare in time order)."""
    return tuple(-ord(c) for c in when) if when else (1,)
