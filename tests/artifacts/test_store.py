"""The artifact registry and file baselines in the SQLite store."""

from __future__ import annotations

from pathlib import Path

from reverie.store import SQLiteStore
from reverie.store.protocol import ArtifactRow, FileBaseline


def test_artifacts_round_trip_and_filter_by_status(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    store.save_artifact(ArtifactRow("Aabc1", "hook", "active", "/repo", '{"x": 1}'))
    store.save_artifact(ArtifactRow("Aabc2", "rules", "removed", "/repo", "{}"))
    assert store.artifact("Aabc1") is not None and store.artifact("Aabc1").body == '{"x": 1}'  # type: ignore[union-attr]
    assert [row.id for row in store.artifacts(statuses=["active"])] == ["Aabc1"]
    assert [row.id for row in store.find_artifacts("Aabc")] == ["Aabc1", "Aabc2"]
    assert store.find_artifacts("A%") == []  # LIKE wildcards are escaped
    store.save_artifact(ArtifactRow("Aabc1", "hook", "removed", "/repo", "{}"))
    assert store.artifact("Aabc1").status == "removed"  # type: ignore[union-attr]
    store.delete_artifact("Aabc1")
    assert store.artifact("Aabc1") is None
    store.close()


def test_the_first_baseline_wins_and_folders_come_deepest_first(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    store.keep_baseline(FileBaseline("/repo/CLAUDE.md", "file", b"# mine\r\n"))
    store.keep_baseline(FileBaseline("/repo/CLAUDE.md", "file", b"changed"))
    store.keep_baseline(FileBaseline("/repo/.claude", "dir"))
    store.keep_baseline(FileBaseline("/repo/.claude/hooks/reverie", "dir"))
    assert store.file_baseline("/repo/CLAUDE.md") == FileBaseline("/repo/CLAUDE.md", "file", b"# mine\r\n")
    assert next(b.path for b in store.file_baselines()) == "/repo/.claude/hooks/reverie"
    store.drop_baseline("/repo/CLAUDE.md")
    assert store.file_baseline("/repo/CLAUDE.md") is None
    store.close()
