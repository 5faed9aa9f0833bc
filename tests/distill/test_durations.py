"""``python -m reverie.distill.reading.durations``: what a change to grammar changed, sentence by sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.distill.reading import durations


def test_a_moved_reading_is_listed_with_its_label_and_the_precision_before_and_after() -> None:
    before = {"t#1|Use ruff.": ("unsaid", "standing_project"), "rules:r#1|Keep it short.": ("standing", "none")}
    after = {"t#1|Use ruff.": ("standing", "standing_project"), "rules:r#1|Keep it short.": ("standing", "none")}
    lines = durations.compare(before, after)
    assert lines[0] == "unsaid -> standing | standing_project | Use ruff."
    assert "unsaid -> standing (turns, labelled standing): 1" in lines
    assert lines[-2] == (
        "before: turns 0 read standing, 0 of them labelled standing; "
        "rule files 1 read standing, 0 of them labelled standing"
    )
    assert lines[-1].startswith("after: turns 1 read standing, 1 of them labelled standing")


def test_the_readings_of_a_folder_are_written_and_compared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    turns = tmp_path / "turns"
    turns.mkdir()
    row = {"id": "x#1", "session": "x:1", "turn": 1, "text": "Always run the linter. Fix the bug.", "label": "task"}
    (turns / "x.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert durations.main([str(turns), "--out", str(tmp_path / "a.json")]) == 0
    written = json.loads((tmp_path / "a.json").read_text("utf-8"))
    assert written == {"x#1|Always run the linter.": ["standing", "none"], "x#1|Fix the bug.": ["unsaid", "none"]}
    assert durations.main([str(turns), "--out", str(tmp_path / "b.json"), "--against", str(tmp_path / "a.json")]) == 0
    assert "before: turns 1 read standing, 0 of them labelled standing" in capsys.readouterr().out
