"""What the dream page says a change does to the agent's context, lesson by lesson."""

from __future__ import annotations

from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import LessonStatus, Level, Scope, ScopeLevel
from reverie.web.views import change_diffs, effect
from tests.dream.factory import make

ACTIVE = make("Use `make check` for the tests.")
CANDIDATE = replace(ACTIVE, status=LessonStatus.CANDIDATE, level=Level.MEMORY)


def test_the_effect_names_what_reaches_the_agent_before_and_after() -> None:
    assert effect(CANDIDATE, ACTIVE).startswith("Starts to reach the agent: recall injects it in project")
    assert (
        effect(ACTIVE, replace(ACTIVE, status=LessonStatus.RETIRED)) == "Stops reaching the agent (it becomes retired)."
    )
    assert "with more force: instinct -> hook (compiled" in effect(ACTIVE, replace(ACTIVE, level=Level.HOOK))
    assert "now in all projects" in effect(ACTIVE, replace(ACTIVE, scope=Scope(ScopeLevel.GLOBAL)))
    assert effect(CANDIDATE, replace(CANDIDATE, confidence=replace(CANDIDATE.confidence, value=0.1))).startswith(
        "Does not reach the agent"
    )


def test_a_diff_marks_exactly_the_fields_that_change_and_shows_new_lessons() -> None:
    promoted = replace(ACTIVE, scope=Scope(ScopeLevel.GLOBAL))
    added = make("Run `ruff` before committing.", key="new")
    change = Change("C1", ChangeType.PROMOTE, "seen in two projects", before=(ACTIVE,), after=(promoted, added))
    first, second = change_diffs(change)
    assert [row.field for row in first.rows if row.changed] == ["scope"]
    assert second.lesson_id == added.id and all(row.before == "" for row in second.rows)
    assert second.effect.startswith("Starts to reach the agent")
