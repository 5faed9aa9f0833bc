"""The resident hook server and ``hook.sh``: the same capture and answers as the per-event Python hook,
a token that must match, a fallback that still captures, bad requests that never hang, and a server that
leaves when idle or when its code changed."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.capture import bundle, resident_call, resident_start
from reverie.workspace import Workspace
from tests.capture.resident_helpers import (
    CAPTURE,
    alive,
    announced,
    environment,
    exchange,
    request,
    server,
    spooled,
    stop_started,
    through_client,
    through_python,
    wait_for,
)
from tests.recall.builders import BLOG_YARN, MIGRATIONS, PNPM, PYTHON3, STYLE, TESTS, store_lessons
from tests.recall.conftest import make_checkout

SECRET = "gh" + "p_" + "k3Y" * 12


def session(checkout: Path) -> list[tuple[str, bytes, bool]]:
    """A short session's events: (event, payload, answered by recall)."""
    base = {"session_id": "sess-res", "transcript_path": "/x.jsonl", "cwd": str(checkout)}

    def event(name: str, **fields: object) -> bytes:
        return json.dumps({**base, "hook_event_name": name, **fields}).encode()

    call = {"tool_name": "Bash", "tool_input": {"command": "npm test"}, "tool_use_id": "toolu_1"}
    migration = {"tool_name": "Edit", "tool_input": {"file_path": str(checkout / "migrations" / "0002.sql")}}
    return [
        ("SessionStart", event("SessionStart", source="startup"), True),
        ("UserPromptSubmit", event("UserPromptSubmit", prompt=f"run the tests, token {SECRET}"), True),
        ("PreToolUse", event("PreToolUse", **call), True),
        ("PreToolUse", event("PreToolUse", **migration, tool_use_id="toolu_2"), True),
        ("PostToolUse", event("PostToolUse", **call, tool_response={"stdout": "ok " * 2000}), False),
        ("Stop", event("Stop", stop_hook_active=False), False),
    ]


@pytest.fixture
def twins(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """Two homes holding the same lessons and index, and a checkout of their project."""
    first = tmp_path / "per-event"
    workspace = Workspace.open(first)
    try:
        store_lessons(workspace, [PNPM, TESTS, MIGRATIONS, PYTHON3, STYLE, BLOG_YARN])
    finally:
        workspace.close()
    second = tmp_path / "resident"
    shutil.copytree(first, second)
    yield first, second, make_checkout(tmp_path / "shop", "github.com/acme/shop")
    for home in (first, second):
        stop_started(home)  # a server that a fallback started


def test_the_resident_path_captures_and_answers_byte_for_byte_as_the_per_event_hook(
    twins: tuple[Path, Path, Path],
) -> None:
    per_event, home, checkout = twins
    answers = []
    with server(home):
        for event, payload, answered in session(checkout):
            expected = through_python(event, payload, per_event, recall=answered).stdout
            got = through_client(event, payload, home, recall=answered).stdout
            assert got == expected, event
            answers.append(got)
        stays = announced(home)
    assert b"additionalContext" in answers[0] and b"permissionDecision" in answers[2]  # the session said something
    assert spooled(home) == spooled(per_event) != []
    assert SECRET not in json.dumps(spooled(home))  # redacted before it was written
    assert stays is not None and not (home / "logs").exists()


def test_a_server_answers_what_the_lessons_say(twins: tuple[Path, Path, Path]) -> None:
    _, home, checkout = twins
    (start, start_payload, _), _, (_, call, _) = session(checkout)[:3]
    with server(home) as process:
        digest = json.loads(through_client(start, start_payload, home, python="/nonexistent/python").stdout)
        denied = json.loads(through_client("PreToolUse", call, home, python="/nonexistent/python").stdout)
        assert alive(process.pid)
    assert STYLE.id in digest["hookSpecificOutput"]["additionalContext"]  # no Python hook could have run
    assert denied["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert [r["event"] for r in spooled(home)] == ["SessionStart", "PreToolUse"]


def test_without_a_server_the_python_hook_answers_and_starts_one(twins: tuple[Path, Path, Path]) -> None:
    per_event, home, checkout = twins
    (event, payload, _) = session(checkout)[0]
    assert announced(home) is None
    done = through_client(event, payload, home)
    assert done.stdout == through_python(event, payload, per_event).stdout != b""
    assert spooled(home) == spooled(per_event)
    _, token, pid = wait_for(lambda: announced(home), "a server started by the fallback")
    try:
        run = home / "run"
        assert stat.S_IMODE(run.stat().st_mode) == 0o700
        assert stat.S_IMODE((run / "resident").stat().st_mode) == 0o600
        assert len(bytes.fromhex(token)) == 32
        through_client("Stop", session(checkout)[-1][1], home, recall=False, python="/nonexistent/python")
        assert [r["event"] for r in spooled(home)] == ["SessionStart", "Stop"]
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not alive(pid), "the started server to stop")


def test_a_dead_server_falls_back_to_the_python_hook(twins: tuple[Path, Path, Path]) -> None:
    per_event, home, checkout = twins
    with server(home):
        line = (home / "run" / "resident").read_text()
    (home / "run" / "resident").write_text(line)  # the file of a server that is gone
    (home / "run" / "resident").chmod(0o600)
    for event, payload, answered in session(checkout)[:3]:
        done = through_client(event, payload, home, recall=answered)
        assert done.stdout == through_python(event, payload, per_event, recall=answered).stdout
    assert spooled(home) == spooled(per_event)


def test_a_wrong_or_missing_token_is_refused_unanswered(twins: tuple[Path, Path, Path]) -> None:
    _, home, checkout = twins
    payload = session(checkout)[0][1]
    args = ["--agent", "claude-code", "--event", "SessionStart", "--home", str(home), "--recall", "yes"]
    with server(home) as process:
        _, token, _ = announced(home) or (0, "", 0)
        wrong = ("0" if token[0] != "0" else "1") + token[1:]
        assert exchange(home, request(wrong, args, payload)) == b""
        assert exchange(home, request("", args, payload)) == b""
        assert exchange(home, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == b""
        assert spooled(home) == []
        right = exchange(home, request(token, args, payload))
        assert right.startswith(b"c") and b"additionalContext" in right and alive(process.pid)
    assert len(spooled(home)) == 1


def test_half_garbage_and_huge_requests_never_hang_the_server(twins: tuple[Path, Path, Path]) -> None:
    _, home, checkout = twins
    args = ["--agent", "claude-code", "--event", "PostToolUse", "--home", str(home)]
    payload = session(checkout)[4][1]
    with server(home) as process:
        port, token, _ = announced(home) or (0, "", 0)
        stalled = socket.create_connection(("127.0.0.1", port))  # half a request, never finished
        stalled.sendall(request(token, args, payload)[:200])
        assert exchange(home, b"\0" * 100 + b"\xff" * 10_000) == b""
        assert exchange(home, request(token, args, payload)[:-1]) == b""  # no final NUL: cut, never answered
        huge = request(token, args, b"x" * (resident_call.MAX_REQUEST_BYTES + 1))
        assert exchange(home, huge) == b""
        assert exchange(home, request(token, args, payload)) == b"c0\n"  # while the stalled one still waits
        assert stalled.recv(10) == b""  # the stalled request was closed when its time ran out
        stalled.close()
        assert alive(process.pid)
    assert len(spooled(home)) == 1


def test_a_payload_too_large_for_bash_goes_to_the_python_hook_whole(twins: tuple[Path, Path, Path]) -> None:
    per_event, home, checkout = twins
    big = json.dumps({"session_id": "s", "cwd": str(checkout), "tool_response": {"stdout": "word " * 40_000}})
    with server(home):
        through_client("PostToolUse", big.encode(), home, recall=False)
    through_python("PostToolUse", big.encode(), per_event, recall=False)
    assert spooled(home) == spooled(per_event) and len(spooled(home)) == 1


def test_an_idle_server_leaves_and_withdraws_its_run_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with server(home, "--idle", "0.5") as process:
        process.wait(timeout=30)
        assert process.returncode == 0
    assert announced(home) is None


def test_a_server_whose_code_changed_leaves_at_the_next_event(tmp_path: Path, twins: tuple[Path, Path, Path]) -> None:
    _, home, checkout = twins
    root = tmp_path / "package"
    shutil.copytree(CAPTURE.parent, root / "reverie", ignore=shutil.ignore_patterns("__pycache__"))
    (event, payload, _) = session(checkout)[0]
    with server(home, root=root) as process:
        assert through_client(event, payload, home, python="/nonexistent/python").stdout != b""
        source = root / "reverie" / "recall" / "respond.py"
        source.write_text(source.read_text() + "\n# upgraded\n")
        assert through_client(event, payload, home, python="/nonexistent/python").stdout == b""  # closed, unanswered
        process.wait(timeout=30)
    assert announced(home) is None and len(spooled(home)) == 1


def test_a_hook_runtime_file_from_other_sources_stops_the_server_and_one_from_the_same_does_not(
    twins: tuple[Path, Path, Path],
) -> None:
    _, home, checkout = twins
    (event, payload, _) = session(checkout)[0]
    through_python(event, payload, home)  # builds the hook runtime file
    with server(home) as process:
        bundle.build(str(home))  # what `reverie init` does: the same sources, written afresh
        assert through_client(event, payload, home, python="/nonexistent/python").stdout != b""
        assert alive(process.pid)
        runtime = Path(bundle.path(str(home)))
        written = marshal.loads(runtime.read_bytes())
        written["stamp"][0] = (written["stamp"][0][0], 1, 1)  # built from a source as it was once
        runtime.write_bytes(marshal.dumps(written))
        process.wait(timeout=30)  # noticed on its own within a tick, without an event
    assert announced(home) is None


def test_one_server_per_home(twins: tuple[Path, Path, Path]) -> None:
    _, home, _ = twins
    with server(home) as first:
        before = announced(home)
        second = subprocess.run(resident_start.server_command(str(home)), env=environment(), timeout=60, check=False)
        assert second.returncode == 0  # found the home's lock held and left
        assert alive(first.pid) and announced(home) == before


def fed(token: bytes, data: bytes, piece: int) -> resident_call.Request | None:
    """``data`` fed to a request in pieces of ``piece`` bytes, as the server's reads may cut it."""
    incoming = resident_call.Incoming(token, until=0.0)
    got = None
    for start in range(0, len(data), piece):
        got = incoming.feed(data[start : start + piece])
    return got


@pytest.mark.parametrize("piece", [1, 7, 1 << 20])
def test_a_request_is_read_whole_however_it_arrives(piece: int) -> None:
    token = b"ab" * 32
    data = request(token.decode(), ["--event", "Stop"], b'{"a": 1}', {"REVERIE_INJECT": "0", "PATH": "/x"})
    got = fed(token, data, piece)
    assert got is not None and got.argv == ["--event", "Stop"] and got.payload == b'{"a": 1}'
    assert got.environment == {"REVERIE_INJECT": "0"}  # only what the hook reads is taken from the client
    assert fed(token, data[:-1], piece) is None  # no final NUL: not complete yet
    empty = fed(token, request(token.decode(), [], b""), piece)
    assert empty is not None and empty.argv == [] and empty.payload == b""


@pytest.mark.parametrize(
    "bad",
    [
        request("cd" * 32, [], b"{}"),  # a wrong token
        request("", [], b"{}"),  # none
        b"GET / HTTP/1.1\r\n",  # not ours at all: refused on its first bytes
        b"reverie-hook-1 " + b"x" * (resident_call.MAX_FIELD_BYTES + 10),  # a field that never ends
        b"reverie-hook-1 " + b"ab" * 32 + b"\0" + b"--a\0" * 200,  # too many fields
        b"",  # closed before anything came
    ],
)
def test_what_is_not_a_request_is_refused_in_process(bad: bytes) -> None:
    with pytest.raises(resident_call.Refused):
        fed(b"ab" * 32, bad or b"", 1 << 20) if bad else resident_call.Incoming(b"", 0.0).feed(b"")


def test_the_run_folder_is_refused_when_others_can_enter_it_and_fixed_when_ours(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True)
    (home / "run").chmod(0o755)
    resident_start.private_run_folder(str(home))
    assert stat.S_IMODE((home / "run").stat().st_mode) == 0o700
    (home / "run").rmdir()
    (home / "run").symlink_to(tmp_path)
    with pytest.raises(PermissionError):
        resident_start.private_run_folder(str(home))


def test_resident_off_runs_the_python_hook_and_starts_nothing(twins: tuple[Path, Path, Path]) -> None:
    per_event, home, checkout = twins
    (event, payload, _) = session(checkout)[0]
    done = through_client(event, payload, home, env={"REVERIE_RESIDENT": "0"})
    assert done.stdout == through_python(event, payload, per_event).stdout
    time.sleep(0.3)
    assert announced(home) is None and not (home / "run").exists()


@pytest.mark.parametrize("reply", [b"c", b'c12\n{"hookSpec', b""])
def test_an_answer_cut_short_is_answered_by_the_python_hook_without_capturing_twice(
    twins: tuple[Path, Path, Path], reply: bytes
) -> None:
    """A server that dies mid-answer: after ``c`` the event is spooled, so the Python hook only answers."""
    per_event, home, checkout = twins
    (event, payload, _) = session(checkout)[1]
    with socket.create_server(("127.0.0.1", 0)) as fake:
        (home / "run").mkdir(mode=0o700)
        (home / "run" / "resident").write_text(f"{fake.getsockname()[1]} {'ab' * 32} 1\n")

        def serve_once() -> None:
            connection, _ = fake.accept()
            with connection:
                connection.recv(1 << 20)
                connection.sendall(reply)

        thread = threading.Thread(target=serve_once)
        thread.start()
        done = through_client(event, payload, home)
        thread.join()
    assert done.stdout == through_python(event, payload, per_event).stdout != b""
    assert len(spooled(home)) == (0 if reply else 1)  # "c" said it was captured; nothing said: captured now
