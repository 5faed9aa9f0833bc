"""Hand-built ground truth and lessons for the metric tests."""

from __future__ import annotations

from reverie.evals import truth as t
from reverie.evals.protocols import EvalLesson

P = "github.com/me/web"
Q = "github.com/me/api"
DAY = ["", *(f"2025-01-{day:02d}T09:00:00.000Z" for day in range(1, 31))]


def item(
    item_id: str,
    terms: tuple[str, ...],
    *,
    category: str = t.FACT,
    persist: bool = True,
    scope: str = t.PROJECT,
    project: str | None = P,
    rivals: tuple[str, ...] = (),
    taught: tuple[str, ...] = ("s1",),
    explicit: tuple[str, ...] = ("s1",),
    slot: str | None = None,
    value: str | None = None,
    valid_from: str | None = None,
    valid_to: str | None = None,
) -> t.Item:
    return t.Item(
        id=item_id,
        category=category,
        persist=persist,
        matcher=t.Matcher(
            terms=(terms,),
            rivals=rivals,
            scope=scope,
            project=project if scope != t.GLOBAL else None,
            valid_from=valid_from,
            valid_to=valid_to,
        ),
        taught_in=taught,
        explicit_in=explicit,
        slot=slot,
        value=value,
    )


def session(
    number: int, project: str = P, relevant: tuple[str, ...] = (), mistakes: tuple[str, ...] = ()
) -> t.SessionTruth:
    return t.SessionTruth(
        id=f"s{number}", project=project, started_at=DAY[number], relevant=relevant, mistakes=mistakes
    )


def lesson(
    lesson_id: str,
    statement: str,
    *,
    scope: str = "project",
    project: str | None = P,
    status: str = "active",
    level: str = "memory",
    confidence: float = 0.5,
    valid_to: str | None = None,
    session_id: str | None = None,
) -> EvalLesson:
    return EvalLesson(
        id=lesson_id,
        statement=statement,
        kind="fact",
        scope=scope,
        project=project if scope == "project" else None,
        session=session_id,
        status=status,
        level=level,
        confidence=confidence,
        valid_to=valid_to,
    )
