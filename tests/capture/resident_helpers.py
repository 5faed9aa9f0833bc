"""Running the resident hook server and its bash client as agents would: real processes, real sockets."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from reverie.capture import resident_start

CAPTURE = Path(resident_start.__file__).resolve().parent
CLIENT = CAPTURE / "hook.sh"
PYTHON_HOOK = CAPTURE / "hook.py"
WAIT_SECONDS = 20.0  # a server's start on a loaded machine; only a broken one takes this long


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without reverie's variables (and with no ingest started at a session's end)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_") and k != "CLAUDE_PROJECT_DIR"}
    return {**env, "REVERIE_AUTO_INGEST": "0", **(extra or {})}


def argv(event: str, home: Path, recall: bool) -> list[str]:
    return ["--agent", "claude-code", "--event", event, "--home", str(home), *(["--recall", "yes"] if recall else [])]


def through_client(
    event: str,
    payload: bytes,
    home: Path,
    *,
    recall: bool = True,
    python: str = sys.executable,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    command = ["/bin/bash", str(CLIENT), python, *argv(event, home, recall)]
    done = subprocess.run(command, input=payload, capture_output=True, env=environment(env), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done


def through_python(
    event: str, payload: bytes, home: Path, *, recall: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-I", "-S", str(PYTHON_HOOK), *argv(event, home, recall)]
    done = subprocess.run(command, input=payload, capture_output=True, env=environment(env), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done


def announced(home: Path) -> tuple[int, str, int] | None:
    try:
        port, token, pid = (home / "run" / "resident").read_text().split()
    except (OSError, ValueError):
        return None
    return int(port), token, int(pid)


def wait_for(condition: Any, what: str) -> Any:
    until = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < until:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"waited {WAIT_SECONDS} s for {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie (our own child, not reaped yet) is gone for our purposes
        if (Path("/proc") / str(pid) / "stat").read_text().split(") ")[1].startswith("Z"):
            return False
    return True


@contextlib.contextmanager
def server(home: Path, *extra: str, root: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real server process for ``home`` (``root``: the package copy it runs from), stopped afterwards."""
    command = resident_start.server_command(str(home))
    if root is not None:
        command[4] = command[4].replace(repr(str(CAPTURE.parents[1])), repr(str(root)))
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen([*command, *extra], env=environment(), **quiet)
    try:
        wait_for(lambda: (found := announced(home)) and found[2] == process.pid, "the server's run file")
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def exchange(home: Path, data: bytes) -> bytes:
    """Send raw bytes to the server of ``home``; everything it answers before closing."""
    found = announced(home)
    assert found is not None
    with socket.create_connection(("127.0.0.1", found[0]), timeout=10) as connection:
        with contextlib.suppress(OSError):
            connection.sendall(data)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                answer += chunk
        return answer


def request(token: str, args: list[str], payload: bytes, env: Mapping[str, str] | None = None) -> bytes:
    fields = [f"reverie-hook-1 {token}".encode(), *(a.encode() for a in args), b""]
    fields += [f"{k}={v}".encode() for k, v in (env or {}).items()] + [b"", payload]
    return b"".join(field + b"\0" for field in fields)


def spooled(home: Path) -> list[dict[str, Any]]:
    """The spool records, without what differs between two runs (their id and time), in event order."""
    folder = home / "spool"
    kept = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        record = json.loads(path.read_text())
        kept.append({k: v for k, v in record.items() if k not in ("id", "received_at")})
    return kept


def stop_started(home: Path) -> None:
    """Stop the server a fallback hook started for ``home`` (the test's own are stopped by ``server``)."""
    found = announced(home)
    if found is not None and alive(found[2]):
        with contextlib.suppress(ProcessLookupError):
            os.kill(found[2], signal.SIGTERM)
        wait_for(lambda: not alive(found[2]), "a started server to stop")
