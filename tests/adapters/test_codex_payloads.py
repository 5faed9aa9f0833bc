"""Codex hook payloads -> events: the same protocol, Codex's events and context tags."""

from __future__ import annotations

from typing import Any

from reverie.adapters.codex.payloads import normalize
from reverie.domain import EventKind, Origin, keys


def record(event: str, **fields: Any) -> dict[str, Any]:
    payload = {
        "session_id": "019a-thread",
        "transcript_path": None,
        "cwd": "/home/dev/chess",
        "hook_event_name": event,
        "model": "gpt-5-codex",
        **fields,
    }
    return {
        "version": 1,
        "id": "r9",
        "agent": "codex",
        "event": event,
        "received_at": "2026-01-02T10:00:00.000Z",
        "project": None,
        "payload": payload,
    }


def test_the_session_belongs_to_codex() -> None:
    session, [event] = normalize(record("SessionStart", source="startup"))
    assert session.agent == "codex" and session.transcript_path is None and session.project is None
    assert event.kind is EventKind.SESSION_START and event.data["model"] == "gpt-5-codex"


def test_calls_and_results_use_the_call_id_the_rollout_uses() -> None:
    fields = {"tool_name": "Bash", "tool_use_id": "call_abc", "tool_input": {"command": "cargo test"}, "turn_id": "t1"}
    _, [call] = normalize(record("PreToolUse", **fields))
    assert call.key == keys.tool_call_key("019a-thread", "call_abc") and call.data["turn_id"] == "t1"
    _, [_, result] = normalize(record("PostToolUse", tool_response="error[E0425]: cannot find value", **fields))
    assert result.key == keys.tool_result_key("019a-thread", "call_abc")
    assert result.origin is Origin.TOOL and result.text.startswith("error[E0425]")


def test_codex_context_tags_are_the_harness() -> None:
    _, [event] = normalize(
        record("UserPromptSubmit", prompt="<environment_context>\n<cwd>/x</cwd>\n</environment_context>")
    )
    assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.SYSTEM)
    _, [typed] = normalize(record("UserPromptSubmit", prompt="add castling", turn_id="t2"))
    assert typed.origin is Origin.USER and typed.key == keys.content_key("019a-thread", "prompt", "add castling")


def test_stop_ends_a_turn_and_post_compact_is_kept() -> None:
    _, [stop] = normalize(record("Stop", stop_hook_active=False, last_assistant_message="Done"))
    assert stop.kind is EventKind.STOP
    _, [compact] = normalize(record("PostCompact", trigger="auto"))
    assert compact.kind is EventKind.NOTICE and compact.data["trigger"] == "auto"
