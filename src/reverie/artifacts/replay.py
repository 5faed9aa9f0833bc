"""Checking compiled checks against the trace that produced them, before anything is written.

Each :class:`Replay` is one tool call and what one lesson's check must do with it: the call that
taught the lesson must be blocked with a message that names the lesson, a nearby harmless call must
pass silently, a reminder must add its context. While one lesson's replays run, the script's other
lessons are allowed (``REVERIE_ALLOW``), so a call that another lesson rightly blocks does not count
against this one.

Two ways to run them: ``check_in_process`` asks ``enforce.decide`` directly, which is how compile
decides which lessons go into a scope's script; ``check_script`` runs the script as written, as the
agent would (a fresh interpreter, ``-I -S``, the payload on stdin, ``CLAUDE_PROJECT_DIR`` set), after
checking that the source parses as Python 3.9, the oldest interpreter a teammate may run it with. Any
failure keeps the script from being written.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reverie.artifacts import enforce
from reverie.artifacts.model import Replay

OLDEST_PYTHON = (3, 9)
RUN_TIMEOUT_SECONDS = 10


def check_in_process(config: Mapping[str, Any], replays: Sequence[Replay]) -> list[str]:
    """Problems of one check (or a script's config) on its replays, decided in this process."""
    if not replays:
        return ["no call to check the hook against"]
    lessons = _lessons(config)
    with tempfile.TemporaryDirectory(prefix="reverie-replay-") as folder:
        payloads = _payloads(replays, Path(folder))
        return [
            problem
            for item, payload in zip(replays, payloads, strict=True)
            for problem in _judge(item, *enforce.decide(dict(config), payload, _env(item, payload, lessons)))
        ]


def check_script(source: str, replays: Sequence[Replay], lessons: Sequence[str]) -> list[str]:
    """Problems found running the script as written; empty when it does what it must on every replay."""
    try:
        ast.parse(source, feature_version=OLDEST_PYTHON)
        ast.parse(runtime_of(source) or "", feature_version=OLDEST_PYTHON)  # the hook the loader runs
    except SyntaxError as error:
        return [f"the script is not valid Python {OLDEST_PYTHON[0]}.{OLDEST_PYTHON[1]}: {error}"]
    if not replays:
        return ["no call to check the hook against"]
    with tempfile.TemporaryDirectory(prefix="reverie-replay-") as folder:
        script = Path(folder) / "hook.py"
        script.write_text(source, encoding="utf-8")
        payloads = _payloads(replays, Path(folder))
        return [
            problem
            for item, payload in zip(replays, payloads, strict=True)
            for problem in _run(script, item, payload, lessons)
        ]


def _run(script: Path, item: Replay, payload: dict[str, Any], lessons: Sequence[str]) -> list[str]:
    env = {"PATH": os.environ.get("PATH", ""), **_env(item, payload, lessons)}
    event = str(payload.get("hook_event_name") or "")
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(script), event],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"{item.label}: the hook took more than {RUN_TIMEOUT_SECONDS} s"]
    return _judge(item, done.returncode, done.stdout, done.stderr)


def _env(item: Replay, payload: Mapping[str, Any], lessons: Sequence[str]) -> dict[str, str]:
    env = {"CLAUDE_PROJECT_DIR": str(payload.get("cwd", ""))}
    others = [lesson for lesson in lessons if lesson != item.lesson]
    if item.lesson and others:
        env[enforce.ALLOW_VARIABLE] = ",".join(others)
    return env


def _lessons(config: Mapping[str, Any]) -> list[str]:
    return [str(check.get("lesson")) for check in enforce.checks_of(dict(config))]


def _payloads(replays: Sequence[Replay], folder: Path) -> list[dict[str, Any]]:
    """Each replay's payload, with its transcript written into ``folder`` where it has one."""
    payloads = []
    for index, item in enumerate(replays):
        payload = dict(item.payload)
        if item.transcript is not None:
            transcript = folder / f"transcript-{index}.jsonl"
            transcript.write_text(item.transcript, encoding="utf-8")
            payload["transcript_path"] = str(transcript)
        payloads.append(payload)
    return payloads


def _judge(item: Replay, code: int, out: str, err: str) -> list[str]:
    lesson = item.lesson
    if item.must_block:
        if code != enforce.BLOCK:
            return [f"{item.label}: not blocked (exit {code}) though it must be"]
        if lesson not in err:
            return [f"{item.label}: blocked without naming lesson {lesson}"]
        return []
    if code != 0:
        return [f"{item.label}: exit {code} though it must pass ({err.strip()[:200]})"]
    if item.must_remind and lesson not in out:
        return [f"{item.label}: no reminder of lesson {lesson} in the hook's answer"]
    if not item.must_remind and out.strip():
        return [f"{item.label}: printed {out.strip()[:120]!r} though it must stay silent"]
    return []


def runtime_of(script: str) -> str | None:
    """The hook's source inside a script that ``render_script`` wrote (None for any other file)."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["RUNTIME"]:
            value = node.value
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    return None
