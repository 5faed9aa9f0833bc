"""The spool: atomic, private, ordered, and nothing rejected is ever lost."""

from __future__ import annotations

import json
import time
from pathlib import Path

from reverie.capture import spool


def test_a_record_is_written_whole_and_private(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "spool"
    record = {"id": spool.new_record_id(), "version": spool.RECORD_VERSION, "text": "ünïcode \ud83c"}
    path = Path(spool.write_record(folder, record))
    assert json.loads(path.read_bytes().decode("utf-8", "surrogatepass")) == record
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o700
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left behind


def test_pending_lists_oldest_first_and_skips_temporaries(tmp_path: Path) -> None:
    ids = []
    for _ in range(5):
        ids.append(spool.new_record_id())
        time.sleep(0.001)
    for record_id in reversed(ids):
        spool.write_record(tmp_path, {"id": record_id})
    (tmp_path / ".tmp-half-written").write_text("{")
    assert [spool.record_id(p) for p in spool.pending(tmp_path)] == ids


def test_ids_are_unique_even_within_one_instant() -> None:
    assert len({spool.new_record_id() for _ in range(2000)}) == 2000


def test_pending_on_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert spool.pending(tmp_path / "nope") == []


def test_reject_keeps_the_record_and_the_reason(tmp_path: Path) -> None:
    path = Path(spool.write_record(tmp_path, {"id": "r1"}))
    moved = spool.reject(path, "garbled")
    assert moved == tmp_path / spool.REJECTED / "r1.json" and moved.exists()
    assert (tmp_path / spool.REJECTED / "r1.json.reason").read_text() == "garbled\n"
    assert spool.pending(tmp_path) == []
    assert spool.reject(path, "again") is None  # someone else moved it first


def test_remove_twice_is_fine(tmp_path: Path) -> None:
    path = Path(spool.write_record(tmp_path, {"id": "r1"}))
    spool.remove(path)
    spool.remove(path)
    assert not path.exists()
