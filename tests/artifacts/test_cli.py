"""The commands: compile, artifacts, artifacts remove / restore, promote, evolve."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner

from reverie.cli import main
from reverie.domain.lessons import Level
from tests.artifacts.conftest import NO_FORCE_PUSH, TESTS_RULE, Env


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_dry_run_json_lists_the_plan_and_writes_nothing(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    plan = json.loads(run("compile", "--project", str(env.repo), "--dry-run", "--json"))
    assert plan["applied"] is False and plan["project"] == "github.com/acme/shop"
    assert sorted(a["kind"] for a in plan["actions"]) == ["hook", "rules", "rules"]
    assert {a["action"] for a in plan["actions"]} == {"write"}
    assert not (env.repo / "CLAUDE.md").exists()


def test_compile_then_list_then_remove(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    text = run("compile", "--project", str(env.repo), "--target", "claude-code", "--yes")
    assert "+ write" in text and "hook" in text
    listed = json.loads(run("artifacts", "--json"))
    hook = next(item for item in listed if item["kind"] == "hook")
    assert hook["lessons"] == [[NO_FORCE_PUSH.id, NO_FORCE_PUSH.content_hash]]
    assert hook["drift"] == "ok" and len(hook["files"]) == 2 and all(len(f["hash"]) == 64 for f in hook["files"])
    assert "Removed" in run("artifacts", "remove", hook["id"])
    assert not (env.repo / ".claude" / "settings.json").exists()
    assert "removed" in run("artifacts")
    assert "will be written" in run("artifacts", "restore", hook["id"])


def test_bad_ids_are_one_clear_line(env: Env) -> None:
    result = CliRunner().invoke(main, ["artifacts", "remove", "Anope"])
    assert result.exit_code == 1 and "no artifact starts with 'Anope'" in result.output


def test_evolve_prints_how_to_review_it(env: Env) -> None:
    (stored,) = env.store([replace(NO_FORCE_PUSH, level=Level.INSTINCT)])
    text = run("evolve", stored.id, "--to", "hook", "--reason", "it keeps happening")
    assert "Proposed evolve" in text and "level instinct -> hook" in text and "reverie accept" in text
    data = json.loads(run("promote", stored.id, "--to", "global", "--json"))
    assert data["type"] == "promote" and data["to"] == "global"
