"""What was learned over time: each version at the moment of the work that produced it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reverie.domain.lessons import LessonStatus
from reverie.domain.timeline import periods
from tests.dream.factory import evidence, make


def test_lessons_are_counted_in_the_week_of_their_evidence_with_the_stock_at_each_weeks_end() -> None:
    # Imported in one go (recorded the same day), but said across three weeks.
    first = make("Use pnpm.", when="2026-03-02T10:00:00Z", status=LessonStatus.CANDIDATE, recorded_at="2026-04-01")
    confirmed = replace(
        first,
        version=2,
        status=LessonStatus.ACTIVE,
        evidence=(*first.evidence, evidence("s2", "2026-03-10T09:00:00Z")),
        recorded_at="2026-04-01T00:00:00+00:00",
    )
    other = make("Use tabs.", when="2026-03-03T10:00:00Z", status=LessonStatus.CANDIDATE, recorded_at="2026-04-01")
    # A dream's retirement adds no evidence: it counts when it was recorded, weeks later.
    retired = replace(other, version=2, status=LessonStatus.RETIRED, recorded_at="2026-03-25T12:00:00+00:00")
    found = periods([[first, confirmed], [other, retired]])
    assert [p.start for p in found] == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]
    week1, week2, week3, week4 = found
    assert (week1.added, week1.activated, week1.retired, week1.active, week1.candidates) == (2, 0, 0, 0, 2)
    assert (week2.added, week2.activated, week2.active, week2.candidates) == (0, 1, 1, 1)
    assert (week3.added, week3.activated, week3.retired, week3.active, week3.candidates) == (0, 0, 0, 1, 1)  # kept
    assert (week4.retired, week4.active, week4.candidates) == (1, 1, 0)


def test_a_version_never_goes_back_in_time_and_months_group_the_weeks() -> None:
    late = make("Use make check.", when="2026-05-20T10:00:00Z", status=LessonStatus.CANDIDATE)
    # The second version adds evidence older than the first: it counts with the first, in May.
    older = replace(
        late,
        version=2,
        status=LessonStatus.ACTIVE,
        evidence=(*late.evidence, evidence("s0", "2026-02-01T10:00:00Z")),
    )
    found = periods([[late, older]], by="month")
    assert [(p.start, p.added, p.activated, p.active) for p in found] == [("2026-05-01", 1, 1, 1)]


def test_a_superseded_lesson_retires_when_its_validity_ended_not_when_distill_recorded_it() -> None:
    old = make("Use npm.", when="2026-03-02T10:00:00Z")
    superseded = replace(
        old, version=2, status=LessonStatus.RETIRED, valid_to="2026-03-11T08:00:00Z", recorded_at="2026-06-01T00:00:00"
    )
    found = periods([[old, superseded]])
    assert [(p.start, p.retired) for p in found] == [("2026-03-02", 0), ("2026-03-09", 1)]


def test_reactivation_counts_again_and_nothing_gives_no_periods() -> None:
    a = make("Use yarn.", when="2026-03-02T10:00:00Z")
    b = replace(a, version=2, status=LessonStatus.CANDIDATE, recorded_at="2026-03-03T00:00:00")  # no zone: UTC
    c = replace(
        b, version=3, status=LessonStatus.ACTIVE, evidence=(*b.evidence, evidence("s3", "2026-03-04T10:00:00Z"))
    )
    (week,) = periods([[a, b, c]])
    assert (week.added, week.activated, week.active, week.candidates) == (1, 2, 1, 0)
    assert periods([]) == []
    with pytest.raises(ValueError, match="week, month"):
        periods([[a]], by="day")
