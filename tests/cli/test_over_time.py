"""``reverie stats --over-time``: what was learned per week, as JSON and as a table with a bar per week."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner, Result

from reverie.cli import main
from reverie.domain.lessons import LessonStatus
from reverie.store import LessonBatch
from reverie.workspace import Workspace
from tests.dream.factory import APP, WEB, evidence, make


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def seed() -> None:
    workspace = Workspace.open()
    try:
        pnpm = make("Use pnpm.", when="2026-03-02T10:00:00Z", status=LessonStatus.CANDIDATE)
        active = replace(
            pnpm, version=2, status=LessonStatus.ACTIVE, evidence=(*pnpm.evidence, evidence("s2", "2026-03-10T09:00Z"))
        )
        tabs = make("Use tabs.", when="2026-03-03T10:00:00Z")
        elsewhere = make("Use cargo nextest.", project=WEB, when="2026-01-05T10:00:00Z")
        workspace.store.write_lessons(LessonBatch(lessons=[pnpm, tabs, elsewhere]))
        workspace.store.write_lessons(LessonBatch(lessons=[active]))
    finally:
        workspace.close()


def test_json_counts_each_week_of_one_project() -> None:
    seed()
    result = run("stats", "--over-time", "--project", APP, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["project"] == APP and data["by"] == "week"
    assert data["periods"] == [
        {"start": "2026-03-02", "added": 2, "activated": 1, "retired": 0, "active": 1, "candidates": 1},
        {"start": "2026-03-09", "added": 0, "activated": 1, "retired": 0, "active": 2, "candidates": 0},
    ]


def test_the_table_draws_the_standing_lessons_and_folds_quiet_weeks() -> None:
    seed()
    result = run("stats", "--over-time")  # every project: January's lesson, then weeks of nothing
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["week", "of", "added"]
    january = next(line for line in lines if line.startswith("2026-01-05"))
    march = next(line for line in lines if line.startswith("2026-03-09"))
    assert january.split()[-1] == "█" * 13  # 1 lesson standing, of 3 at the busiest week's end: a third of 40
    assert march.split()[-1] == "█" * 40
    assert any(line.startswith("2026-01-12 (7 weeks)") and "no change" in line for line in lines)
    assert "█ active  ░ candidate" in result.output


def test_months_and_the_mistakes_a_person_makes() -> None:
    seed()
    data = json.loads(run("stats", "--over-time", "--by", "month", "--json").output)
    assert [p["start"] for p in data["periods"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert run("stats", "--project", APP).exit_code == 2  # --project belongs to --over-time
    empty = run("stats", "--over-time", "--project", "github.com/nobody/nothing")
    assert empty.exit_code == 0 and "No lessons in project github.com/nobody/nothing yet" in empty.output
