"""A spool that cannot be written loses the record but not the fact: the next ingest counts what was
dropped, `reverie stats` shows it, and importing the transcript recovers the events."""

from __future__ import annotations

import errno
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reverie.capture import hook_call, spool
from reverie.capture.ingest import capture_drops, ingest_spool
from reverie.cli import main
from reverie.store import SQLiteStore


def call_hook(home: Path, monkeypatch: pytest.MonkeyPatch, payload: dict[str, Any]) -> None:
    class Stdin:
        buffer = io.BytesIO(json.dumps(payload).encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    assert hook_call.main(["--agent", "claude-code", "--event", "UserPromptSubmit", "--home", str(home)]) == 0


def test_a_full_disk_leaves_a_marker_that_ingest_counts_and_stats_shows(
    reverie_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = spool.write_record

    def full(folder: object, record: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool, "write_record", full)
    for n in range(3):
        call_hook(reverie_home, monkeypatch, {"session_id": "sess-9", "cwd": "/tmp", "prompt": f"p{n}"})
    monkeypatch.setattr(spool, "write_record", real_write)
    call_hook(reverie_home, monkeypatch, {"session_id": "sess-9", "cwd": "/tmp", "prompt": "after"})
    assert len(spool.dropped_markers(reverie_home / "spool")) == 3
    assert "No space left" in (reverie_home / "logs" / "hook.log").read_text()

    store = SQLiteStore(reverie_home / "reverie.db")
    try:
        report = ingest_spool(store, reverie_home / "spool")
    finally:
        store.close()
    assert report.dropped == 3 and report.records == 1
    assert spool.dropped_markers(reverie_home / "spool") == []
    assert capture_drops(reverie_home)["dropped"] == 3 and capture_drops(reverie_home)["sessions"] == ["sess-9"]
    stats = CliRunner().invoke(main, ["stats"])
    assert "3 hook events could not be spooled" in stats.output and "reverie import" in stats.output
    assert json.loads(CliRunner().invoke(main, ["stats", "--json"]).output)["capture_dropped"] == 3
