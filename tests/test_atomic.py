"""The one atomic writer: all or nothing, private by default, a user's file keeps its mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reverie import lean_json
from reverie.atomic import TEMP_PREFIX, write_atomic, write_text_atomic


def test_a_new_file_is_private_in_a_private_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "state.json"
    write_text_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.parent.parent.stat().st_mode) == 0o700


def test_a_users_file_keeps_its_mode_and_a_new_one_gets_the_asked_mode(tmp_path: Path) -> None:
    mine, fresh = tmp_path / "CLAUDE.md", tmp_path / "new.md"
    mine.write_text("old")
    os.chmod(mine, 0o640)
    write_atomic(mine, b"new", mode=0o644, keep_mode=True, durable=True)
    write_atomic(fresh, b"new", mode=0o644, keep_mode=True)
    assert mine.read_bytes() == b"new" and stat.S_IMODE(mine.stat().st_mode) == 0o640
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 & ~_umask()


def test_a_failed_write_leaves_the_old_content_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "ledger.json"
    target.write_text("before")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)] == []


@pytest.mark.parametrize("value", [{"a": "é\u2028", "b": [1, 2.5, None, True]}, ["\ud800", {"k": -0.0}]])
def test_lean_json_writes_what_json_writes_in_both_dialects(value: object) -> None:
    assert lean_json.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert lean_json.dumps(value, ascii=True) == json.dumps(value, separators=(",", ":"), allow_nan=False)
    assert lean_json.loads(lean_json.dumps(value, ascii=True)) == json.loads(json.dumps(value))


def test_the_recall_dialect_refuses_nan_both_ways_and_capture_reads_it() -> None:
    with pytest.raises(ValueError):
        lean_json.dumps(float("nan"), ascii=True)
    with pytest.raises(ValueError):
        lean_json.loads("[NaN]", constants=False)
    assert str(lean_json.loads("[NaN]")) == "[nan]"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
