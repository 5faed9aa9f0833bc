"""What was learned over time: every lesson's versions, counted by week or by month.

Each version of a lesson is placed at the moment of the work that produced it: the newest timestamp of
the evidence it added (the session where the person said it, or where the fix was seen); for a
retirement without evidence of its own, the end of its validity (a supersession); else when the
version was recorded (a dream's retirement, a promotion or a ``forget`` adds no evidence). So a month
of transcripts imported in one afternoon spreads over that month, as the sessions did. A lesson's
versions never go back in time: a version that adds older evidence counts when the one before it did.

Per period: lessons first seen (``added``), versions that made a lesson active (``activated``) or
retired it (``retired``), and at the period's end how many lessons stood active and candidate.
Periods without any change between the first and the last are kept, so the axis is time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from reverie.domain.lessons import Lesson, LessonStatus

PERIODS = ("week", "month")


@dataclass(frozen=True, slots=True)
class Period:
    start: str  # the first day, ISO date: a Monday (weeks) or the 1st (months)
    added: int = 0
    activated: int = 0
    retired: int = 0
    active: int = 0  # standing at the period's end
    candidates: int = 0  # standing at the period's end

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def periods(histories: Iterable[Sequence[Lesson]], *, by: str = "week") -> list[Period]:
    """``histories``: each lesson's versions, oldest first (``Store.lesson_versions``)."""
    if by not in PERIODS:
        raise ValueError(f"by is one of {', '.join(PERIODS)}, not {by!r}")
    # (period start, lesson number, version's status, first version?, status before)
    moves: list[tuple[date, int, LessonStatus, bool, LessonStatus | None]] = []
    for number, versions in enumerate(histories):
        moment: datetime | None = None
        before: Lesson | None = None
        for version in versions:
            placed = _moment(version, before)
            moment = placed if moment is None or placed is None else max(moment, placed)
            if moment is not None:
                previous = before.status if before else None
                moves.append((_start(moment.date(), by), number, version.status, before is None, previous))
            before = version
    if not moves:
        return []
    moves.sort(key=lambda move: move[0])
    standing: dict[int, LessonStatus] = {}
    found: list[Period] = []
    index = 0
    for start in _starts(moves[0][0], moves[-1][0], by):
        added = activated = retired = 0
        while index < len(moves) and moves[index][0] == start:
            _, number, status, first, previous = moves[index]
            added += first
            activated += status is LessonStatus.ACTIVE and previous is not LessonStatus.ACTIVE
            retired += status is LessonStatus.RETIRED and previous is not LessonStatus.RETIRED
            standing[number] = status
            index += 1
        found.append(
            Period(
                start=start.isoformat(),
                added=added,
                activated=activated,
                retired=retired,
                active=sum(status is LessonStatus.ACTIVE for status in standing.values()),
                candidates=sum(status is LessonStatus.CANDIDATE for status in standing.values()),
            )
        )
    return found


def _moment(version: Lesson, before: Lesson | None) -> datetime | None:
    known = {(e.event_key, e.session_id) for e in before.evidence} if before else set()
    stamps = [e.timestamp for e in version.evidence if e.timestamp and (e.event_key, e.session_id) not in known]
    # A lesson retired without new evidence of its own (superseded, forgotten) ended when it stopped
    # holding, which its validity says; distill may record that long after, in one import.
    ended = version.valid_to if version.status is LessonStatus.RETIRED else None
    for text in [*sorted(stamps, reverse=True), ended or "", version.recorded_at or ""]:
        parsed = _parse(text)
        if parsed is not None:
            return parsed
    return None


def _parse(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    # A stamp without a zone is read as UTC, so stamps from every source compare.
    return parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed


def _start(day: date, by: str) -> date:
    return day - timedelta(days=day.weekday()) if by == "week" else day.replace(day=1)


def _starts(first: date, last: date, by: str) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day = day + timedelta(days=7) if by == "week" else (day + timedelta(days=32)).replace(day=1)
