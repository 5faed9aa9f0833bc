"""Ingest: every spool record reaches the store exactly once, crashes and concurrency included."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reverie.capture import ingest, spool
from reverie.domain import EventKind
from reverie.store import Batch, SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(tmp_path / "reverie.db")
    yield opened
    opened.close()


def spool_event(folder: Path, event: str, agent: str = "claude-code", **fields: Any) -> str:
    payload = {"session_id": "s1", "cwd": "/w", "transcript_path": "/w/t.jsonl", "hook_event_name": event, **fields}
    record_id = spool.new_record_id()
    record = {
        "version": spool.RECORD_VERSION,
        "id": record_id,
        "agent": agent,
        "event": event,
        "received_at": "2026-01-02T19:11:26.123Z",
        "project": {"key": "github.com/acme/widgets", "name": "acme/widgets"},
        "payload": payload,
    }
    spool.write_record(folder, record)
    return record_id


def a_session(folder: Path, calls: int = 3) -> None:
    spool_event(folder, "SessionStart", source="startup")
    spool_event(folder, "UserPromptSubmit", prompt="run the tests")
    for n in range(calls):
        spool_event(folder, "PreToolUse", tool_name="Bash", tool_input={"command": f"pytest {n}"}, tool_use_id=f"t{n}")
        spool_event(
            folder,
            "PostToolUse",
            tool_name="Bash",
            tool_input={"command": f"pytest {n}"},
            tool_use_id=f"t{n}",
            tool_response={"stdout": "ok"},
        )
    spool_event(folder, "SessionEnd", reason="exit")


def test_a_session_is_ingested_and_the_spool_emptied(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "spool"
    a_session(folder)
    report = ingest.ingest_spool(store, folder)
    assert report.records == 9 and report.rejected == () and report.stopped is None
    kinds = [event.kind for event in store.events("s1")]
    assert kinds.count(EventKind.TOOL_CALL) == 3 and kinds.count(EventKind.TOOL_RESULT) == 3
    assert report.events == len(kinds) == 9
    session = store.session("s1")
    assert session is not None and session.project is not None and session.project.key == "github.com/acme/widgets"
    assert session.ended_at == "2026-01-02T19:11:26.123Z"
    assert spool.pending(folder) == []


def test_ingesting_again_adds_nothing(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "spool"
    a_session(folder)
    ingest.ingest_spool(store, folder)
    a_session(folder)  # the same happenings spooled again (a second hook install, say): keys reconcile
    ingest.ingest_spool(store, folder)
    assert [e.kind for e in store.events("s1")].count(EventKind.TOOL_CALL) == 3


def test_a_crash_between_store_and_delete_applies_the_record_once(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "spool"
    record_id = spool_event(folder, "UserPromptSubmit", prompt="continue")
    path = spool.pending(folder)[0]
    session, events = ingest.normalize(ingest.read_record(path))
    store.write(Batch(events=events, sessions=(session,), receipt=record_id))  # ... and the process died here
    report = ingest.ingest_spool(store, folder)
    assert report.records == 1 and report.events == 0
    assert [e.text for e in store.events("s1")] == ["continue"]
    assert spool.pending(folder) == []


def test_the_same_prompt_twice_is_two_events(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "spool"
    spool_event(folder, "UserPromptSubmit", prompt="continue")
    spool_event(folder, "UserPromptSubmit", prompt="continue")
    ingest.ingest_spool(store, folder)
    assert [e.text for e in store.events("s1")] == ["continue", "continue"]


def test_two_ingests_at_once_apply_every_record_once(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    for _ in range(10):
        a_session(folder, calls=4)  # the same session again and again: only receipts keep prompts apart
    stores = [SQLiteStore(tmp_path / "reverie.db") for _ in range(2)]
    reports: list[ingest.IngestReport] = []
    threads = [threading.Thread(target=lambda s=s: reports.append(ingest.ingest_spool(s, folder))) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    prompts = [e for e in stores[0].events("s1") if e.kind is EventKind.PROMPT]
    assert len(prompts) == 10  # each prompt record applied exactly once, whoever applied it
    assert sum(r.records for r in reports) >= 110 and spool.pending(folder) == []
    assert all(r.stopped is None and r.rejected == () for r in reports)
    for opened in stores:
        opened.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"version": 1, "id": "x", "agent": "claude', "not a JSON spool record"),
        (b"[]", "not a spool record"),
        (b'{"version": 99, "id": "x"}', "version 99"),
        (b'{"version": 1, "id": "x", "agent": "cursor", "payload": {"session_id": "s"}}', "unknown agent"),
        (
            b'{"version": 1, "id": "x", "agent": "claude-code", "payload": null, "error": "payload is not JSON"}',
            "payload is not JSON",
        ),
        (b'{"version": 1, "id": "x", "agent": "codex", "payload": {"cwd": "/w"}}', "no session_id"),
    ],
)
def test_a_bad_record_is_rejected_kept_and_reported(
    tmp_path: Path, store: SQLiteStore, content: bytes, reason: str
) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    (folder / "01-bad.json").write_bytes(content)
    spool_event(folder, "UserPromptSubmit", prompt="after the bad one")
    report = ingest.ingest_spool(store, folder)
    [rejection] = report.rejected
    assert rejection.record == "01-bad.json" and reason in rejection.reason
    assert (folder / spool.REJECTED / "01-bad.json").read_bytes() == content
    assert reason in (folder / spool.REJECTED / "01-bad.json.reason").read_text()
    assert report.records == 1  # the good record after it still went in
    assert ingest.ingest_spool(store, folder).rejected == ()  # not retried forever
    assert ingest.requeue_rejected(folder) == 1 and [p.name for p in spool.pending(folder)] == ["01-bad.json"]


class _FailingStore:
    def write(self, batch: Batch) -> int:
        raise OSError("database or disk is full")


def test_a_failing_store_stops_the_run_and_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    a_session(folder, calls=1)
    report = ingest.ingest_spool(_FailingStore(), folder)  # type: ignore[arg-type]
    assert report.stopped is not None and "disk is full" in report.stopped
    assert len(spool.pending(folder)) == 5 and report.rejected == ()


def test_stale_temporaries_are_removed_fresh_ones_kept(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    stale, fresh = folder / ".tmp-old", folder / ".tmp-new"
    for path in (stale, fresh):
        path.write_text("{")
    old = time.time() - ingest.STALE_TEMPORARY_SECONDS - 10
    os.utime(stale, (old, old))
    ingest.ingest_spool(store, folder)
    assert not stale.exists() and fresh.exists()


def test_old_project_cache_entries_are_pruned(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "projects"
    folder.mkdir(parents=True)
    (folder / "old.json").write_text(json.dumps({}))
    (folder / "new.json").write_text(json.dumps({}))
    old = time.time() - 8 * 86400
    os.utime(folder / "old.json", (old, old))
    assert ingest.prune_project_cache(tmp_path) == 1
    assert [p.name for p in folder.iterdir()] == ["new.json"]


def test_the_ingest_command_reports_and_stays_quiet_when_asked(reverie_home: Path) -> None:
    from click.testing import CliRunner

    from reverie.cli.ingesting import ingest as ingest_command

    a_session(reverie_home / "spool", calls=1)
    runner = CliRunner()
    quiet = runner.invoke(ingest_command, ["--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    a_session(reverie_home / "spool", calls=1)
    (reverie_home / "spool" / "00-garbled.json").write_text("{")
    loud = runner.invoke(ingest_command, ["--json"])
    assert loud.exit_code == 0
    report = json.loads(loud.output)
    assert report["records"] == 5 and len(report["rejected"]) == 1 and report["requeued"] == 0
    again = runner.invoke(ingest_command, ["--retry-rejected", "--json"])
    assert json.loads(again.output)["requeued"] == 1
