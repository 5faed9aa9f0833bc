"""Capture, end to end, with the real Codex CLI: hooks installed by ``reverie init --agent codex`` see
every event of a scripted two-turn session, the rollout Codex wrote imports, and the two reconcile.

Codex differs from Claude Code in ways that matter here: it has no PostToolUseFailure (PostToolUse
fires for a failed command too, with only the output text), so the hook alone cannot know that a
command failed; the rollout has the exit code, and the reconciled trace must keep it.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Iterator

import pytest

from reverie.domain import EventKind, Origin, Source
from reverie.llms.scripted_server import ScriptedServer
from tests.e2e.agents import CODEX_BINARY, Codex, codex_events, require
from tests.e2e.capture_checks import (
    CapturedSession,
    assert_session_span,
    by_tool_use_id,
    capture_session,
    transcript_records,
)
from tests.e2e.scenarios import FAILING_COMMAND, RESUMED_COMMAND, WORKING_COMMAND, capture_turns, script_of

pytestmark = pytest.mark.e2e

CAPTURED_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SessionEnd")
# Warnings Codex prints as `error` items on every run with these settings; anything else is news.
EXPECTED_WARNINGS = ("--dangerously-bypass-hook-trust", "Model metadata for")


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CapturedSession]:
    require(CODEX_BINARY)
    root = tmp_path_factory.mktemp("capture-codex")
    home, project = root / "reverie-home", root / "project"
    project.mkdir()
    turns = capture_turns(project, with_write=False)
    with ScriptedServer(script_of(turns)) as server:
        codex = Codex(
            server.openai_base_url, root / "agent", extra_env={"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"}
        )
        codex.write_config()
        yield capture_session(
            codex,
            server,
            turns,
            project_dir=project,
            home=home,
            init_args=["--agent", "codex"],
            transcript_of=codex.rollout,
        )


def test_init_wrote_the_capture_hooks_into_codex_home(captured: CapturedSession) -> None:
    hooks = json.loads(captured.hooks_file.read_text())
    assert set(CAPTURED_EVENTS) <= set(hooks["hooks"])
    words = [shlex.split(command) for command in captured.hook_commands()]  # init's default: the resident client
    assert all(w[11:14] == ["exec", "/bin/bash", w[8]] and w[8].endswith("/hook.sh") for w in words)
    assert all(w[14].startswith("/") for w in words)  # the interpreter of the fallback, by absolute path
    assert all(w[w.index("fi;") + 1 : w.index("fi;") + 4] == [w[14], "-I", "-S"] for w in words)  # no client, no bash


def test_the_session_ran_as_scripted(captured: CapturedSession) -> None:
    assert captured.script_done
    assert (captured.project_dir / "notes.txt").read_text() == "build ok\n"
    outputs = [result.output for result in captured.tool_results().values()]
    assert ["exited with code 1" in output for output in outputs] == [True, False, False]


def test_every_hook_event_arrived_with_its_fields(captured: CapturedSession) -> None:
    events = captured.hook_events
    assert events, "the hooks delivered nothing to the store"
    assert {event.source for event in events} == {Source.HOOK}
    assert {event.session_id for event in events} == {captured.session_id}
    kinds = Counter(event.kind for event in events)
    assert kinds[EventKind.SESSION_START] == 2  # startup, then resume
    assert kinds[EventKind.PROMPT] == 2
    assert kinds[EventKind.STOP] == 2
    assert kinds[EventKind.SESSION_END] == 2  # each `codex exec` run ends its session
    call_ids = list(captured.tool_results())
    calls = by_tool_use_id(events, EventKind.TOOL_CALL)
    assert sorted(calls) == sorted(call_ids)
    assert [(calls[call_id].tool_input or {}).get("command") for call_id in call_ids] == [
        FAILING_COMMAND,
        WORKING_COMMAND,
        RESUMED_COMMAND,
    ]
    results = by_tool_use_id(events, EventKind.TOOL_RESULT)
    assert sorted(results) == sorted(call_ids)
    assert "build ok" in results[call_ids[1]].text
    prompts = {event.text: event.origin for event in events if event.kind is EventKind.PROMPT}
    assert prompts == {
        "Check the notes, then write them down.": Origin.USER,
        "How many lines are in the notes?": Origin.USER,
    }


def test_the_session_knows_its_cwd_transcript_and_span(captured: CapturedSession) -> None:
    assert_session_span(captured, "codex")


def test_the_hook_printed_nothing_and_never_blocked(captured: CapturedSession) -> None:
    injected = [
        record
        for record in transcript_records(captured.transcript)
        if "hooks.additional_context" in json.dumps(record.get("payload", {}))
    ]
    assert injected == []
    warnings = [
        event["item"]["message"]
        for run in captured.runs
        for event in codex_events(run.stdout)
        if event.get("item", {}).get("type") == "error"
    ]
    assert [message for message in warnings if not any(known in message for known in EXPECTED_WARNINGS)] == []
    for exchange in captured.exchanges:
        assert not any("blocked by PreToolUse hook" in result.output for result in exchange.tool_results)
    assert captured.log_files() == {}


def test_the_rollout_imports_cleanly(captured: CapturedSession) -> None:
    report = captured.import_report()
    assert report["problems"] == []
    assert report["files"] == 1
    assert report["events_new"] > 0


def test_hooks_and_rollout_reconcile_without_duplicates(captured: CapturedSession) -> None:
    events = captured.imported_events
    keys = [event.key for event in events]
    assert len(keys) == len(set(keys))
    per_tool = Counter((event.kind, event.tool_use_id) for event in events if event.tool_use_id)
    assert set(per_tool.values()) == {1}, per_tool
    assert len(per_tool) == 2 * len(captured.tool_results())
    prompts = Counter(event.text for event in events if event.kind is EventKind.PROMPT)
    assert prompts == {"Check the notes, then write them down.": 1, "How many lines are in the notes?": 1}
    assistant = Counter(event.text for event in events if event.kind is EventKind.ASSISTANT)
    assert assistant["The notes are written."] == 1
    assert assistant["One line."] == 1


def test_nothing_was_lost_in_the_reconciliation(captured: CapturedSession) -> None:
    imported = {event.key: event for event in captured.imported_events}
    assert all(event.key in imported for event in captured.hook_events)
    assert {Source.HOOK, Source.TRANSCRIPT} <= {event.source for event in captured.imported_events}


def test_the_failure_that_only_the_rollout_knows_survives_the_default_ingest(captured: CapturedSession) -> None:
    # Codex's PostToolUse cannot tell a failed command (the exit code is only in the rollout), so
    # `reverie ingest` imports the rollout before the spool and its copy of each result wins.
    events = captured.default_ingest_events
    results = {event.tool_use_id: event for event in events if event.kind is EventKind.TOOL_RESULT}
    assert [results[call_id].is_error for call_id in captured.tool_results()] == [True, False, False]


def test_a_second_import_adds_nothing(captured: CapturedSession) -> None:
    assert captured.import_report(1)["events_new"] == 0
    assert [event.key for event in captured.reimported_events] == [event.key for event in captured.imported_events]
