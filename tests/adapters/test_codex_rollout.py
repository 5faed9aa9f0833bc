"""The Codex rollout parser against a small synthetic rollout with every quirk in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reverie.adapters.codex.rollout import CodexRollout
from reverie.domain import Event, EventKind, Origin, keys

SESSION = "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
ROLLOUT = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "transcripts"
    / "codex"
    / "sessions"
    / "2026"
    / "01"
    / "05"
    / f"rollout-2026-01-05T10-00-00-{SESSION}.jsonl"
)


def parse(path: Path, start: int = 1) -> tuple[CodexRollout, list[Event]]:
    parser = CodexRollout(str(path))
    events: list[Event] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if number >= start:
            events.extend(parser.feed(json.loads(line), number))
    return parser, events


def at_line(events: list[Event], line: int) -> list[Event]:
    return [event for event in events if event.transcript_line == line]


@pytest.fixture(scope="module")
def rollout() -> tuple[CodexRollout, list[Event]]:
    return parse(ROLLOUT)


@pytest.mark.parametrize("line", [2, 3, 4])
def test_codex_context_in_developer_and_user_messages_is_system(
    rollout: tuple[CodexRollout, list[Event]], line: int
) -> None:
    (event,) = at_line(rollout[1], line)  # permissions, <environment_context>, AGENTS.md
    assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.SYSTEM)


def test_a_prompt_that_appears_twice_is_kept_once_keyed_as_the_hook_keys_it(
    rollout: tuple[CodexRollout, list[Event]],
) -> None:
    parser, events = rollout
    prompts = [
        event for event in events if event.text == "run the tests and fix what fails" and event.transcript_line < 20
    ]
    (prompt,) = prompts  # the response item, not its event_msg copy
    assert (prompt.kind, prompt.origin, prompt.transcript_line) == (EventKind.PROMPT, Origin.USER, 6)
    assert prompt.key == keys.content_key(SESSION, "prompt", "run the tests and fix what fails")
    assert parser.skipped["event_msg:user_message (repeats a response item)"] == 1


def test_a_prompt_typed_again_later_is_a_second_occurrence(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (again,) = at_line(rollout[1], 20)
    assert again.key == at_line(rollout[1], 6)[0].key  # the store gives it ordinal 2


def test_reasoning_keeps_the_summary_and_never_the_encrypted_content(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (thought,) = at_line(rollout[1], 8)
    assert (thought.kind, thought.origin, thought.text) == (
        EventKind.ASSISTANT,
        Origin.AGENT,
        "**Running the test suite**",
    )
    assert thought.data == {"thinking": True}
    assert "gAAAA" not in json.dumps([thought.text, thought.data])


def test_tool_arguments_are_decoded_and_results_matched_by_call_id(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (call,) = at_line(rollout[1], 9)
    (result,) = at_line(rollout[1], 10)
    assert call.key == keys.tool_call_key(SESSION, "call_1") and call.tool_name == "shell"
    assert call.tool_input == {"command": ["pytest", "-q"], "workdir": "/home/dev/api"}
    assert result.key == keys.tool_result_key(SESSION, "call_1")
    assert (result.origin, result.is_error, result.tool_name) == (Origin.TOOL, True, "shell")  # exit code 1


def test_custom_tools_keep_their_free_text_input_and_unwrap_their_output(
    rollout: tuple[CodexRollout, list[Event]],
) -> None:
    (call,) = at_line(rollout[1], 11)
    (result,) = at_line(rollout[1], 12)
    assert call.tool_name == "apply_patch" and call.tool_input is not None
    assert call.tool_input["input"].startswith("*** Begin Patch")
    assert (result.text, result.is_error) == ("Success. Updated the following files:\nM api.py\n", False)


def test_an_assistant_message_that_appears_twice_is_kept_once(rollout: tuple[CodexRollout, list[Event]]) -> None:
    events = [event for event in rollout[1] if event.text == "Fixed the health check."]
    assert [(event.kind, event.origin, event.transcript_line) for event in events] == [
        (EventKind.ASSISTANT, Origin.AGENT, 14)
    ]


def test_images_become_placeholders(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (prompt,) = at_line(rollout[1], 16)
    assert prompt.text == "does this look right?\n[image]"
    assert prompt.key == keys.content_key(SESSION, "prompt", "does this look right?")


def test_an_aborted_turn_and_a_compaction(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (aborted,) = at_line(rollout[1], 17)
    (compacted,) = at_line(rollout[1], 18)
    assert (aborted.kind, aborted.origin, aborted.data) == (EventKind.NOTICE, Origin.SYSTEM, {"interrupted": True})
    assert (compacted.kind, compacted.origin, compacted.text) == (
        EventKind.COMPACTION,
        Origin.AGENT,
        "Earlier: the tests were fixed.",
    )


def test_noise_and_unknown_lines_are_counted(rollout: tuple[CodexRollout, list[Event]]) -> None:
    parser, events = rollout
    assert parser.skipped["event_msg:token_count"] == 1 and parser.skipped["hologram_item"] == 1
    assert at_line(events, 20)  # parsing went on after the unknown line


def test_the_session_comes_from_session_meta_and_turn_context(rollout: tuple[CodexRollout, list[Event]]) -> None:
    (session,) = rollout[0].sessions()
    assert (session.id, session.agent, session.cwd, session.parent_id) == (SESSION, "codex", "/home/dev/api", None)
    assert (session.started_at, session.ended_at) == ("2026-01-05T10:00:00.500Z", "2026-01-05T10:00:18.000Z")
    assert session.transcript_path == str(ROLLOUT)


def test_resuming_mid_file_knows_the_session_from_the_file_name() -> None:
    _, events = parse(ROLLOUT, start=9)
    assert {event.session_id for event in events} == {SESSION}


def test_a_subagent_thread_names_its_parent_and_is_sidechain() -> None:
    parser = CodexRollout("rollout-x.jsonl")
    meta = {"id": "child", "source": {"subagent": {"thread_spawn": {"parent_thread_id": "parent", "depth": 1}}}}
    parser.feed({"type": "session_meta", "payload": meta}, 1)
    (event,) = parser.feed(
        {
            "type": "response_item",
            "payload": {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "done"}]},
        },
        2,
    )
    assert parser.sessions()[0].parent_id == "parent"
    assert event.sidechain and event.session_id == "child"


@pytest.mark.parametrize(
    "output, failed",
    [
        ("Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 2\nOutput:\n", True),
        ("Exit code: 0\nOutput:\nok", False),
        ({"content": "denied", "success": False}, True),
        ([{"type": "input_text", "text": "listing"}], False),
        ('{"output":"boom","metadata":{"exit_code":1}}', True),
    ],
)
def test_tool_failures_are_read_from_every_output_shape(output: Any, failed: bool) -> None:
    (event,) = CodexRollout("r.jsonl").feed(
        {"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c", "output": output}}, 1
    )
    assert event.is_error is failed


@pytest.mark.parametrize(
    "record",
    [
        [1],
        {"type": "response_item", "payload": None},
        {"type": "response_item", "payload": {"type": "message", "role": "user", "content": "text, not parts"}},
        {"type": "response_item", "payload": {"type": "function_call", "arguments": "not json"}},
        {"type": "event_msg", "payload": {"type": None}},
        {"type": "session_meta", "payload": {"id": 5, "source": [1, 2]}},
    ],
)
def test_lines_of_unexpected_shapes_never_raise(record: Any) -> None:
    CodexRollout("r.jsonl").feed(record, 1)
