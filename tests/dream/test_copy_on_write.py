"""A dream never modifies its input: not when it completes, fails, or is killed half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reverie.dream import DreamBusy, DreamPass, DreamRequest, registry, run_dream
from reverie.dream.safety import QUIET, quiet_env, single_flight
from reverie.store import SQLiteStore
from tests.dream.factory import NOW, choice, make, put
from tests.store import raw

SLOW_DREAM = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from reverie.dream import DreamPass, DreamRequest, registry, run_dream
    from reverie.store import SQLiteStore

    store, marker, home = SQLiteStore(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

    def stall(snapshot):
        marker.write_text("proposals computed")
        time.sleep(120)
        return []

    run_dream(store, home, DreamRequest(), passes=(*registry.passes(), DreamPass("stall", "", stall)))
    """
)


def seeded(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    put(
        store,
        choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",)),
        choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b",)),
        make("Never Co-Authored-By trailers.", project=None, sessions=("c",)),
        make("Stop adding `Co-Authored-By trailers` in any repo.", project=None, sessions=("d",)),
    )
    return store


def state(store: SQLiteStore) -> tuple[object, ...]:
    """Everything a reader of lessons can see, row for row."""
    return (
        *raw.tables(
            store,
            "SELECT * FROM lessons ORDER BY id, version",
            "SELECT * FROM lesson_evidence ORDER BY lesson_id, event_key, role",
            "SELECT * FROM head_lessons ORDER BY lesson_id",
            "SELECT lesson_id, lesson_version FROM store_version_lessons ORDER BY 1, 2",
        ),
        store.head().id,
    )


def test_a_dream_killed_half_way_leaves_the_store_untouched(tmp_path: Path) -> None:
    path, marker, home = tmp_path / "store.db", tmp_path / "marker", tmp_path / "home"
    store = seeded(path)
    before = state(store)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, "-c", SLOW_DREAM, str(path), str(marker), str(home)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the dream never reached its last pass"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    reader = SQLiteStore(path)
    assert state(reader) == before
    (killed,) = reader.dreams()
    assert killed.status == "running" and reader.dream_changes(killed.id) == []
    finished = run_dream(reader, home, DreamRequest(now=NOW))  # the lock died with the process
    assert finished.status == "completed" and finished.changes == 2
    assert reader.dream(killed.id).status == "failed"  # type: ignore[union-attr]
    assert state(reader)[:3] == before[:3]


def test_a_failing_pass_fails_the_dream_and_changes_nothing(tmp_path: Path) -> None:
    store = seeded(tmp_path / "store.db")
    before = state(store)

    def broken(_: object) -> list[object]:
        raise ValueError("bug in a pass")

    record = run_dream(store, tmp_path, DreamRequest(), passes=(*registry.passes(), DreamPass("broken", "", broken)))
    assert record.status == "failed" and "bug in a pass" in (record.error or "")
    assert state(store)[:3] == before[:3] and store.dream_changes(record.id) == []


def test_the_time_budget_fails_a_dream_that_runs_over(tmp_path: Path) -> None:
    store = seeded(tmp_path / "store.db")
    record = run_dream(store, tmp_path, DreamRequest(budget_seconds=0.0))
    assert record.status == "failed" and "time budget" in (record.error or "")


def test_a_second_dream_waits_briefly_then_says_another_is_running(tmp_path: Path) -> None:
    store = seeded(tmp_path / "store.db")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "h = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR)\nfcntl.flock(h, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\ntime.sleep(60)",
            str(tmp_path / "dream.lock"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(DreamBusy, match="another dream is running"):
            run_dream(store, tmp_path, DreamRequest(wait=0.2))
    finally:
        holder.kill()
        holder.wait()
    assert store.dreams() == []
    with single_flight(tmp_path) as held:
        assert held


def test_a_dream_turns_our_own_capture_and_injection_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in QUIET:
        monkeypatch.delenv(name, raising=False)
    store = seeded(tmp_path / "store.db")
    seen: dict[str, str | None] = {}

    def spy(_: object) -> list[object]:
        seen.update({name: os.environ.get(name) for name in QUIET})
        return []

    run_dream(store, tmp_path, DreamRequest(), passes=(DreamPass("spy", "", spy),))
    assert seen == QUIET and all(quiet_env()[name] == "0" for name in QUIET)


def test_the_input_version_is_sealed_and_later_writes_go_to_a_new_version(tmp_path: Path) -> None:
    store = seeded(tmp_path / "store.db")
    record = run_dream(store, tmp_path, DreamRequest(now=NOW))
    assert record.input_version is not None
    sealed = {lesson.id: lesson.version for lesson in store.version_lessons(record.input_version)}
    put(store, make("Use ruff.", sessions=("z",)))
    assert store.head().id != record.input_version and store.head().created_by == "distill"
    assert {lesson.id: lesson.version for lesson in store.version_lessons(record.input_version)} == sealed


def test_registered_passes_run_with_the_built_ins(tmp_path: Path) -> None:
    calls: list[int] = []
    mine = DreamPass("mine", "counts lessons", lambda snapshot: calls.append(len(snapshot.lessons)) or [])
    registry.register(mine)
    try:
        store = seeded(tmp_path / "store.db")
        run_dream(store, tmp_path, DreamRequest(now=NOW))
        assert calls and "mine" in [p.name for p in registry.passes()]
    finally:
        registry.DREAM_PASSES.unregister(mine.name)
