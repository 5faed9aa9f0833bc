"""Checking a compiled hook against the trace that produced it, before it is written.

The script is written to a temporary folder and run as the agent would run it (a fresh interpreter,
``-I -S``, the payload on stdin, ``CLAUDE_PROJECT_DIR`` set) once per :class:`Replay`: the call that
taught the lesson must be blocked with a message that names the lesson, a nearby harmless call must
pass silently, a reminder must add its context. The source must also parse as Python 3.9, the oldest
interpreter a teammate may run it with. Any failure keeps the hook from being written.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reverie.artifacts.model import Replay

OLDEST_PYTHON = (3, 9)
RUN_TIMEOUT_SECONDS = 10


def check_script(source: str, lesson_id: str, replays: Sequence[Replay], project_dir: str) -> list[str]:
    """Problems found; empty when the hook does what it must on every replay."""
    try:
        ast.parse(source, feature_version=OLDEST_PYTHON)
    except SyntaxError as error:
        return [f"the script is not valid Python {OLDEST_PYTHON[0]}.{OLDEST_PYTHON[1]}: {error}"]
    if not replays:
        return ["no call to check the hook against"]
    with tempfile.TemporaryDirectory(prefix="reverie-replay-") as folder:
        script = Path(folder) / "hook.py"
        script.write_text(source, encoding="utf-8")
        return [problem for index, item in enumerate(replays) for problem in _run(script, item, index, lesson_id)]


def _run(script: Path, replay: Replay, index: int, lesson_id: str) -> list[str]:
    payload = dict(replay.payload)
    if replay.transcript is not None:
        transcript = script.parent / f"transcript-{index}.jsonl"
        transcript.write_text(replay.transcript, encoding="utf-8")
        payload["transcript_path"] = str(transcript)
    env = {"PATH": os.environ.get("PATH", ""), "CLAUDE_PROJECT_DIR": str(payload.get("cwd", ""))}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(script)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"{replay.label}: the hook took more than {RUN_TIMEOUT_SECONDS} s"]
    return _judge(replay, done, lesson_id)


def _judge(replay: Replay, done: subprocess.CompletedProcess[str], lesson_id: str) -> list[str]:
    if replay.must_block:
        if done.returncode != 2:
            return [f"{replay.label}: not blocked (exit {done.returncode}) though it must be"]
        if lesson_id not in done.stderr:
            return [f"{replay.label}: blocked without naming lesson {lesson_id}"]
        return []
    if done.returncode != 0:
        return [f"{replay.label}: exit {done.returncode} though it must pass ({done.stderr.strip()[:200]})"]
    if replay.must_remind and lesson_id not in done.stdout:
        return [f"{replay.label}: no reminder of lesson {lesson_id} in the hook's answer"]
    if not replay.must_remind and done.stdout.strip():
        return [f"{replay.label}: printed {done.stdout.strip()[:120]!r} though it must stay silent"]
    return []
