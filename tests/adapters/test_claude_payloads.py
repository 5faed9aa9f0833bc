"""Claude Code hook payloads -> events: kinds, keys that reconcile with transcripts, origins."""

from __future__ import annotations

from typing import Any

import pytest

from reverie.adapters.claude_code.payloads import normalize
from reverie.domain import EventKind, Origin, Source, keys
from reverie.domain.markers import wrap_injected
from reverie.errors import InputError


def record(event: str, record_id: str = "r1", **fields: Any) -> dict[str, Any]:
    payload = {
        "session_id": "s1",
        "transcript_path": "C:\\Users\\dev\\.claude\\projects\\C--game\\s1.jsonl",
        "cwd": "C:\\game",
        "permission_mode": "default",
        "hook_event_name": event,
        **fields,
    }
    return {
        "version": 1,
        "id": record_id,
        "agent": "claude-code",
        "event": event,
        "received_at": "2026-01-02T19:11:26.123Z",
        "project": {"key": "github.com/acme/game", "name": "acme/game"},
        "payload": payload,
    }


def test_session_start_opens_the_session() -> None:
    session, [event] = normalize(record("SessionStart", source="resume", model="claude-opus"))
    assert session.agent == "claude-code" and session.cwd == "C:\\game"
    assert session.project is not None and session.project.key == "github.com/acme/game"
    assert session.started_at == "2026-01-02T19:11:26.123Z" and session.ended_at is None
    assert session.transcript_path and session.transcript_path.endswith("s1.jsonl")
    assert (event.kind, event.origin, event.source, event.text) == (
        EventKind.SESSION_START,
        Origin.SYSTEM,
        Source.HOOK,
        "resume",
    )
    assert event.data["model"] == "claude-opus"


def test_a_typed_prompt_is_the_users_and_keyed_by_content() -> None:
    _, [event] = normalize(record("UserPromptSubmit", prompt="use pnpm, not npm"))
    assert (event.kind, event.origin) == (EventKind.PROMPT, Origin.USER)
    assert event.key == keys.content_key("s1", "prompt", "use pnpm, not npm")


def test_a_slash_command_is_typed_and_named() -> None:
    _, [event] = normalize(record("UserPromptSubmit", prompt="/review src/app.py"))
    assert event.origin is Origin.USER and event.data["command"] == "review"


@pytest.mark.parametrize(
    "prompt",
    ["<task-notification>\n<task-id>b1</task-id>\n</task-notification>", "[Request interrupted by user for tool use]"],
)
def test_harness_text_in_the_prompt_field_is_system(prompt: str) -> None:
    _, [event] = normalize(record("UserPromptSubmit", prompt=prompt))
    assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.SYSTEM)


def test_reveries_own_context_is_injected_and_the_rest_stays_the_users() -> None:
    prompt = wrap_injected("use pnpm", "recall") + "\nnow fix the build"
    _, events = normalize(record("UserPromptSubmit", prompt=prompt))
    assert [(e.kind, e.origin) for e in events] == [
        (EventKind.NOTICE, Origin.INJECTED),
        (EventKind.PROMPT, Origin.USER),
    ]
    assert events[1].text == "now fix the build"


def test_a_redacted_prompt_keeps_the_key_of_what_was_typed() -> None:
    _, [event] = normalize(record("UserPromptSubmit", prompt="TOKEN=[REDACTED:token]", prompt_key_digest="ab" * 10))
    assert event.key == f"s1:prompt:{'ab' * 10}{keys.PENDING_ORDINAL}"


def test_tool_call_and_result_are_keyed_by_tool_use_id() -> None:
    _, [call] = normalize(record("PreToolUse", tool_name="Bash", tool_input={"command": "ls"}, tool_use_id="toolu_1"))
    assert (call.kind, call.origin, call.key) == (
        EventKind.TOOL_CALL,
        Origin.AGENT,
        keys.tool_call_key("s1", "toolu_1"),
    )
    assert call.tool_input == {"command": "ls"} and call.tool_name == "Bash"
    response = {"stdout": "a.py\nb.py", "stderr": "", "interrupted": False, "isImage": False}
    _, [again, result] = normalize(
        record(
            "PostToolUse",
            tool_name="Bash",
            tool_input={"command": "ls"},
            tool_use_id="toolu_1",
            tool_response=response,
            duration_ms=12,
        )
    )
    assert again.key == call.key  # PostToolUse repeats the call; the store keeps one
    assert (result.kind, result.origin, result.key) == (
        EventKind.TOOL_RESULT,
        Origin.TOOL,
        keys.tool_result_key("s1", "toolu_1"),
    )
    assert result.text == "a.py\nb.py" and not result.is_error and result.data["duration_ms"] == 12


def test_a_failed_tool_is_an_error_result() -> None:
    _, [_, result] = normalize(
        record(
            "PostToolUseFailure",
            tool_name="Bash",
            tool_input={"command": "npm test"},
            tool_use_id="toolu_2",
            error="Exit code 1\nnpm ERR! missing script: test",
        )
    )
    assert result.is_error and result.origin is Origin.TOOL and "missing script" in result.text


def test_a_read_result_is_the_file_content() -> None:
    response = {"type": "text", "file": {"filePath": "/a.py", "content": "print(1)\n"}}
    _, [_, result] = normalize(record("PostToolUse", tool_name="Read", tool_use_id="t", tool_response=response))
    assert result.text == "print(1)\n"


def test_stop_is_a_stop_and_not_a_second_copy_of_the_assistant_text() -> None:
    _, events = normalize(record("Stop", stop_hook_active=False, last_assistant_message="All done."))
    assert [e.kind for e in events] == [EventKind.STOP]
    assert events[0].data["last_assistant_message"] == "All done."


@pytest.mark.parametrize(
    ("event", "kind", "text_field"),
    [
        ("SubagentStop", EventKind.SUBAGENT_STOP, None),
        ("PreCompact", EventKind.COMPACTION, "custom_instructions"),
        ("SessionEnd", EventKind.SESSION_END, "reason"),
    ],
)
def test_lifecycle_events(event: str, kind: EventKind, text_field: str | None) -> None:
    fields = {text_field: "words"} if text_field else {"agent_id": "a1", "agent_type": "Explore"}
    session, [normalized] = normalize(record(event, trigger="manual", **fields))
    assert normalized.kind is kind and normalized.origin is Origin.SYSTEM
    assert normalized.key == f"s1:hook:{kind.value}:r1"
    assert session.ended_at == ("2026-01-02T19:11:26.123Z" if event == "SessionEnd" else None)


def test_unknown_events_and_fields_are_kept() -> None:
    _, [event] = normalize(record("FutureEvent", message="hello", brand_new={"nested": [1]}))
    assert (event.kind, event.origin, event.text) == (EventKind.NOTICE, Origin.SYSTEM, "hello")
    assert event.data["brand_new"] == {"nested": [1]} and event.data["hook_event"] == "FutureEvent"


def test_unknown_fields_of_known_events_are_kept() -> None:
    _, [event] = normalize(
        record("PreToolUse", tool_name="Bash", tool_use_id="t", tool_input={}, effort={"level": "x"})
    )
    assert event.data["effort"] == {"level": "x"}


def test_flattened_logs_without_tool_use_id_still_normalize() -> None:
    rec = record("PreToolUse", tool_name="Bash", tool_input={"command": "ls -la"})
    rec["payload"].pop("hook_event_name")
    rec["payload"]["event"] = "PreToolUse"
    _, [call] = normalize(rec)
    assert call.kind is EventKind.TOOL_CALL and keys.needs_ordinal(call.key)


@pytest.mark.parametrize("payload", [None, {"cwd": "/w"}, {"session_id": ""}, {"session_id": 7}])
def test_a_payload_without_a_session_is_an_input_error(payload: Any) -> None:
    rec = record("Stop")
    rec["payload"] = payload
    with pytest.raises(InputError):
        normalize(rec)


def test_lone_surrogates_never_break_a_key() -> None:
    _, [event] = normalize(record("UserPromptSubmit", prompt="half an emoji \ud83c"))
    event.text.encode("utf-8")
    assert event.key.startswith("s1:prompt:")
