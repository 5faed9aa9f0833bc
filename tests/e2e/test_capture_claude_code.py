"""Capture, end to end, with the real Claude Code: hooks installed by ``reverie init`` see every event of
a scripted two-turn session, the transcript Claude Code wrote imports, and the two reconcile.

One session is run for the whole module (about three seconds) and each test asserts one property of it.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Iterator

import pytest

from reverie.domain import EventKind, Origin, Source
from reverie.llms.scripted_server import ScriptedServer
from tests.e2e.agents import CLAUDE_BINARY, ClaudeCode, require
from tests.e2e.capture_checks import (
    CapturedSession,
    assert_session_span,
    by_tool_use_id,
    capture_session,
    transcript_records,
)
from tests.e2e.scenarios import FAILING_COMMAND, RESUMED_COMMAND, WORKING_COMMAND, capture_turns, script_of

pytestmark = pytest.mark.e2e

CAPTURED_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop")
CAPTURED_EVENTS += ("SessionEnd",)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CapturedSession]:
    require(CLAUDE_BINARY)
    root = tmp_path_factory.mktemp("capture-claude")
    home, project = root / "reverie-home", root / "project"
    project.mkdir()
    turns = capture_turns(project, with_write=True)
    with ScriptedServer(script_of(turns)) as server:
        claude = ClaudeCode(
            server.url, root / "agent", extra_env={"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"}
        )
        yield capture_session(
            claude,
            server,
            turns,
            project_dir=project,
            home=home,
            init_args=["--agent", "claude-code"],
            transcript_of=claude.transcript,
        )


def test_init_wrote_the_capture_hooks_into_the_user_settings(captured: CapturedSession) -> None:
    settings = json.loads(captured.hooks_file.read_text())
    assert set(CAPTURED_EVENTS) <= set(settings["hooks"])
    words = [shlex.split(command) for command in captured.hook_commands()]  # init's default: the resident client
    assert all(w[11:14] == ["exec", "/bin/bash", w[8]] and w[8].endswith("/hook.sh") for w in words)
    assert all(w[14].startswith("/") for w in words)  # the interpreter of the fallback, by absolute path
    assert all(w[w.index("fi;") + 1 : w.index("fi;") + 4] == [w[14], "-I", "-S"] for w in words)  # no client, no bash


def test_the_session_ran_as_scripted(captured: CapturedSession) -> None:
    assert captured.script_done
    assert (captured.project_dir / "notes.txt").read_text() == "build ok\n"
    assert (captured.project_dir / "NOTES.md").exists()
    results = list(captured.tool_results().values())
    assert [result.is_error for result in results] == [True, False, False, False]


def test_every_hook_event_arrived_with_its_fields(captured: CapturedSession) -> None:
    events = captured.hook_events
    assert events, "the hooks delivered nothing to the store"
    assert {event.source for event in events} == {Source.HOOK}
    assert {event.session_id for event in events} == {captured.session_id}
    kinds = Counter(event.kind for event in events)
    assert kinds[EventKind.SESSION_START] == 2  # startup, then resume
    assert kinds[EventKind.PROMPT] == 2
    assert kinds[EventKind.STOP] == 2
    assert kinds[EventKind.SESSION_END] == 2  # each `claude -p` run ends its session
    # Most capture hooks are async, so events may reach the spool out of order: match them by id.
    call_ids = list(captured.tool_results())
    calls = by_tool_use_id(events, EventKind.TOOL_CALL)
    assert sorted(calls) == sorted(call_ids)
    assert [calls[call_id].tool_name for call_id in call_ids] == ["Bash", "Bash", "Write", "Bash"]
    assert [(calls[call_id].tool_input or {}).get("command") for call_id in call_ids] == [
        FAILING_COMMAND,
        WORKING_COMMAND,
        None,
        RESUMED_COMMAND,
    ]
    assert (calls[call_ids[2]].tool_input or {}).get("file_path") == str(captured.project_dir / "NOTES.md")
    results = by_tool_use_id(events, EventKind.TOOL_RESULT)
    assert sorted(results) == sorted(call_ids)
    assert [results[call_id].is_error for call_id in call_ids] == [True, False, False, False]  # PostToolUseFailure
    assert "missing-notes.txt" in results[call_ids[0]].text
    assert "build ok" in results[call_ids[1]].text
    prompts = {event.text: event.origin for event in events if event.kind is EventKind.PROMPT}
    assert prompts == {
        "Check the notes, then write them down.": Origin.USER,
        "How many lines are in the notes?": Origin.USER,
    }


def test_the_session_knows_its_cwd_transcript_and_span(captured: CapturedSession) -> None:
    assert_session_span(captured, "claude-code")


def test_the_hook_printed_nothing_and_never_blocked(captured: CapturedSession) -> None:
    records = transcript_records(captured.transcript)
    # Claude Code records a hook's output or failure as a `hook_*` attachment (a hook that prints
    # leaves one: tests/e2e/test_scripted_server.py); ours must leave none, and no hook may fail.
    hook_reports = [
        record["attachment"]
        for record in records
        if record.get("type") == "attachment" and str(record["attachment"].get("type", "")).startswith("hook")
    ]
    assert hook_reports == []
    summaries = [record for record in records if record.get("subtype") == "stop_hook_summary"]
    assert len(summaries) == 2  # the synchronous Stop hook, once per turn
    for summary in summaries:
        assert [info["command"] for info in summary["hookInfos"]] and all(
            info["command"] in captured.hook_commands() for info in summary["hookInfos"]
        )
        assert summary["hookErrors"] == []
        assert summary.get("hookAdditionalContext", []) == []
        assert not summary.get("preventedContinuation")
    for exchange in captured.exchanges:
        assert not any("hook additional context" in text for text in exchange.texts("system"))
        assert not any(result.output.startswith("PreToolUse") for result in exchange.tool_results)
    assert captured.log_files() == {}


def test_the_transcript_imports_cleanly(captured: CapturedSession) -> None:
    report = captured.import_report()
    assert report["problems"] == []
    assert report["files"] == 1
    assert report["events_new"] > 0  # what only the transcript has: the assistant's words


def test_hooks_and_transcript_reconcile_without_duplicates(captured: CapturedSession) -> None:
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
    results = {event.tool_use_id: event for event in captured.imported_events if event.kind is EventKind.TOOL_RESULT}
    assert [results[call_id].is_error for call_id in captured.tool_results()] == [True, False, False, False]
    assert {Source.HOOK, Source.TRANSCRIPT} <= {event.source for event in captured.imported_events}


def test_a_second_import_adds_nothing(captured: CapturedSession) -> None:
    assert captured.import_report(1)["events_new"] == 0
    assert [event.key for event in captured.reimported_events] == [event.key for event in captured.imported_events]
