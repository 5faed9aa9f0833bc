"""A store that is locked, full or read-only: one clear line from the CLI, never a traceback, and the
commands that only read still work on a read-only home."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reverie.cli import main
from reverie.errors import StoreError
from reverie.store import SQLiteStore, sqlite
from reverie.workspace import Workspace
from tests.store import raw


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    [line] = [text for text in result.output.splitlines() if text.startswith("reverie:")]
    return line


def test_a_locked_store_is_one_line(reverie_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace.open().close()
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 50)
    with raw.write_lock_held(reverie_home / "reverie.db"):
        line = one_line_error(run("remember", "use make check", "--scope", "global"))
    assert "database is locked" in line and "another reverie process" in line
    assert run("remember", "use make check", "--scope", "global").exit_code == 0


def test_the_store_raises_store_error_not_sqlite3_for_what_it_cannot_help(tmp_path: Path) -> None:
    (tmp_path / "not.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a database"):
        SQLiteStore(tmp_path / "not.db")


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of its own (root only, and where mounting is allowed): a disk that fills, or goes read-only."""
    point = tmp_path / "mnt"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_read_only_home_still_reads_and_refuses_writes_in_one_line(
    small_mount: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = small_mount / "home"
    monkeypatch.setenv("REVERIE_HOME", str(home))
    assert run("remember", "use make check", "--scope", "global").exit_code == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    for command in (("stats",), ("lessons",), ("sessions",)):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output, result.exception)
    assert "Use make check." in run("lessons").output
    line = one_line_error(run("remember", "use pnpm", "--scope", "global"))
    assert "read-only" in line or "readonly" in line


def test_a_full_disk_is_one_line_and_nothing_half_written(small_mount: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = small_mount / "home"
    monkeypatch.setenv("REVERIE_HOME", str(home))
    assert run("remember", "use make check", "--scope", "global").exit_code == 0
    # Fill what is left; unbuffered, so that nothing of the last, partial write is left to flush on close.
    with open(small_mount / "ballast", "wb", buffering=0) as ballast:
        try:
            while True:
                ballast.write(b"\0" * 65536)
        except OSError:
            pass
    transcript = small_mount.parent / "big.jsonl"
    lines = [
        f'{{"type":"user","sessionId":"s","uuid":"u{n}","timestamp":"2026-01-02T10:00:00Z","cwd":"/w",'
        f'"message":{{"role":"user","content":"{"x" * 4000} {n}"}}}}'
        for n in range(2000)
    ]
    transcript.write_text("\n".join(lines) + "\n")
    line = one_line_error(run("import", str(transcript)))
    assert "full" in line
    (small_mount / "ballast").unlink()
    assert run("lessons").exit_code == 0
