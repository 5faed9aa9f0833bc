"""The real hook payload dumps: every one normalizes (zero crashes), origins are right, and the
whole pipeline (hook subprocess -> spool -> ingest -> store) takes a real session end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reverie.adapters.claude_code.payloads import normalize
from reverie.capture import hook, ingest, redact, spool
from reverie.domain import EventKind, Origin
from reverie.store import SQLiteStore

pytestmark = pytest.mark.corpus


def dumped_payloads(shared_data: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, payload) for every payload in the hook-dumps (JSON arrays) and fasthooks' JSONL log."""
    for path in sorted((shared_data / "claude-code" / "hook-dumps").rglob("*.json")):
        if path.name.startswith("chat"):
            continue  # whole transcripts converted by a Stop hook, not hook payloads
        for index, payload in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield f"{path.relative_to(shared_data)}[{index}]", payload
    logs = shared_data / "claude-code" / "transcripts" / "oneryalcin-fasthooks" / "sample_hook_logs.jsonl"
    for number, line in enumerate(logs.read_text(encoding="utf-8").splitlines(), 1):
        yield f"{logs.name}:{number}", json.loads(line)


def as_record(where: str, payload: dict[str, Any]) -> dict[str, Any]:
    event = payload.get("hook_event_name") or payload.get("event")
    return {
        "version": 1,
        "id": where,
        "agent": "claude-code",
        "event": event,
        "received_at": "2026-01-01T00:00:00.000Z",
        "project": None,
        "payload": redact.redact_value(payload),
    }


def test_every_dumped_payload_normalizes_with_the_right_origins(shared_data: Path) -> None:
    seen: Counter[tuple[str, str, str]] = Counter()
    for where, payload in dumped_payloads(shared_data):
        session, events = normalize(as_record(where, payload))
        assert session.id == payload["session_id"], where
        assert events, where
        for event in events:
            seen[
                (str(payload.get("hook_event_name") or payload.get("event")), event.kind.value, event.origin.value)
            ] += 1
            assert event.key.startswith(f"{session.id}:"), where
            if event.kind is EventKind.TOOL_RESULT:
                assert event.origin is Origin.TOOL, where
            if event.kind is EventKind.TOOL_CALL:
                assert event.origin is Origin.AGENT and event.tool_name, where
            if event.kind is EventKind.PROMPT:
                assert event.origin is Origin.USER and not event.text.lstrip().startswith("<task-notification"), where
            assert event.kind is not EventKind.ASSISTANT, where  # Stop's last message is not a second copy
    events_seen = {event for event, _, _ in seen}
    assert {
        "SessionStart",
        "UserPromptSubmit",
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "Stop",
        "SubagentStop",
        "PreCompact",
        "SessionEnd",
    } <= events_seen
    failures = [key for key in seen if key[0] == "PostToolUseFailure" and key[1] == "tool_result"]
    assert failures


def test_harness_turns_in_real_prompts_are_system(shared_data: Path) -> None:
    harness = [
        (where, payload)
        for where, payload in dumped_payloads(shared_data)
        if str(payload.get("prompt", "")).lstrip().startswith("<task-notification")
    ]
    assert harness, "the dumps hold a task notification in a UserPromptSubmit"
    for where, payload in harness:
        [event] = normalize(as_record(where, payload))[1]
        assert (event.kind, event.origin) == (EventKind.NOTICE, Origin.SYSTEM)


def test_real_payloads_through_the_hook_into_the_store(shared_data: Path, tmp_path: Path) -> None:
    """One real session (the fasthooks log) through the real hook command, then ingest."""
    home = tmp_path / "home"
    environment = {k: v for k, v in os.environ.items() if k not in ("REVERIE_HOME", "REVERIE_CAPTURE")}
    sent = 0
    for where, payload in dumped_payloads(shared_data):
        if not where.startswith("sample_hook_logs"):
            continue
        event = payload.get("hook_event_name") or payload.get("event")
        command = [
            sys.executable,
            "-I",
            "-S",
            hook.__file__,
            "--agent",
            "claude-code",
            "--event",
            str(event),
            "--home",
            str(home),
        ]
        result = subprocess.run(command, input=json.dumps(payload).encode(), capture_output=True, env=environment)
        assert (result.returncode, result.stdout) == (0, b""), where
        sent += 1
    assert not (home / "logs" / "hook.log").exists()
    store = SQLiteStore(home / "reverie.db")
    report = ingest.ingest_spool(store, home / "spool")
    assert sent and report.rejected == () and spool.pending(home / "spool") == []
    [summary] = store.sessions()
    assert summary.prompts >= 1 and summary.tool_calls >= 1
    assert ingest.ingest_spool(store, home / "spool").records == 0
    store.close()
