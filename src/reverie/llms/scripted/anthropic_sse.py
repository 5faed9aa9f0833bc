"""The Anthropic Messages API, as Claude Code speaks it.

Claude Code sends ``POST /v1/messages?beta=true`` with ``stream: true`` and reads server-sent events:
``message_start``, then per content block ``content_block_start`` / ``content_block_delta`` (``text_delta``
for text, ``input_json_delta`` with partial JSON for a ``tool_use`` block) / ``content_block_stop``, then
``message_delta`` (stop reason and output usage) and ``message_stop``. The same message is returned as
one JSON object when ``stream`` is false, so plain SDK clients work too.

Reading requests: hook ``additionalContext`` reaches the model as a ``role: "system"`` entry inside
``messages`` (not only the top-level ``system``), and tool results come back as ``tool_result``
blocks in a user message with ``is_error`` set when the tool failed or a hook blocked it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reverie.llms.scripted.script import Call, IdSource, JsonObject, Reply, ToolCall, ToolResult
from reverie.llms.scripted.wire import chunks, encode_event, estimate_tokens

SHELL_TOOL_NAMES = ("Bash", "bash")


def build_message(reply: Reply, body: JsonObject, ids: IdSource) -> dict[str, Any]:
    """The complete assistant message for ``reply``: the non-streaming answer, and what streams."""
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    offered = offered_tool_names(body)
    for call in reply.calls:
        resolved = resolve_call(call, offered)
        content.append({"type": "tool_use", "id": ids.new("toolu"), "name": resolved.name, "input": resolved.arguments})
    return {
        "id": ids.new("msg"),
        "type": "message",
        "role": "assistant",
        "model": str(body.get("model", "scripted")),
        "content": content,
        "stop_reason": "tool_use" if reply.calls else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": estimate_tokens(json.dumps(body)),
            "output_tokens": estimate_tokens(json.dumps(content)),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def stream_message(message: Mapping[str, Any]) -> bytes:
    return b"".join(encode_event(str(data["type"]), data) for data in _events(message))


def _events(message: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    usage = message["usage"]
    opening = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    yield {"type": "message_start", "message": opening}
    yield {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
    yield {
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
        "usage": {"output_tokens": usage["output_tokens"]},
    }
    yield {"type": "message_stop"}


def _block_events(index: int, block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    if block["type"] == "text":
        yield {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
        for piece in chunks(block["text"]):
            yield {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}
    else:
        yield {"type": "content_block_start", "index": index, "content_block": {**block, "input": {}}}
        for piece in chunks(json.dumps(block["input"])):
            delta = {"type": "input_json_delta", "partial_json": piece}
            yield {"type": "content_block_delta", "index": index, "delta": delta}
    yield {"type": "content_block_stop", "index": index}


def offered_tool_names(body: JsonObject) -> list[str]:
    tools = body.get("tools") or []
    return [str(entry["name"]) for entry in tools if isinstance(entry, dict) and "name" in entry]


def resolve_call(call: Call, offered: Sequence[str]) -> ToolCall:
    if isinstance(call, ToolCall):
        return call
    name = next((name for name in SHELL_TOOL_NAMES if name in offered), SHELL_TOOL_NAMES[0])
    return ToolCall(name, {"command": call.command})


def count_tokens(body: JsonObject) -> dict[str, int]:
    return {"input_tokens": estimate_tokens(json.dumps(body))}


def model_list() -> dict[str, Any]:
    model = {"type": "model", "id": "scripted", "display_name": "Scripted", "created_at": "2025-01-01T00:00:00Z"}
    return {"data": [model], "has_more": False, "first_id": "scripted", "last_id": "scripted"}


def error_body(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


# Reading what the model was shown.


def system_prompt(body: JsonObject) -> str:
    return "\n".join(_texts_of(body.get("system")))


def texts(body: JsonObject, role: str) -> list[str]:
    """The text of every message with ``role`` (``user``, ``assistant`` or ``system``), in order."""
    return [text for message in _messages(body) if message.get("role") == role for text in _texts_of(message)]


def tool_results(body: JsonObject) -> list[ToolResult]:
    return [
        ToolResult(str(block.get("tool_use_id", "")), "\n".join(_texts_of(block)), bool(block.get("is_error", False)))
        for message in _messages(body)
        for block in _blocks(message.get("content"))
        if block.get("type") == "tool_result"
    ]


def _messages(body: JsonObject) -> list[Mapping[str, Any]]:
    messages = body.get("messages")
    return [message for message in messages if isinstance(message, dict)] if isinstance(messages, list) else []


def _texts_of(holder: object) -> list[str]:
    """Text of a message, block or system field whose ``content`` is a string or a list of blocks."""
    content = holder.get("content") if isinstance(holder, dict) else holder
    if isinstance(content, str):
        return [content]
    return [str(block["text"]) for block in _blocks(content) if block.get("type") == "text" and "text" in block]


def _blocks(content: object) -> list[Mapping[str, Any]]:
    return [block for block in content if isinstance(block, dict)] if isinstance(content, list) else []
