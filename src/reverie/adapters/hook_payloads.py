"""Hook payloads in, domain events out: what Claude Code's and Codex's hook protocols share.

Codex adopted Claude Code's hook protocol (same event names, same snake_case fields), so one pure
function turns a spool record of either agent into a ``Session`` and its ``Event`` s; each adapter's
``payloads.py`` names its agent and its few differences (``HookDialect``).

Keys are the ones transcript import computes for the same happenings, so the two sources of one
session reconcile in the store instead of doubling: tool calls and results by the agent's own
``tool_use_id``, prompts by their content (``keys.content_key``). A hook records some things that
no transcript line does (a session starting or ending, a turn stopping, a notification); those are
keyed by the spool record's id, which is unique, so re-ingesting one record is a no-op.

Trust follows origin: what the person typed is ``USER``; text that the harness wrote in their name
(``<task-notification>``, an interrupted request, a context tag) is ``SYSTEM``; tool output is
``TOOL``; tool calls are the model's (``AGENT``); anything that carries reverie's own marker is
``INJECTED``. ``Stop`` carries the model's last message, which the transcript also has: it stays in
``data`` and never becomes an ``ASSISTANT`` event a second time.

Bad input is the rule here, not the exception: unknown events become ``NOTICE`` events, unknown
fields are kept in ``data``, and only a record without a session id (nothing to attach it to) is an
``InputError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reverie.domain import Event, EventKind, Origin, Project, Session, Source, keys
from reverie.domain.markers import contains_injected, strip_injected
from reverie.domain.text import utf8_safe
from reverie.errors import InputError

# Fields that every payload carries and that the Session (not each event's data) keeps.
_SESSION_FIELDS = frozenset({"session_id", "transcript_path", "cwd", "hook_event_name", "event"})
# Harness turns are wrapped in hyphenated or snake_case tags (<task-notification>, <environment_context>).
_HARNESS_TAG = re.compile(r"^\s*<(?P<tag>[a-z]+(?:[-_][a-z]+)+)[\s>]")
_HARNESS_PREFIXES = ("[Request interrupted by user",)
_TOOL_FIELDS: set[str | None] = {"tool_name", "tool_input", "tool_use_id", "tool_response", "error"}
_TEXT_FIELDS = ("stdout", "stderr", "output", "content", "text", "result", "message", "error")


@dataclass(frozen=True, slots=True)
class HookDialect:
    """What differs between agents that speak the hook protocol."""

    agent: str
    # Events that close a tool call's result, and whether they report a failure.
    results: Mapping[str, bool] = field(default_factory=lambda: {"PostToolUse": False, "PostToolUseFailure": True})
    is_harness_prompt: Callable[[str], bool] = lambda text: False


@dataclass(frozen=True, slots=True)
class _Context:
    dialect: HookDialect
    record_id: str
    session_id: str
    event: str
    timestamp: str | None
    payload: Mapping[str, Any]


def normalize_record(record: Mapping[str, Any], dialect: HookDialect) -> tuple[Session, list[Event]]:
    """One spool record as the session it belongs to and the events it adds."""
    payload = record.get("payload")
    if not isinstance(payload, Mapping):
        raise InputError(f"spool record {record.get('id')}: {record.get('error') or 'no payload'}")
    session_id = payload.get("session_id")
    if not isinstance(session_id, str) or not session_id:
        raise InputError(f"spool record {record.get('id')}: the payload has no session_id")
    event = _text(payload.get("hook_event_name")) or _text(payload.get("event")) or str(record.get("event", ""))
    at = _Context(dialect, str(record.get("id", "")), session_id, event, _text(record.get("received_at")), payload)
    handler = _HANDLERS.get(event)
    if handler is None:
        handler = _tool_result if event in dialect.results else _notice
    return _session(record, at), handler(at)


def _session(record: Mapping[str, Any], at: _Context) -> Session:
    project = record.get("project")
    return Session(
        id=at.session_id,
        agent=at.dialect.agent,
        project=Project(key=str(project["key"]), name=str(project.get("name") or project["key"]))
        if isinstance(project, Mapping) and project.get("key")
        else None,
        cwd=_text(at.payload.get("cwd")),
        started_at=at.timestamp,  # the store keeps the earliest: a session seen first mid-way still starts
        ended_at=at.timestamp if at.event == "SessionEnd" else None,
        transcript_path=_text(at.payload.get("transcript_path")),
    )


# -- one function per event ----------------------------------------------------------------------


def _prompt(at: _Context) -> list[Event]:
    prompt = _text(at.payload.get("prompt")) or ""
    data = _extras(at.payload, {"prompt", "prompt_key_digest"})
    if contains_injected(prompt):
        own = strip_injected(prompt).strip()
        injected = _event(at, _hook_key(at, "injected"), EventKind.NOTICE, Origin.INJECTED, prompt, data=data)
        return [injected, _typed(at, own, data)] if own else [injected]
    if at.dialect.is_harness_prompt(prompt) or _HARNESS_TAG.match(prompt) or prompt.startswith(_HARNESS_PREFIXES):
        return [_event(at, _hook_key(at, "prompt"), EventKind.NOTICE, Origin.SYSTEM, prompt, data=data)]
    return [_typed(at, prompt, data)]


def _typed(at: _Context, prompt: str, data: dict[str, Any]) -> Event:
    # The hook redacted the prompt before spooling it; the digest of what was typed (taken before
    # redaction, see capture.hook) keeps the key equal to the one transcript import computes.
    digest = _text(at.payload.get("prompt_key_digest"))
    key = f"{at.session_id}:prompt:{digest}{keys.PENDING_ORDINAL}" if digest else None
    key = key or keys.content_key(at.session_id, "prompt", utf8_safe(prompt))
    if prompt.startswith("/"):
        data = {**data, "command": prompt[1:].split(maxsplit=1)[0] if prompt[1:].strip() else ""}
    return _event(at, key, EventKind.PROMPT, Origin.USER, prompt, data=data)


def _tool_call(at: _Context) -> list[Event]:
    return [_call_event(at)]


def _tool_result(at: _Context) -> list[Event]:
    failed = at.dialect.results.get(at.event, False)
    tool_use_id = _text(at.payload.get("tool_use_id"))
    response = at.payload.get("tool_response")
    text = _text(at.payload.get("error")) if failed else None
    if text is None:
        text = _response_text(response if response is not None else at.payload.get("error"))
    is_error = failed or _reports_error(response)
    result = _event(
        at,
        keys.tool_result_key(at.session_id, tool_use_id) if tool_use_id else _hook_key(at, "tool_result"),
        EventKind.TOOL_RESULT,
        Origin.TOOL,
        text,
        tool_name=_text(at.payload.get("tool_name")),
        tool_use_id=tool_use_id,
        is_error=is_error,
        data=_extras(at.payload, _TOOL_FIELDS),
    )
    # The call too, in case its PreToolUse was not captured; its key makes it a no-op when it was.
    return [_call_event(at), result]


def _call_event(at: _Context) -> Event:
    tool_use_id = _text(at.payload.get("tool_use_id"))
    tool_name = _text(at.payload.get("tool_name")) or ""
    tool_input = at.payload.get("tool_input")
    if not isinstance(tool_input, Mapping):
        tool_input = {} if tool_input is None else {"input": tool_input}
    key = (
        keys.tool_call_key(at.session_id, tool_use_id)
        if tool_use_id
        else keys.content_key(at.session_id, "tool_call", f"{tool_name} {json.dumps(tool_input, sort_keys=True)}")
        # json.dumps escapes lone surrogates, so this text always encodes
    )
    return _event(
        at,
        key,
        EventKind.TOOL_CALL,
        Origin.AGENT,
        tool_name=tool_name,
        tool_use_id=tool_use_id,
        tool_input=dict(tool_input),
        data=_extras(at.payload, _TOOL_FIELDS),
    )


def _lifecycle(kind: EventKind, text_field: str | None = None) -> Callable[[_Context], list[Event]]:
    def handle(at: _Context) -> list[Event]:
        text = (_text(at.payload.get(text_field)) or "") if text_field else ""
        data = _extras(at.payload, {text_field} if text_field else set())
        return [_event(at, _hook_key(at, kind.value), kind, Origin.SYSTEM, text, data=data)]

    return handle


def _notice(at: _Context) -> list[Event]:
    text = _text(at.payload.get("message")) or ""
    origin = Origin.INJECTED if contains_injected(text) else Origin.SYSTEM
    return [_event(at, _hook_key(at, "notice"), EventKind.NOTICE, origin, text, data=_extras(at.payload, {"message"}))]


_HANDLERS: dict[str, Callable[[_Context], list[Event]]] = {
    "SessionStart": _lifecycle(EventKind.SESSION_START, "source"),
    "UserPromptSubmit": _prompt,
    "PreToolUse": _tool_call,
    "Stop": _lifecycle(EventKind.STOP),
    "SubagentStop": _lifecycle(EventKind.SUBAGENT_STOP),
    "PreCompact": _lifecycle(EventKind.COMPACTION, "custom_instructions"),
    "SessionEnd": _lifecycle(EventKind.SESSION_END, "reason"),
}


# -- pieces --------------------------------------------------------------------------------------


def _event(at: _Context, key: str, kind: EventKind, origin: Origin, text: str = "", **fields: Any) -> Event:
    data = fields.pop("data", None)
    return Event(
        key=key,
        session_id=at.session_id,
        kind=kind,
        origin=origin,
        source=Source.HOOK,
        timestamp=at.timestamp,
        text=utf8_safe(text),  # JSON may carry lone surrogates (an emoji cut in half); the store cannot
        data={"hook_event": at.event, **(data if data is not None else _extras(at.payload, set()))},
        **fields,
    )


def _hook_key(at: _Context, kind: str) -> str:
    """For what only a hook records: unique per spool record, so ingesting it twice adds nothing."""
    return f"{at.session_id}:hook:{kind}:{at.record_id}"


def _extras(payload: Mapping[str, Any], used: set[str | None]) -> dict[str, Any]:
    """Every field not kept elsewhere: unknown and future fields are kept, never dropped."""
    return {name: value for name, value in payload.items() if name not in _SESSION_FIELDS and name not in used}


def _response_text(response: object) -> str:
    """A tool's response as text: its output fields when it has them, else the whole as JSON."""
    if response is None:
        return ""
    if isinstance(response, str):
        return response
    if isinstance(response, Mapping):
        parts = [_response_text(response[name]) for name in _TEXT_FIELDS if response.get(name)]
        if parts:
            return "\n".join(part for part in parts if part)
        file = response.get("file")
        if isinstance(file, Mapping) and isinstance(file.get("content"), str):
            return str(file["content"])
    if isinstance(response, list):
        return "\n".join(_response_text(item) for item in response)
    return json.dumps(response, ensure_ascii=False, default=str)


def _reports_error(response: object) -> bool:
    if not isinstance(response, Mapping):
        return False
    return response.get("is_error") is True or response.get("success") is False or response.get("interrupted") is True


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
