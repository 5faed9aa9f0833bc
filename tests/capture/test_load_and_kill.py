"""Capture under load, under SIGKILL, and under fuzzed payloads. Bounded in count; no timed assertions."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reverie.capture import hook_call, ingest, spool
from reverie.capture.importer import import_paths
from reverie.domain import EventKind
from reverie.errors import InputError
from reverie.store import SQLiteStore
from tests.capture.test_ingest import spool_event

WRITERS, EVENTS_EACH = 4, 200
ROOT = Path(__file__).resolve().parents[2]


def test_four_writers_and_a_running_ingest_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    done = threading.Event()

    def write(writer: int) -> None:
        for n in range(EVENTS_EACH):
            spool_event(folder, "UserPromptSubmit", prompt=f"writer {writer} prompt {n}")

    def drain() -> None:
        store = SQLiteStore(tmp_path / "reverie.db")
        try:
            while not done.is_set():
                ingest.ingest_spool(store, folder)
        finally:
            store.close()

    ingester = threading.Thread(target=drain)
    ingester.start()
    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    ingester.join()
    store = SQLiteStore(tmp_path / "reverie.db")
    try:
        final = ingest.ingest_spool(store, folder)
        prompts = [event.text for event in store.events("s1") if event.kind is EventKind.PROMPT]
    finally:
        store.close()
    assert final.rejected == () and spool.pending(folder) == []
    expected = {f"writer {w} prompt {n}" for w in range(WRITERS) for n in range(EVENTS_EACH)}
    assert len(prompts) == len(expected) and set(prompts) == expected


def _transcript(path: Path, lines: int) -> None:
    with path.open("w") as file:
        for n in range(lines):
            message = {"role": "user", "content": f"prompt number {n} " + "words " * 40}
            record = {"type": "user", "sessionId": "k1", "uuid": f"u{n}", "timestamp": "2026-01-02T10:00:00Z"}
            file.write(json.dumps({**record, "message": message}) + "\n")


def test_a_sigkilled_import_leaves_nothing_half_applied(tmp_path: Path) -> None:
    transcript = tmp_path / "k1.jsonl"
    _transcript(transcript, 20_000)
    home = tmp_path / "home"
    env = {**os.environ, "REVERIE_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "REVERIE_CAPTURE": "0"}
    # Chunks of 50 events: many commits, so the kill lands between or inside one.
    code = (
        "import sys; from pathlib import Path; from reverie.capture.importer import import_paths;"
        "from reverie.store import SQLiteStore; s = SQLiteStore(sys.argv[1]);"
        "print('started', flush=True); import_paths(s, [Path(sys.argv[2])], stale_after=0, chunk_events=50)"
    )
    home.mkdir()
    database = home / "reverie.db"
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(database), str(transcript)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "started"
    probe = SQLiteStore(database)
    try:
        for _ in range(10_000):  # until the first chunks are committed (bounded, not timed)
            if probe.import_cursor(str(transcript)) is not None or child.poll() is not None:
                break
            threading.Event().wait(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait()
        cursor = probe.import_cursor(str(transcript))
        stored = len(probe.events("k1"))
        if cursor is not None:  # what committed is exactly the lines its cursor covers
            assert stored == cursor.line
        resumed = import_paths(probe, [transcript], stale_after=0)
        prompts = [event.text for event in probe.events("k1")]
    finally:
        probe.close()
    assert resumed.problems == ()
    assert len(prompts) == 20_000 and len(set(prompts)) == 20_000


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
_PAYLOADS = st.fixed_dictionaries(
    {},
    optional={
        "session_id": st.text(max_size=40) | st.integers(),
        "cwd": st.text(max_size=60) | st.none(),
        "prompt": st.text(max_size=200),
        "tool_name": st.text(max_size=20),
        "tool_input": _JSON,
        "tool_response": _JSON,
        "transcript_path": st.text(max_size=60),
        "hook_event_name": st.sampled_from(["PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart", "x"]),
    },
).map(lambda d: json.dumps(d).encode())


@settings(max_examples=150, deadline=None)
@given(raw=_PAYLOADS | st.binary(max_size=300), event=st.sampled_from(["PostToolUse", "UserPromptSubmit", "Stop"]))
def test_fuzzed_hook_payloads_never_raise_and_ingest_rejects_or_applies(raw: bytes, event: str) -> None:
    record = hook_call.build_record("claude-code", event, raw)
    assert record["version"] == spool.RECORD_VERSION
    # Either applied, or rejected: ingest moves it to spool/rejected/ with the reason, never loses it.
    with contextlib.suppress(InputError, ValueError, TypeError, KeyError):
        ingest.normalize(json.loads(json.dumps(record)))
