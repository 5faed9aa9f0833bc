"""Events: the append-only atoms of a trace.

An event is one thing that happened in an agent session: a prompt the person typed, a message the
model wrote, a tool call and its result, a compaction, the session starting or ending. Events come
from two sources (live hooks and transcript import) and both describe the same session, so every
event carries an idempotency ``key`` that both sources compute the same way; the store keeps the
first copy and ignores the rest.

Every piece of text carries its ``origin`` because trust follows origin: only ``user`` text may
ever become a preference or instruction; ``tool`` text (command output, file contents, web pages)
is untrusted; ``injected`` text is reverie's own context and is never learned from again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    USER = "user"  # typed by the person
    AGENT = "agent"  # written by the model
    TOOL = "tool"  # command output, file contents, fetched pages: untrusted
    INJECTED = "injected"  # context that reverie itself put into the session
    SYSTEM = "system"  # the agent harness: slash-command expansions, notifications, interrupts


class EventKind(StrEnum):
    SESSION_START = "session_start"
    PROMPT = "prompt"
    ASSISTANT = "assistant"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    COMPACTION = "compaction"
    SUBAGENT_STOP = "subagent_stop"
    STOP = "stop"
    SESSION_END = "session_end"
    NOTICE = "notice"  # harness messages that are neither typed nor written by the model


class Source(StrEnum):
    HOOK = "hook"
    TRANSCRIPT = "transcript"


@dataclass(frozen=True, slots=True)
class Event:
    """One event of one session. ``key`` is unique across the whole store."""

    key: str
    session_id: str
    kind: EventKind
    origin: Origin
    source: Source
    timestamp: str | None = None  # ISO 8601, UTC, as the agent wrote it
    text: str = ""
    tool_name: str | None = None
    tool_use_id: str | None = None
    tool_input: dict[str, Any] | None = None
    is_error: bool = False
    sidechain: bool = False  # written by a subagent
    transcript_path: str | None = None
    transcript_line: int | None = None  # 1-based line in ``transcript_path``
    data: dict[str, Any] = field(default_factory=dict)  # small agent-specific extras
