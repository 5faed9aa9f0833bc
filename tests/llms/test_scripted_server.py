"""The scripted model server, driven by the official ``anthropic`` and ``openai`` client libraries as real
clients, and by raw HTTP for what those clients never send (bad bodies, probes, unknown paths)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reverie.errors import InputError
from reverie.llms.scripted_server import (
    MAX_BODY_BYTES,
    Api,
    Kind,
    Reply,
    Script,
    ScriptedServer,
    ShellCall,
    ToolCall,
    ToolResult,
    never,
    say,
    shell,
    tool,
)

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

BASH_TOOL = {"name": "Bash", "description": "Run a command", "input_schema": {"type": "object"}}
WRITE_TOOL = {"name": "Write", "description": "Write a file", "input_schema": {"type": "object"}}
EXEC_TOOL = {"type": "function", "name": "exec_command", "parameters": {"type": "object"}}
LONG_TEXT = "A reply long enough to arrive in several streamed pieces, as a real model's would."


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ScriptedServer] = []

    def start(*replies: Reply) -> ScriptedServer:
        server = ScriptedServer(Script(replies)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def claude_client(server: ScriptedServer) -> Any:
    return anthropic.Anthropic(base_url=server.url, api_key="dummy", max_retries=0)


def openai_client(server: ScriptedServer) -> Any:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="dummy", max_retries=0)


def ask_claude(server: ScriptedServer, messages: list[dict[str, Any]], **options: Any) -> Any:
    with claude_client(server).messages.stream(model="m", max_tokens=100, messages=messages, **options) as stream:
        return stream.get_final_message()


# The Anthropic Messages API.


def test_anthropic_stream_delivers_text_in_several_deltas(serve: Any) -> None:
    server = serve(say(LONG_TEXT))
    client = claude_client(server)
    messages = [{"role": "user", "content": "hi"}]
    with client.messages.stream(model="m", max_tokens=100, messages=messages, tools=[BASH_TOOL]) as stream:
        deltas = [event.delta.text for event in stream if event.type == "content_block_delta"]
        message = stream.get_final_message()
    assert len(deltas) > 1
    assert "".join(deltas) == LONG_TEXT
    assert message.content[0].text == LONG_TEXT
    assert message.stop_reason == "end_turn"


def test_anthropic_tool_call_streams_its_input_as_partial_json(serve: Any) -> None:
    server = serve(tool("Write", file_path="/tmp/x/notes.md", content="line one\nline two\n" * 5))
    message = ask_claude(server, [{"role": "user", "content": "write"}], tools=[WRITE_TOOL])
    [block] = message.content
    assert (block.type, block.name) == ("tool_use", "Write")
    assert block.input == {"file_path": "/tmp/x/notes.md", "content": "line one\nline two\n" * 5}
    assert block.id.startswith("toolu_")
    assert message.stop_reason == "tool_use"


def test_shell_resolves_to_the_bash_tool(serve: Any) -> None:
    server = serve(shell("false"))
    message = ask_claude(server, [{"role": "user", "content": "run"}], tools=[BASH_TOOL])
    assert [(block.name, block.input) for block in message.content] == [("Bash", {"command": "false"})]


def test_one_reply_may_say_something_and_call_tools_in_parallel(serve: Any) -> None:
    server = serve(Reply(text="Running both.", calls=(ShellCall("echo a"), ToolCall("Write", {"file_path": "b"}))))
    message = ask_claude(server, [{"role": "user", "content": "go"}], tools=[BASH_TOOL, WRITE_TOOL])
    assert [block.type for block in message.content] == ["text", "tool_use", "tool_use"]
    assert message.content[1].id != message.content[2].id


def test_anthropic_without_streaming_returns_the_same_message(serve: Any) -> None:
    server = serve(shell("ls"))
    message = claude_client(server).messages.create(
        model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}], tools=[BASH_TOOL]
    )
    assert [(block.name, block.input) for block in message.content] == [("Bash", {"command": "ls"})]
    assert message.usage.input_tokens > 0


def test_the_server_records_tool_results_and_system_entries_inside_messages(serve: Any) -> None:
    server = serve(shell("false"), say("done"))
    first = ask_claude(server, [{"role": "user", "content": "run"}], tools=[BASH_TOOL])
    call_id = first.content[0].id
    conversation = [
        {"role": "user", "content": "run"},
        {"role": "system", "content": "SessionStart hook additional context: remember pnpm"},
        {"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call_id, "content": "Exit 1", "is_error": True}],
        },
    ]
    ask_claude(server, conversation, tools=[BASH_TOOL], system="You are scripted.")
    second = server.main_exchanges()[1]
    assert second.api is Api.ANTHROPIC
    assert second.reply_index == 1
    assert second.tool_results == [ToolResult(call_id, "Exit 1", True)]
    assert second.texts("system") == ["SessionStart hook additional context: remember pnpm"]
    assert second.system_prompt == "You are scripted."
    assert second.shows("remember pnpm")
    assert not server.main_exchanges()[0].shows("remember pnpm")


def test_side_requests_without_tools_do_not_consume_the_script(serve: Any) -> None:
    server = serve(shell("echo main"))
    side = claude_client(server).messages.create(
        model="haiku", max_tokens=5, messages=[{"role": "user", "content": "t"}]
    )
    main = ask_claude(server, [{"role": "user", "content": "run"}], tools=[BASH_TOOL])
    assert side.content[0].text == "OK"
    assert main.content[0].input == {"command": "echo main"}
    assert [item.kind for item in server.exchanges] == [Kind.SIDE, Kind.MAIN]
    assert server.script.done


def test_a_script_for_a_client_without_tools_can_treat_every_request_as_main() -> None:
    server = ScriptedServer(Script([say("scripted")], is_side_request=never)).start()
    try:
        answer = claude_client(server).messages.create(
            model="m", max_tokens=5, messages=[{"role": "user", "content": "t"}]
        )
    finally:
        server.stop()
    assert answer.content[0].text == "scripted"
    assert [item.kind for item in server.exchanges] == [Kind.MAIN]


def test_a_request_past_the_end_of_the_script_is_answered_and_counted(serve: Any) -> None:
    server = serve(say("only"))
    ask_claude(server, [{"role": "user", "content": "1"}], tools=[BASH_TOOL])
    extra = ask_claude(server, [{"role": "user", "content": "2"}], tools=[BASH_TOOL])
    assert extra.stop_reason == "end_turn"
    assert server.script.overruns == 1
    assert server.main_exchanges()[1].reply_index is None


def test_token_count_and_model_list_answer_without_consuming_the_script(serve: Any) -> None:
    server = serve(say("x"))
    client = claude_client(server)
    counted = client.messages.count_tokens(model="m", messages=[{"role": "user", "content": "hello " * 40}])
    assert counted.input_tokens > 10
    assert [model.id for model in client.models.list()] == ["scripted"]
    assert server.script.consumed == 0
    assert {item.kind for item in server.exchanges} == {Kind.PROBE}


# The OpenAI Responses API.


def test_responses_stream_delivers_text(serve: Any) -> None:
    server = serve(say(LONG_TEXT))
    with openai_client(server).responses.stream(model="m", input="hi", tools=[EXEC_TOOL]) as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        response = stream.get_final_response()
    assert len(deltas) > 1
    assert "".join(deltas) == response.output_text == LONG_TEXT
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens


def test_sequence_numbers_count_up_from_zero(serve: Any) -> None:
    server = serve(shell("true"))
    events = list(openai_client(server).responses.create(model="m", input="hi", tools=[EXEC_TOOL], stream=True))
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert events[0].type == "response.created"
    assert events[-1].type == "response.completed"


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        ("exec_command", {"cmd": "false"}),
        ("shell_command", {"command": "false"}),
        ("shell", {"command": ["bash", "-lc", "false"]}),
    ],
)
def test_shell_resolves_to_the_shell_tool_codex_offers(serve: Any, offered: str, expected: dict[str, Any]) -> None:
    server = serve(shell("false"))
    offered_tool = {"type": "function", "name": offered, "parameters": {"type": "object"}}
    with openai_client(server).responses.stream(model="m", input="run", tools=[offered_tool]) as stream:
        [call] = stream.get_final_response().output
    assert (call.type, call.name, json.loads(call.arguments)) == ("function_call", offered, expected)
    assert call.call_id.startswith("call_")


def test_a_freeform_tool_is_called_with_its_text_as_codex_offers_apply_patch(serve: Any) -> None:
    patch = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n"
    server = serve(tool("apply_patch", input=patch))
    offered = {"type": "custom", "name": "apply_patch", "format": {"type": "grammar", "syntax": "lark"}}
    with openai_client(server).responses.stream(model="m", input="edit", tools=[EXEC_TOOL, offered]) as stream:
        events = [event.type for event in stream]
        [call] = stream.get_final_response().output
    assert (call.type, call.name, call.input) == ("custom_tool_call", "apply_patch", patch)
    assert "response.custom_tool_call_input.done" in events


def test_responses_without_streaming_and_function_call_outputs_are_recorded(serve: Any) -> None:
    server = serve(shell("false"), say("done"))
    client = openai_client(server)
    first = client.responses.create(model="m", input="run", tools=[EXEC_TOOL])
    call = first.output[0]
    history = [
        {"role": "user", "content": "run"},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "Process exited with code 1"},
    ]
    second = client.responses.create(model="m", input=history, tools=[EXEC_TOOL], instructions="Be brief.")
    assert second.output_text == "done"
    exchange = server.main_exchanges(Api.OPENAI)[1]
    assert exchange.tool_results == [ToolResult(call.call_id, "Process exited with code 1", None)]
    assert exchange.texts("user") == ["run"]
    assert exchange.system_prompt == "Be brief."


def test_openai_model_list(serve: Any) -> None:
    server = serve(say("x"))
    assert [model.id for model in openai_client(server).models.list()] == ["scripted"]


# Raw HTTP: what the clients never send.


def raw_request(
    server: ScriptedServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_head_and_root_probes_answer_200(serve: Any) -> None:
    server = serve(say("x"))
    assert raw_request(server, "HEAD", "/")[0] == 200
    assert raw_request(server, "GET", "/")[0] == 200
    assert server.unexpected() == []


def test_unknown_paths_get_404_and_are_reported(serve: Any) -> None:
    server = serve(say("x"))
    status, body = raw_request(server, "POST", "/v1/files", b"{}", {"anthropic-version": "2023-06-01"})
    assert status == 404
    assert json.loads(body)["error"]["type"] == "not_found_error"
    assert raw_request(server, "GET", "/v1/organizations")[0] == 404
    assert [(item.method, item.path) for item in server.unexpected()] == [
        ("POST", "/v1/files"),
        ("GET", "/v1/organizations"),
    ]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {}, 400),
        (b"[1, 2]", {}, 400),
        (b'{"model": "m"}', {"Content-Encoding": "zstd"}, 415),
        (b"not gzip at all", {"Content-Encoding": "gzip"}, 400),
        (b"\xff\xfe\x00garbage", {}, 400),
    ],
)
def test_unreadable_bodies_are_refused_without_consuming_the_script(
    serve: Any, body: bytes, headers: dict[str, str], status: int
) -> None:
    server = serve(say("x"))
    assert raw_request(server, "POST", "/v1/messages", body, headers)[0] == status
    assert [item.kind for item in server.exchanges] == [Kind.INVALID]
    assert server.script.consumed == 0


def test_gzip_and_chunked_bodies_are_read(serve: Any) -> None:
    server = serve(say("one"), say("two"))
    request = {"model": "m", "messages": [{"role": "user", "content": "zipped"}], "tools": [BASH_TOOL]}
    status, _ = raw_request(
        server, "POST", "/v1/messages", gzip.compress(json.dumps(request).encode()), {"Content-Encoding": "gzip"}
    )
    assert status == 200
    payload = json.dumps({**request, "messages": [{"role": "user", "content": "chunked"}]}).encode()
    chunked = (
        b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (payload[:10], payload[10:])) + b"0\r\n\r\n"
    )
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("POST", "/v1/messages")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders(chunked)
    assert connection.getresponse().status == 200
    connection.close()
    assert [item.texts("user") for item in server.main_exchanges()] == [["zipped"], ["chunked"]]


def test_an_oversized_body_is_refused_before_it_is_read(serve: Any) -> None:
    server = serve(say("x"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(f"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode())
        answer = raw.recv(200)
    assert answer.startswith(b"HTTP/1.0 413") or answer.startswith(b"HTTP/1.1 413")
    assert server.script.consumed == 0


def test_a_truncated_body_is_refused(serve: Any) -> None:
    server = serve(say("x"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b'POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"model": "m", "mess')
        raw.shutdown(socket.SHUT_WR)
        answer = raw.recv(200)
    assert b" 400 " in answer.split(b"\r\n")[0]
    assert server.script.consumed == 0


def test_concurrent_main_requests_each_get_a_different_reply(serve: Any) -> None:
    replies = [say(f"reply {number}") for number in range(8)]
    server = serve(*replies)
    texts: list[str] = []

    def ask() -> None:
        texts.append(ask_claude(server, [{"role": "user", "content": "hi"}], tools=[BASH_TOOL]).content[0].text)

    threads = [threading.Thread(target=ask) for _ in replies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(texts) == sorted(reply.text for reply in replies)
    assert sorted(item.reply_index or 0 for item in server.main_exchanges()) == list(range(8))


# Scripts.


def test_script_from_json_reads_every_reply_form() -> None:
    script = Script.from_json(
        [
            {"say": "hello"},
            {"shell": "false"},
            {"tool": "Write", "input": {"file_path": "a.txt", "content": "x"}},
            {"text": "both", "calls": [{"shell": "ls"}, {"tool": "Read", "input": {"file_path": "a.txt"}}]},
        ]
    )
    assert script.replies == (
        say("hello"),
        shell("false"),
        tool("Write", file_path="a.txt", content="x"),
        Reply("both", (ShellCall("ls"), ToolCall("Read", {"file_path": "a.txt"}))),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"say": "x"}, "a JSON list"),
        (["say"], "reply 1: expected an object"),
        ([{"say": 3}], "reply 1: say must be a string"),
        ([{"say": "ok"}, {"mumble": "x"}], "reply 2: expected one of"),
        ([{"tool": "Bash", "input": "ls"}], "input must be an object"),
        ([{"text": "x", "calls": {"shell": "ls"}}], "calls must be a list"),
        ([{"text": "", "calls": []}], "needs text or at least one tool call"),
    ],
)
def test_bad_scripts_are_refused_with_the_reply_named(data: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Script.from_json(data, path="script.json")


def test_the_command_line_serves_a_script_and_records_requests(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"shell": "false"}]))
    record = tmp_path / "requests.jsonl"
    command = [sys.executable, "-m", "reverie.llms.scripted_server", "--script", str(script), "--say", "done"]
    server = subprocess.Popen(
        [*command, "--record", str(record)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split()[4]
        client = anthropic.Anthropic(base_url=url, api_key="dummy", max_retries=0)
        for _ in range(2):
            client.messages.create(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}], tools=[BASH_TOOL]
            )
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=10)
    assert server.returncode == 0
    assert "POST /v1/messages -> 200 main reply 1" in errors
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(line["kind"], line["reply_index"]) for line in lines] == [("main", 0), ("main", 1)]


def test_the_command_line_refuses_an_unreadable_script(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text("[{")
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-m", "reverie.llms.scripted_server", "--script", str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "script.json" in result.stderr
    assert "cannot read the script" in result.stderr
