"""Exchanges: every request the scripted server received, kept so tests can ask what the model saw.

An exchange answers questions in the terms of the conversation, whichever wire format carried it:
the system prompt, the text of each role, the tool results (with ``is_error`` where the format has
it), and whether some text appeared anywhere in the request at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from reverie.llms.scripted import anthropic_sse, openai_responses_sse
from reverie.llms.scripted.script import JsonObject, ToolResult


class _Reader(Protocol):
    """What each wire-format module can tell about a request body."""

    def system_prompt(self, body: JsonObject) -> str: ...
    def texts(self, body: JsonObject, role: str) -> list[str]: ...
    def tool_results(self, body: JsonObject) -> list[ToolResult]: ...
    def offered_tool_names(self, body: JsonObject) -> list[str]: ...


class Api(StrEnum):
    ANTHROPIC = "anthropic"
    OPENAI = "openai"


class Kind(StrEnum):
    MAIN = "main"  # a main-conversation request: consumed one reply of the script
    SIDE = "side"  # title, summary, quota and other side calls: answered without the script
    PROBE = "probe"  # HEAD, model lists, token counts: answered without the script
    UNKNOWN = "unknown"  # a path the server does not know: answered 404
    INVALID = "invalid"  # a body the server could not read: answered 4xx


@dataclass(frozen=True, slots=True)
class Exchange:
    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: Mapping[str, Any] | None
    api: Api | None
    kind: Kind
    status: int
    reply_index: int | None = None  # which scripted reply answered; None for anything else

    @property
    def system_prompt(self) -> str:
        return self._wire().system_prompt(self._body()) if self.api else ""

    def texts(self, role: str) -> list[str]:
        return self._wire().texts(self._body(), role) if self.api else []

    @property
    def tool_results(self) -> list[ToolResult]:
        return self._wire().tool_results(self._body()) if self.api else []

    @property
    def tools_offered(self) -> list[str]:
        """Names of the tools the request offered the model (the main loop always offers some)."""
        return self._wire().offered_tool_names(self._body()) if self.api else []

    def shows(self, text: str) -> bool:
        """Whether ``text`` appears anywhere in the request: prompt, messages, tools or results."""
        return self.body is not None and text in json.dumps(self.body, ensure_ascii=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "api": self.api,
            "kind": self.kind,
            "status": self.status,
            "reply_index": self.reply_index,
            "headers": dict(self.headers),
            "body": self.body,
        }

    def _body(self) -> Mapping[str, Any]:
        return self.body or {}

    def _wire(self) -> _Reader:
        return anthropic_sse if self.api is Api.ANTHROPIC else openai_responses_sse
