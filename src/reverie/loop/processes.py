"""Running a child process for the loop: the agent, or the check command, with a time limit.

Each child gets its own process group (``start_new_session``), for two reasons. A timeout must stop
the whole tree (an agent's shell, a test runner's workers), not just the direct child. And Ctrl-C
in the terminal goes to the foreground group only, so the loop, not the child, decides what happens
next: it stops the child's group, writes the ledger, and only then gives up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GRACE_SECONDS = 5.0  # between SIGTERM and SIGKILL
MAX_KEPT_CHARS = 4_000_000  # output beyond this is cut from the middle; the ends say what happened


@dataclass(frozen=True, slots=True)
class Finished:
    returncode: int | None  # None when the child was stopped (timed out or interrupted)
    stdout: str
    stderr: str
    timed_out: bool = False


def run_bounded(
    args: Sequence[str] | str,
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    shell: bool = False,
) -> Finished:
    """Run to completion or until ``timeout`` seconds; stdin is closed so nothing waits on input.

    ``KeyboardInterrupt`` stops the child's whole group before it propagates. ``OSError`` (a binary
    that cannot be executed) propagates for the caller to name.
    """
    child = subprocess.Popen(
        args,
        cwd=cwd,
        env=dict(env),
        shell=shell,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stdout, stderr = _stop(child)
        return Finished(None, _text(stdout), _text(stderr), timed_out=True)
    except BaseException:  # Ctrl-C and anything else: never leave the child running behind us
        _stop(child)
        raise
    return Finished(child.returncode, _text(stdout), _text(stderr))


def _stop(child: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    _signal_group(child, signal.SIGTERM)
    try:
        return child.communicate(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(child, signal.SIGKILL)
        return child.communicate()


def _signal_group(child: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(child.pid, signum)


def _text(data: bytes | None) -> str:
    text = (data or b"").decode("utf-8", "replace")
    if len(text) <= MAX_KEPT_CHARS:
        return text
    half = MAX_KEPT_CHARS // 2
    return f"{text[:half]}\n[... {len(text) - MAX_KEPT_CHARS:,} characters cut ...]\n{text[-half:]}"
