"""The OpenAI Responses API, as Codex CLI speaks it with a custom ``model_provider``.

Codex sends ``POST /v1/responses`` with ``stream: true`` and reads server-sent events, each carrying a
``sequence_number``: ``response.created``, ``response.in_progress``, then per output item
``response.output_item.added``, its deltas (``response.content_part.added`` /
``response.output_text.delta`` / ``.done`` / ``response.content_part.done`` for a message,
``response.function_call_arguments.delta`` / ``.done`` for a ``function_call``,
``response.custom_tool_call_input.delta`` / ``.done`` for a ``custom_tool_call``: a freeform tool such as
the ``apply_patch`` that Codex offers to models whose metadata asks for it), and
``response.output_item.done``; finally ``response.completed`` with the whole response and its usage.
The same response object is returned as plain JSON when ``stream`` is false.

Reading requests: Codex resends the whole conversation each time (``store: false``) as ``input``
items; tool results are ``function_call_output`` items whose ``output`` is text (the command's exit
code is inside the text: the wire has no error flag). Its instructions arrive as ``developer``
messages and, in some versions, the top-level ``instructions``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reverie.llms.scripted.script import Call, IdSource, JsonObject, Reply, ToolCall, ToolResult
from reverie.llms.scripted.wire import chunks, encode_event, estimate_tokens


def build_response(reply: Reply, body: JsonObject, ids: IdSource) -> dict[str, Any]:
    """The complete response object for ``reply``: the non-streaming answer, and what streams."""
    output: list[dict[str, Any]] = []
    if reply.text:
        content = [{"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}]
        message = {"id": ids.new("msg"), "type": "message", "status": "completed", "role": "assistant"}
        output.append({**message, "content": content})
    offered, freeform = offered_tool_names(body), _freeform_tool_names(body)
    for call in reply.calls:
        resolved = resolve_call(call, offered)
        item = {"type": "function_call", "status": "completed", "call_id": ids.new("call"), "name": resolved.name}
        if resolved.name in freeform:  # its one argument is the text itself: `tool("apply_patch", input=patch)`
            custom = {**item, "type": "custom_tool_call", "input": _freeform_input(resolved)}
            output.append({"id": ids.new("ctc"), **custom})
        else:
            output.append({"id": ids.new("fc"), **item, "arguments": json.dumps(resolved.arguments)})
    input_tokens = estimate_tokens(json.dumps(body))
    output_tokens = estimate_tokens(json.dumps(output))
    return {
        "id": ids.new("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "model": str(body.get("model", "scripted")),
        "output": output,
        "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)),
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }


def stream_response(response: Mapping[str, Any]) -> bytes:
    return b"".join(
        encode_event(str(event["type"]), {**event, "sequence_number": number})
        for number, event in enumerate(_events(response))
    )


def _events(response: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    opening = {**response, "status": "in_progress", "output": [], "usage": None}
    yield {"type": "response.created", "response": opening}
    yield {"type": "response.in_progress", "response": opening}
    for index, item in enumerate(response["output"]):
        if item["type"] == "message":
            yield from _message_events(index, item)
        elif item["type"] == "custom_tool_call":
            yield from _custom_call_events(index, item)
        else:
            yield from _function_call_events(index, item)
    yield {"type": "response.completed", "response": response}


def _message_events(index: int, item: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    where = {"item_id": item["id"], "output_index": index, "content_index": 0}
    part = item["content"][0]
    yield {"type": "response.output_item.added", "output_index": index, "item": _in_progress(item, content=[])}
    yield {"type": "response.content_part.added", **where, "part": {**part, "text": ""}}
    for piece in chunks(part["text"]):
        yield {"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []}
    yield {"type": "response.output_text.done", **where, "text": part["text"], "logprobs": []}
    yield {"type": "response.content_part.done", **where, "part": part}
    yield {"type": "response.output_item.done", "output_index": index, "item": item}


def _function_call_events(index: int, item: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    where = {"item_id": item["id"], "output_index": index}
    yield {"type": "response.output_item.added", "output_index": index, "item": _in_progress(item, arguments="")}
    for piece in chunks(item["arguments"]):
        yield {"type": "response.function_call_arguments.delta", **where, "delta": piece}
    yield {"type": "response.function_call_arguments.done", **where, "arguments": item["arguments"]}
    yield {"type": "response.output_item.done", "output_index": index, "item": item}


def _custom_call_events(index: int, item: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    where = {"item_id": item["id"], "output_index": index}
    yield {"type": "response.output_item.added", "output_index": index, "item": _in_progress(item, input="")}
    for piece in chunks(item["input"]):
        yield {"type": "response.custom_tool_call_input.delta", **where, "delta": piece}
    yield {"type": "response.custom_tool_call_input.done", **where, "input": item["input"]}
    yield {"type": "response.output_item.done", "output_index": index, "item": item}


def _in_progress(item: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    return {**item, "status": "in_progress", **overrides}


def offered_tool_names(body: JsonObject) -> list[str]:
    """Names of the offered tools, including those nested in a ``namespace`` tool."""
    names: list[str] = []
    for entry in body.get("tools") or []:
        if isinstance(entry, dict):
            names.extend(str(entry["name"]) for entry in [entry, *entry.get("tools", [])] if "name" in entry)
    return names


def _freeform_tool_names(body: JsonObject) -> set[str]:
    """Tools offered as ``custom``: the model answers them with text, not JSON arguments."""
    tools = body.get("tools") or []
    return {str(t["name"]) for t in tools if isinstance(t, dict) and t.get("type") == "custom" and "name" in t}


def _freeform_input(call: ToolCall) -> str:
    text = call.arguments.get("input", "")
    return text if isinstance(text, str) else json.dumps(call.arguments)


def resolve_call(call: Call, offered: Sequence[str]) -> ToolCall:
    """Codex has offered its shell as ``exec_command`` (unified exec, a string ``cmd``), as
    ``shell_command`` (a string ``command``) and as ``shell`` (an argv list); use what it offers."""
    if isinstance(call, ToolCall):
        return call
    if "exec_command" in offered or not offered:
        return ToolCall("exec_command", {"cmd": call.command})
    if "shell_command" in offered:
        return ToolCall("shell_command", {"command": call.command})
    return ToolCall("shell", {"command": ["bash", "-lc", call.command]})


def model_list() -> dict[str, Any]:
    return {"object": "list", "data": [{"id": "scripted", "object": "model", "created": 0, "owned_by": "reverie"}]}


def error_body(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


# Reading what the model was shown.


def system_prompt(body: JsonObject) -> str:
    instructions = body.get("instructions")
    parts = [instructions] if isinstance(instructions, str) and instructions else []
    return "\n".join(parts + texts(body, "developer") + texts(body, "system"))


def texts(body: JsonObject, role: str) -> list[str]:
    """The text of every input message with ``role`` (``user``, ``assistant``, ``developer``, ...)."""
    return [text for item in _items(body) if item.get("role") == role for text in _texts_of(item.get("content"))]


def tool_results(body: JsonObject) -> list[ToolResult]:
    return [
        ToolResult(str(item.get("call_id", "")), "\n".join(_texts_of(item.get("output"))), None)
        for item in _items(body)
        if item.get("type") in ("function_call_output", "custom_tool_call_output")
    ]


def _items(body: JsonObject) -> list[Mapping[str, Any]]:
    items = body.get("input")
    if isinstance(items, str):
        return [{"type": "message", "role": "user", "content": items}]
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _texts_of(content: object) -> list[str]:
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [str(part["text"]) for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)]
