"""``reverie recall`` and ``reverie context`` through the CLI, as a person would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reverie.cli import main
from reverie.cli import recall as recall_cli
from reverie.workspace import Workspace
from tests.recall.builders import BLOG_YARN, MIGRATIONS, PNPM, PYTHON3, STYLE, TESTS, store_lessons


@pytest.fixture(autouse=True)
def registered() -> None:
    for command in recall_cli.COMMANDS:
        main.add_command(command)


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS, MIGRATIONS, PYTHON3, STYLE, BLOG_YARN])
    return workspace


def reverie(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_recall_explains_each_hit_as_json(stocked: Workspace, checkout: Path) -> None:
    result = reverie("recall", "how do I run the tests here", "--project", str(checkout), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["project"] == "github.com/acme/shop" and report["shown"] == [TESTS.id]
    hit = next(h for h in report["hits"] if h["lesson_id"] == TESTS.id)
    assert hit["matched_terms"] == ["run", "test"]
    assert hit["scope_check"].startswith("passes: its project github.com/acme/shop")
    assert hit["bm25"] > 0 and hit["score"] == pytest.approx(
        hit["match"] * hit["confidence"] * hit["recency"], abs=1e-3
    )
    assert "make check" in report["text"]


def test_recall_shows_what_scope_kept_out(stocked: Workspace, checkout: Path) -> None:
    report = json.loads(reverie("recall", "use yarn not npm", "--project", str(checkout), "--json").output)
    outside = {h["lesson_id"]: h for h in report["out_of_scope"]}
    assert outside[BLOG_YARN.id]["scope_check"].startswith("fails: it belongs to project github.com/acme/blog")
    assert BLOG_YARN.id not in report["shown"]


def test_recall_before_a_command_and_before_an_edit(stocked: Workspace, checkout: Path) -> None:
    command = json.loads(reverie("recall", "--command", "npm test", "--project", str(checkout), "--json").output)
    assert command["shown"] == [PNPM.id] and command["event"] == "PreToolUse"
    edit = reverie("recall", "--path", "migrations/0003.py", "--project", str(checkout))
    assert MIGRATIONS.id in edit.output and "a path in the call matches migrations/**" in edit.output


def test_context_prints_the_session_start_digest(stocked: Workspace, checkout: Path) -> None:
    result = reverie("context", "--session-start", "--project", str(checkout))
    assert result.exit_code == 0
    assert '<reverie-context kind="session-start">' in result.output
    digest = result.output.split("</reverie-context>")[0]
    assert "Keep functions under forty lines" in digest and "yarn" not in digest and "Use `pnpm`" not in digest


def test_the_digest_budget_comes_from_config_toml(stocked: Workspace, checkout: Path) -> None:
    (stocked.home / "config.toml").write_text("[recall]\nsession_start_tokens = 90\n")
    report = json.loads(reverie("context", "--session-start", "--project", str(checkout), "--json").output)
    assert 0 < len(report["shown"]) < 4
    (stocked.home / "config.toml").write_text("[recall\n")
    result = CliRunner().invoke(main, ["context", "--session-start", "--project", str(checkout)])
    assert result.exit_code == 1 and "config.toml" in result.output


def test_reindex_and_a_missing_index_are_said_plainly(workspace: Workspace, checkout: Path) -> None:
    note = json.loads(reverie("recall", "tests", "--project", str(checkout), "--json").output)["notes"]
    assert note and "no recall index yet" in note[0]
    store_lessons(workspace, [PNPM], refresh=False)
    assert reverie("recall", "--reindex").output.strip() == "recall index rebuilt: 1 active lessons"


def test_recall_without_a_question_is_an_input_error(stocked: Workspace) -> None:
    result = CliRunner().invoke(main, ["recall"])
    assert result.exit_code == 1 and "give a QUERY" in result.output
