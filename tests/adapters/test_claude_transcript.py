"""The Claude Code transcript parser against a small synthetic session with every quirk in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reverie.adapters.claude_code.transcript import ClaudeTranscript
from reverie.domain import Event, EventKind, Origin, keys
from reverie.domain.markers import INJECTED_OPEN

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "claude-code"
SESSION = "11111111-2222-4333-8444-555555555555"
MAIN = FIXTURES / "projects" / "-home-dev-shop" / f"{SESSION}.jsonl"
SUBAGENT = FIXTURES / "projects" / "-home-dev-shop" / SESSION / "subagents" / "agent-a1b2c3.jsonl"


def parse(path: Path) -> tuple[ClaudeTranscript, list[Event]]:
    parser = ClaudeTranscript(str(path), default_session_id=path.stem)
    events: list[Event] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        events.extend(parser.feed(json.loads(line), number))
    return parser, events


def at_line(events: list[Event], line: int) -> list[Event]:
    return [event for event in events if event.transcript_line == line]


@pytest.fixture(scope="module")
def main() -> tuple[ClaudeTranscript, list[Event]]:
    return parse(MAIN)


def test_a_typed_prompt_is_user_text_keyed_as_the_hook_keys_it(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (prompt,) = at_line(main[1], 5)
    assert (prompt.kind, prompt.origin, prompt.text) == (
        EventKind.PROMPT,
        Origin.USER,
        "use pnpm, not npm, in this repo",
    )
    assert prompt.key == keys.content_key(SESSION, "prompt", "use pnpm, not npm, in this repo")
    assert prompt.session_id == SESSION and prompt.timestamp == "2026-03-01T10:00:05.000Z"
    assert prompt.transcript_path == str(MAIN)


def test_one_api_message_split_over_records_gives_one_event_per_block(
    main: tuple[ClaudeTranscript, list[Event]],
) -> None:
    (text,) = at_line(main[1], 6)
    (call,) = at_line(main[1], 7)
    assert (text.kind, text.origin, text.text) == (EventKind.ASSISTANT, Origin.AGENT, "I'll check the lockfile first.")
    assert text.key.startswith(f"{SESSION}:assistant:msg_A:")
    assert (call.kind, call.tool_name, call.tool_use_id) == (EventKind.TOOL_CALL, "Bash", "toolu_1")
    assert call.key == keys.tool_call_key(SESSION, "toolu_1")
    assert call.tool_input == {"command": "npm install", "description": "install"}


def test_a_second_text_block_of_the_same_message_gets_its_own_key() -> None:
    parser = ClaudeTranscript("t.jsonl", "s")
    first, second = (
        {"type": "assistant", "sessionId": "s", "uuid": f"u{n}", "message": {"id": "msg_1", "content": [block]}}
        for n, block in enumerate(({"type": "text", "text": "One."}, {"type": "text", "text": "Two."}))
    )
    keys_seen = {event.key for record in (first, second) for event in parser.feed(record, 1)}
    assert len(keys_seen) == 2


def test_tool_results_arrive_as_user_records_with_errors_and_names(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (failed,) = at_line(main[1], 8)  # toolUseResult is a string on errors
    (passed,) = at_line(main[1], 11)  # and a dict otherwise
    assert (failed.kind, failed.origin, failed.is_error, failed.tool_name) == (
        EventKind.TOOL_RESULT,
        Origin.TOOL,
        True,
        "Bash",
    )
    assert failed.key == keys.tool_result_key(SESSION, "toolu_1")
    assert "npm ERR! missing lockfile" in failed.text
    assert (passed.is_error, passed.text, passed.key) == (
        False,
        "Done in 2.1s",
        keys.tool_result_key(SESSION, "toolu_2"),
    )


def test_progress_records_are_counted_and_skipped(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    parser, events = main
    assert at_line(events, 2) == [] and at_line(events, 10) == []
    assert parser.skipped["progress"] == 2


def test_hook_context_is_injected_when_it_carries_our_marker_and_system_otherwise(
    main: tuple[ClaudeTranscript, list[Event]],
) -> None:
    (ours,) = at_line(main[1], 3)
    (theirs,) = at_line(main[1], 4)
    assert (ours.kind, ours.origin) == (EventKind.NOTICE, Origin.INJECTED) and INJECTED_OPEN in ours.text
    assert (theirs.origin, theirs.text, theirs.data["hook"]) == (
        Origin.SYSTEM,
        "Branch main is protected.",
        "SessionStart",
    )


def test_a_slash_command_is_what_the_person_typed_and_its_expansion_is_the_harness(
    main: tuple[ClaudeTranscript, list[Event]],
) -> None:
    (command,) = at_line(main[1], 13)
    (expansion,) = at_line(main[1], 14)
    assert (command.kind, command.origin, command.text) == (EventKind.PROMPT, Origin.USER, "/review the diff")
    assert command.key == keys.content_key(SESSION, "prompt", "/review the diff")  # what UserPromptSubmit receives
    assert (expansion.kind, expansion.origin) == (EventKind.NOTICE, Origin.SYSTEM)


@pytest.mark.parametrize("line", [15, 16, 23])
def test_turns_the_person_never_typed_are_system_notices(main: tuple[ClaudeTranscript, list[Event]], line: int) -> None:
    (event,) = at_line(main[1], line)  # task notification, interrupt, local command output
    assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.SYSTEM)


def test_an_interrupt_is_marked(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (event,) = at_line(main[1], 16)
    assert event.data == {"interrupted": True}


def test_a_rejected_tool_use_is_the_harness_and_the_reason_given_is_the_person(
    main: tuple[ClaudeTranscript, list[Event]],
) -> None:
    result, feedback = at_line(main[1], 18)
    assert (result.kind, result.origin, result.is_error, result.data) == (
        EventKind.TOOL_RESULT,
        Origin.SYSTEM,
        True,
        {"rejected": True},
    )
    assert (feedback.kind, feedback.origin) == (EventKind.PROMPT, Origin.USER)
    assert feedback.text == "never edit generated files, change the template instead"
    assert feedback.tool_use_id == "toolu_3"


def test_images_become_placeholders_and_the_prompt_key_ignores_them(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (prompt,) = at_line(main[1], 19)
    assert prompt.text == "the header looks wrong, see the screenshot\n[image]"
    assert "iVBORw0KGgo" not in prompt.text
    assert prompt.key == keys.content_key(SESSION, "prompt", "the header looks wrong, see the screenshot")


def test_a_compaction_is_one_agent_event_that_keeps_the_boundary_trigger(
    main: tuple[ClaudeTranscript, list[Event]],
) -> None:
    events = main[1]
    assert at_line(events, 20) == []
    (summary,) = at_line(events, 21)
    assert (summary.kind, summary.origin) == (EventKind.COMPACTION, Origin.AGENT)
    assert summary.text.startswith("This session is being continued")
    assert summary.data == {"trigger": "auto", "preTokens": 151000}
    assert summary.key == f"{SESSION}:compaction:00000000-0000-4000-8000-000000000021"


def test_an_unknown_record_type_is_counted_not_fatal(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    parser, events = main
    assert at_line(events, 22) == [] and parser.skipped["hologram"] == 1
    assert at_line(events, 24) and at_line(events, 25)  # parsing went on after it


def test_the_same_prompt_twice_leaves_the_ordinal_to_the_store(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (first,) = at_line(main[1], 24)
    (second,) = at_line(main[1], 25)
    assert first.key == second.key and keys.needs_ordinal(first.key)


def test_an_api_error_is_a_system_error_notice(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (error,) = at_line(main[1], 26)
    assert (error.kind, error.origin, error.is_error) == (EventKind.NOTICE, Origin.SYSTEM, True)


def test_the_session_spans_its_records(main: tuple[ClaudeTranscript, list[Event]]) -> None:
    (session,) = main[0].sessions()
    assert (session.id, session.agent, session.cwd) == (SESSION, "claude-code", "/home/dev/shop")
    assert (session.started_at, session.ended_at) == ("2026-03-01T10:00:02.000Z", "2026-03-01T10:00:26.000Z")
    assert session.transcript_path == str(MAIN)


def test_a_subagent_file_belongs_to_the_parent_session_and_is_sidechain() -> None:
    parser, events = parse(SUBAGENT)
    assert {event.session_id for event in events} == {SESSION}
    assert all(event.sidechain and event.data.get("agent_id") == "a1b2c3" for event in events)
    prompt = events[0]
    assert (prompt.kind, prompt.origin) == (EventKind.PROMPT, Origin.AGENT)  # the parent model wrote it
    assert [event.kind for event in events[1:]] == [EventKind.TOOL_CALL, EventKind.TOOL_RESULT, EventKind.ASSISTANT]
    (session,) = parser.sessions()
    assert session.id == SESSION and session.transcript_path is None  # the main file is the session's transcript


def test_subagent_messages_relayed_in_progress_records_reconcile_with_the_subagent_file() -> None:
    own = [json.loads(line) for line in SUBAGENT.read_text().splitlines()]
    parser = ClaudeTranscript("main.jsonl", SESSION)
    relayed = []
    for number, record in enumerate(own, start=1):
        inner = {name: record[name] for name in ("type", "message", "uuid", "timestamp")}
        progress = {
            "type": "progress",
            "sessionId": SESSION,
            "uuid": f"p{number}",
            "data": {"type": "agent_progress", "agentId": "a1b2c3", "message": inner, "prompt": "..."},
        }
        relayed.extend(parser.feed(progress, number))
    direct = parse(SUBAGENT)[1]
    assert [event.key for event in relayed] == [event.key for event in direct]
    assert all(event.sidechain for event in relayed)


def test_a_warmup_sent_to_a_subagent_is_the_harness() -> None:
    record = {"type": "user", "sessionId": "s", "isSidechain": True, "uuid": "u", "message": {"content": "Warmup"}}
    (event,) = ClaudeTranscript("t.jsonl", "s").feed(record, 1)
    assert event.origin == Origin.SYSTEM


def test_a_prompt_that_carries_injected_context_is_split() -> None:
    text = f'{INJECTED_OPEN} kind="prompt">\nRun make test first.\n</reverie-context>\nship it'
    record = {"type": "user", "sessionId": "s", "uuid": "u", "message": {"content": text}}
    injected, typed = ClaudeTranscript("t.jsonl", "s").feed(record, 1)
    assert (injected.origin, typed.origin, typed.text) == (Origin.INJECTED, Origin.USER, "ship it")
    assert typed.key == keys.content_key("s", "prompt", "ship it")


def test_stop_hook_context_recorded_on_the_summary_is_kept() -> None:
    record = {
        "type": "system",
        "subtype": "stop_hook_summary",
        "sessionId": "s",
        "uuid": "u",
        "hookAdditionalContext": [f'{INJECTED_OPEN} kind="stop">\nremember the tests\n</reverie-context>'],
    }
    (event,) = ClaudeTranscript("t.jsonl", "s").feed(record, 1)
    assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.INJECTED)


def test_a_shell_command_the_person_ran_is_theirs_and_its_output_is_untrusted() -> None:
    parser = ClaudeTranscript("t.jsonl", "s")
    (command,) = parser.feed(
        {"type": "user", "sessionId": "s", "message": {"content": "<bash-input>ls</bash-input>"}}, 1
    )
    output = {
        "type": "user",
        "sessionId": "s",
        "message": {"content": "<bash-stdout>a.txt</bash-stdout><bash-stderr></bash-stderr>"},
    }
    (result,) = parser.feed(output, 2)
    assert (command.kind, command.origin, command.text) == (EventKind.PROMPT, Origin.USER, "!ls")
    assert (result.kind, result.origin) == (EventKind.NOTICE, Origin.TOOL)


@pytest.mark.parametrize(
    "record",
    [
        [1, 2, 3],
        "a string",
        {"no": "type"},
        {"type": "user", "sessionId": "s", "message": "not an object"},
        {"type": "user", "sessionId": "s", "message": {"content": [None, 7, {"type": "tool_result"}]}},
        {"type": "assistant", "sessionId": "s", "message": {"content": [{"type": "tool_use", "id": 5}]}},
        {"type": "attachment", "sessionId": "s", "attachment": None},
        {"type": "system", "sessionId": "s", "subtype": None, "content": None},
    ],
)
def test_records_of_unexpected_shapes_never_raise(record: Any) -> None:
    ClaudeTranscript("t.jsonl", "s").feed(record, 1)


def test_records_that_name_no_session_use_the_file_name() -> None:
    parser = ClaudeTranscript("t.jsonl", "from-the-file-name")
    (event,) = parser.feed({"type": "user", "uuid": "u", "message": {"content": "hello"}}, 1)
    assert event.session_id == "from-the-file-name"
    assert [session.id for session in parser.sessions()] == ["from-the-file-name"]
