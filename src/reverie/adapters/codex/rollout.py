"""Codex CLI rollouts in, domain events out: one line at a time, no I/O.

A rollout is ``$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<timestamp>-<session id>.jsonl``, one
``{"timestamp", "type", "payload"}`` object a line:

* ``session_meta`` (the first line) names the session, its folder, the CLI version and, for a
  subagent thread, the parent thread; ``turn_context`` repeats the folder and model every turn.
* ``response_item`` is what the model saw and said: ``message`` (roles ``user``, ``assistant``,
  ``developer``), ``reasoning`` (readable summaries plus encrypted content, never kept),
  ``function_call`` / ``custom_tool_call`` / ``local_shell_call`` with their ``*_output``. Tool
  arguments are JSON *strings*; they are decoded into ``tool_input``.
* ``event_msg`` is what the UI showed. Most of it repeats a response item (``user_message``,
  ``agent_message``, ``agent_reasoning``): messages appear twice, so only the response item is kept
  and the copy is counted as skipped. What only events carry is kept: an aborted turn (the person
  interrupted) and errors.
* ``compacted`` holds the summary that replaced the history.

Codex writes its own context into user-role messages (``<environment_context>``,
``<user_instructions>``, the AGENTS.md text, ...) and developer messages: those are ``SYSTEM``, not
the person's words. Prompts are keyed by content as the UserPromptSubmit hook keys them; tool calls
and results by ``call_id``. Messages carry no id of their own, so the rest is keyed by line: a
rollout only ever grows (``codex resume`` appends to it), so a line number never changes meaning.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.domain import Event, EventKind, Origin, Session, Source, keys
from reverie.domain.markers import contains_injected
from reverie.domain.text import utf8_safe

AGENT = "codex"

_SESSION_ID_IN_NAME = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
# Codex's own context in user-role messages: one snake_case element (<environment_context>, ...)
# or the AGENTS.md instructions it reads for the person.
_WRAPPED = re.compile(r"^\s*<(?P<tag>[a-z]+(?:_[a-z]+)+)[\s>]")
_INSTRUCTIONS_PREFIXES = ("# AGENTS.md instructions", "<INSTRUCTIONS>")
_EXIT_CODE = re.compile(r"(?:^Exit code: |Process exited with code )(?P<code>-?\d+)", re.MULTILINE)
_TOOL_CALLS = frozenset({"function_call", "custom_tool_call", "local_shell_call", "web_search_call"})
_TOOL_OUTPUTS = frozenset({"function_call_output", "custom_tool_call_output", "local_shell_call_output"})
# Event messages that repeat a response item, or only count tokens and turns.
_REPEATED_EVENTS = frozenset({"user_message", "agent_message", "agent_reasoning", "agent_reasoning_raw_content"})


@dataclass(frozen=True, slots=True)
class _Line:
    line: int
    timestamp: str | None


class CodexRollout:
    """The parser of one Codex rollout file. Feed it lines in file order."""

    def __init__(self, path: str, default_session_id: str | None = None) -> None:
        self.path = path
        match = _SESSION_ID_IN_NAME.search(Path(path).stem)
        self.session_id = match.group(1) if match else (default_session_id or Path(path).stem)
        self.skipped: Counter[str] = Counter()
        self._cwd: str | None = None
        self._parent_id: str | None = None
        self._started_at: str | None = None
        self._ended_at: str | None = None
        self._tool_names: dict[str, str] = {}

    def prime(self, record: object) -> None:
        """Read the session's identity from the first line when resuming further down the file."""
        if isinstance(record, dict) and record.get("type") == "session_meta":
            self._session_meta(_mapping(record.get("payload")), _Line(0, None))

    def feed(self, record: object, line: int) -> list[Event]:
        if not isinstance(record, dict):
            self.skipped["(not an object)"] += 1
            return []
        kind = record.get("type")
        payload = _mapping(record.get("payload"))
        at = _Line(line, _text_field(record, "timestamp"))
        if at.timestamp:
            self._started_at = min(self._started_at or at.timestamp, at.timestamp)
            self._ended_at = max(self._ended_at or at.timestamp, at.timestamp)
        if kind == "session_meta":
            self._session_meta(payload, at)
            return []
        if kind == "turn_context":
            self._cwd = _text_field(payload, "cwd") or self._cwd
            return []
        if kind == "response_item":
            return self._response_item(payload, at)
        if kind == "event_msg":
            return self._event_msg(payload, at)
        if kind == "compacted":
            text = str(payload.get("message") or "")
            return [self._event(at, self._line_key("compaction", at), EventKind.COMPACTION, Origin.AGENT, text)]
        self.skipped[kind if isinstance(kind, str) else "(no type)"] += 1
        return []

    def finish(self) -> list[Event]:
        return []

    def sessions(self) -> list[Session]:
        return [
            Session(
                id=self.session_id,
                agent=AGENT,
                cwd=self._cwd,
                started_at=self._started_at,
                ended_at=self._ended_at,
                transcript_path=self.path,
                parent_id=self._parent_id,
            )
        ]

    # -- lines -------------------------------------------------------------------------------

    def _session_meta(self, payload: dict[str, Any], at: _Line) -> None:
        self.session_id = _text_field(payload, "id") or self.session_id
        self._cwd = _text_field(payload, "cwd") or self._cwd
        self._parent_id = _find_text(payload.get("source"), "parent_thread_id") or self._parent_id
        started = _text_field(payload, "timestamp")
        if started:
            self._started_at = min(self._started_at or started, started)

    def _response_item(self, item: dict[str, Any], at: _Line) -> list[Event]:
        kind = item.get("type")
        if kind == "message":
            return self._message(item, at)
        if kind == "reasoning":
            summary = "\n\n".join(_text_of(part) for part in _list(item.get("summary"))).strip()
            if not summary:
                self.skipped["response_item:reasoning (no summary)"] += 1
                return []
            data = {"thinking": True}
            return [
                self._event(at, self._line_key("assistant", at), EventKind.ASSISTANT, Origin.AGENT, summary, data=data)
            ]
        if kind in _TOOL_CALLS:
            return [self._tool_call(item, at)]
        if kind in _TOOL_OUTPUTS:
            return [self._tool_output(item, at)]
        self.skipped[f"response_item:{kind}"] += 1
        return []

    def _message(self, item: dict[str, Any], at: _Line) -> list[Event]:
        role = item.get("role")
        parts = _list(item.get("content"))
        stored = "\n".join(_text_of(part) for part in parts)
        if not stored.strip():
            return []
        if role == "assistant":
            origin = Origin.INJECTED if contains_injected(stored) else Origin.AGENT
            return [self._event(at, self._line_key("assistant", at), EventKind.ASSISTANT, origin, stored)]
        if role == "user" and not _is_codex_context(stored):
            if contains_injected(stored):
                return [self._event(at, self._line_key("notice", at), EventKind.NOTICE, Origin.INJECTED, stored)]
            typed = "\n".join(part["text"] for part in parts if isinstance(part.get("text"), str))
            key = keys.content_key(self.session_id, "prompt", utf8_safe(typed))
            return [self._event(at, key, EventKind.PROMPT, Origin.USER, stored)]
        origin = Origin.INJECTED if contains_injected(stored) else Origin.SYSTEM
        data = {"role": role} if isinstance(role, str) else {}
        return [self._event(at, self._line_key("notice", at), EventKind.NOTICE, origin, stored, data=data)]

    def _tool_call(self, item: dict[str, Any], at: _Line) -> Event:
        kind = str(item.get("type"))
        call_id = _text_field(item, "call_id") or _text_field(item, "id")
        name = _text_field(item, "name") or kind.removesuffix("_call")
        if call_id:
            self._tool_names[call_id] = name
        return self._event(
            at,
            keys.tool_call_key(self.session_id, call_id) if call_id else self._line_key("tool_call", at),
            EventKind.TOOL_CALL,
            Origin.AGENT,
            tool_name=name,
            tool_use_id=call_id,
            tool_input=_tool_input(item),
        )

    def _tool_output(self, item: dict[str, Any], at: _Line) -> Event:
        call_id = _text_field(item, "call_id")
        text, failed = _tool_output_text(item.get("output"))
        return self._event(
            at,
            keys.tool_result_key(self.session_id, call_id) if call_id else self._line_key("tool_result", at),
            EventKind.TOOL_RESULT,
            Origin.TOOL,
            text,
            tool_name=self._tool_names.get(call_id or ""),
            tool_use_id=call_id,
            is_error=failed,
        )

    def _event_msg(self, message: dict[str, Any], at: _Line) -> list[Event]:
        kind = message.get("type")
        if kind == "turn_aborted":
            reason = str(message.get("reason") or "aborted")
            text = f"Turn aborted: {reason}"
            data = {"interrupted": True} if reason == "interrupted" else {}
            return [self._event(at, self._line_key("notice", at), EventKind.NOTICE, Origin.SYSTEM, text, data=data)]
        if kind in ("error", "stream_error"):
            text = str(message.get("message") or kind)
            return [self._event(at, self._line_key("notice", at), EventKind.NOTICE, Origin.SYSTEM, text, is_error=True)]
        suffix = " (repeats a response item)" if kind in _REPEATED_EVENTS else ""
        self.skipped[f"event_msg:{kind}{suffix}"] += 1
        return []

    # -- events ------------------------------------------------------------------------------

    def _line_key(self, kind: str, at: _Line) -> str:
        return keys.record_key(self.session_id, kind, f"line-{at.line}")

    def _event(self, at: _Line, key: str, kind: EventKind, origin: Origin, text: str = "", **fields: Any) -> Event:
        return Event(
            key=key,
            session_id=self.session_id,
            kind=kind,
            origin=origin,
            source=Source.TRANSCRIPT,
            timestamp=at.timestamp,
            text=text,
            sidechain=self._parent_id is not None,
            transcript_path=self.path,
            transcript_line=at.line,
            **fields,
        )


def _is_codex_context(text: str) -> bool:
    stripped = text.lstrip()
    return bool(_WRAPPED.match(stripped)) or stripped.startswith(_INSTRUCTIONS_PREFIXES)


def _tool_input(item: dict[str, Any]) -> dict[str, Any]:
    for name in ("arguments", "input"):
        value = item.get(name)
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                return {name: value}  # custom tools (apply_patch) take free text
            return decoded if isinstance(decoded, dict) else {name: decoded}
        if isinstance(value, dict):
            return value
    for name in ("action", "query"):  # local_shell_call and web_search_call
        if name in item:
            return {name: item[name]}
    return {}


def _tool_output_text(output: object) -> tuple[str, bool]:
    """The text of a tool's output, and whether it says that the tool failed."""
    if isinstance(output, dict):
        text, failed = _tool_output_text(output.get("content", output.get("output", "")))
        return text, failed or output.get("success") is False
    if isinstance(output, list):
        return "\n".join(_text_of(part) for part in _list(output)), False
    text = str(output or "")
    if text.startswith("{"):  # custom tools wrap their output with metadata in a JSON string
        try:
            wrapped = json.loads(text)
        except ValueError:
            wrapped = None
        if isinstance(wrapped, dict) and "output" in wrapped:
            code = _mapping(wrapped.get("metadata")).get("exit_code")
            return str(wrapped["output"]), isinstance(code, int) and code != 0
    exit_code = _EXIT_CODE.search(text, 0, 400)
    return text, exit_code is not None and int(exit_code["code"]) != 0


def _text_of(part: dict[str, Any]) -> str:
    kind = part.get("type")
    if isinstance(part.get("text"), str):
        return str(part["text"])
    if isinstance(kind, str) and "image" in kind:
        return "[image]"  # a data: URL of up to megabytes of base64
    return f"[{kind}]"


def _find_text(value: object, name: str) -> str | None:
    """A string field anywhere inside nested objects (where it sits moved between Codex versions)."""
    if isinstance(value, dict):
        if isinstance(value.get(name), str):
            return str(value[name])
        for item in value.values():
            found = _find_text(item, name)
            if found:
                return found
    return None


def _text_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) and value else None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[dict[str, Any]]:
    return [part for part in value if isinstance(part, dict)] if isinstance(value, list) else []
