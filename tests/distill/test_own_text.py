"""Nothing reverie wrote is ever learned: a compiled hook's block or reminder (as the agent reports it),
a permission denial, reverie's own CLI output inside a tool result."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from reverie.artifacts import enforce
from reverie.artifacts.hook_script import hook_command
from reverie.distill import distill, guards
from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Evidence, LessonKind, Observation, Scope, ScopeLevel
from reverie.domain.markers import HOOK_MARK
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

NEVER_MIGRATIONS: dict[str, Any] = {
    "check": "never-path",
    "event": "PreToolUse",
    "tools": ["Edit", "Write"],
    "paths": ["migrations/**"],
    "lesson": "L77",
    "artifact": "A9",
    "statement": "Never edit the generated migrations.",
    "files": ".claude/hooks/reverie/never-migrations.py",
}
NEVER_FORCE = {**NEVER_MIGRATIONS, "check": "never-command", "tools": ["Bash"], "commands": ["git push --force"]}
HOOK_COMMAND = hook_command(".claude/hooks/reverie/never-migrations.py", project=True)  # what the agent names


def blocked_edit_text() -> str:
    """What Claude Code puts in the tool result when our compiled hook blocks an Edit."""
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": {"file_path": "migrations/1.sql"}}
    code, _, err = enforce.decide(NEVER_MIGRATIONS, payload, {})
    assert code == enforce.BLOCK
    return f"PreToolUse:Edit hook error: [{HOOK_COMMAND}]: {err}"


def test_the_hooks_messages_carry_the_marker_that_distill_recognises() -> None:
    assert enforce.MARK == HOOK_MARK
    assert blocked_edit_text().count(HOOK_MARK) == 1 and guards.written_by_reverie(blocked_edit_text())
    remind = {**NEVER_FORCE, "check": "remind", "event": "PostToolUse", "commands": ["git push"]}
    payload = {"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "git push"}}
    _, out, _ = enforce.decide(remind, payload, {})
    assert guards.written_by_reverie(json.loads(out)["hookSpecificOutput"]["additionalContext"])


@pytest.mark.parametrize(
    "text",
    [
        # hooks compiled before the marker, as the agent wraps them
        "PreToolUse:Edit hook error: [python3 x.py]: Blocked by reverie lesson L1: Never edit it.",
        "PreToolUse:Bash hook error: [python3 /p/.claude/hooks/reverie/x.py]: No stderr output",
        "Reminder from reverie lesson L2: use pnpm.",
        '<reverie-context kind="session">x</reverie-context>',
    ],
)
def test_reverie_text_is_recognised_with_or_without_the_marker(text: str) -> None:
    assert guards.written_by_reverie(text)


def test_tool_errors_are_not_mistaken_for_reverie_text() -> None:
    assert not guards.written_by_reverie("PreToolUse:Bash hook error: [./lint-hook.sh]: commit message too long")
    assert not guards.written_by_reverie("error: reverie.toml not found")


def test_an_edit_blocked_by_our_hook_in_three_sessions_teaches_nothing(store: SQLiteStore) -> None:
    for number in range(3):
        trace = Trace(f"s{number}", start=day(number)).prompt("add a column")
        trace.tool("Edit", {"file_path": "/w/app/migrations/0001.sql"}, blocked_edit_text(), error=True)
        trace.into(store)
        distill(store, now=NOW)
    assert store.lessons() == []


def test_a_blocked_command_then_the_allowed_one_is_not_a_fix(store: SQLiteStore) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git push --force"}}
    _, _, err = enforce.decide(NEVER_FORCE, payload, {})
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("push it")
        trace.fail("git push --force", f"PreToolUse:Bash hook error: [{HOOK_COMMAND}]: {err}")
        trace.run("git push", "ok").into(store)
        distill(store, now=NOW)
    assert store.lessons() == []


def test_a_permission_denial_is_not_a_failure(store: SQLiteStore) -> None:
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("clean up")
        trace.fail("rm -rf dist", "Permission to use Bash with command rm -rf dist has been denied.")
        trace.run("rm -r dist", "").into(store)
        distill(store, now=NOW)
    assert store.lessons() == []


def test_reverie_cli_output_inside_a_tool_result_teaches_nothing(store: SQLiteStore) -> None:
    listing = "L1  active  In this project: Use `pnpm`, not `npm` (`npm` fails here: command not found)."
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("what do you know?")
        trace.run("reverie lessons", listing)
        trace.fail(".venv/bin/reverie recall deploy", "Error: no such lesson: deploy\nbash: npm: command not found")
        trace.run("reverie lessons --json", listing)
        trace.run("python -m reverie dream", "proposed 2 changes")
        trace.into(store)
        distill(store, now=NOW)
    assert store.lessons() == []


def test_a_reminder_that_reached_the_session_as_text_teaches_nothing(store: SQLiteStore) -> None:
    remind = {**NEVER_FORCE, "check": "remind", "event": "PostToolUse", "commands": ["git push"]}
    remind["statement"] = "Always run `make check` before `git push`."
    payload = {"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "git push"}}
    context = json.loads(enforce.decide(remind, payload, {})[1])["hookSpecificOutput"]["additionalContext"]
    for number in range(2):
        Trace(f"s{number}", start=day(number)).prompt(context).run("git push", "ok").into(store)
        distill(store, now=NOW)
    assert store.lessons() == []


def test_an_observation_that_quotes_reverie_is_dropped_by_the_guards() -> None:
    evidence = Evidence("k1", "s1", Origin.TOOL, Basis.OBSERVED, "failure_output", blocked_edit_text()[:240])
    quoting = Observation(
        key="hazard:x",
        kind=LessonKind.HAZARD,
        statement=f"In this project: `Edit` has failed here ({HOOK_MARK} Blocked by reverie lesson L77).",
        scope=Scope(level=ScopeLevel.PROJECT, project="p"),
        evidence=(evidence,),
        extractor="test",
    )
    assert guards.admit(quoting) is None
    assert guards.admit(replace(quoting, statement="In this project: a fact.")) is None  # no evidence left
