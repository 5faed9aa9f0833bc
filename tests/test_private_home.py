"""Everything under the reverie home is private: folders 0700, files 0600, whoever created them."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from reverie.cli import main
from reverie.workspace import Workspace, private_files


def modes(home: Path) -> set[tuple[str, str]]:
    """(kind, mode) of every entry under ``home`` that is not private."""
    loose = set()
    for folder, subfolders, files in os.walk(home):
        for name in subfolders:
            mode = oct(os.stat(os.path.join(folder, name)).st_mode & 0o777)
            if mode != "0o700":
                loose.add((os.path.join(folder, name), mode))
        for name in files:
            mode = oct(os.stat(os.path.join(folder, name)).st_mode & 0o777)
            if mode != "0o600":
                loose.add((os.path.join(folder, name), mode))
    return loose


def test_recall_index_and_store_are_private(reverie_home: Path) -> None:
    os.umask(0o022)
    runner = CliRunner()
    assert runner.invoke(main, ["remember", "use make check", "--scope", "global"]).exit_code == 0
    assert runner.invoke(main, ["recall", "make"]).exit_code == 0
    assert (reverie_home / "recall").is_dir()
    assert modes(reverie_home) == set()


def test_a_loose_folder_in_the_home_is_made_private_on_open(reverie_home: Path) -> None:
    Workspace.open().close()
    (reverie_home / "eval").mkdir(mode=0o755)
    os.chmod(reverie_home / "eval", 0o755)
    (reverie_home / "notes.txt").write_text("x")
    os.chmod(reverie_home / "notes.txt", 0o644)
    Workspace.open().close()
    assert modes(reverie_home) == set()


def test_trees_written_inside_private_files_are_private(tmp_path: Path) -> None:
    os.umask(0o022)
    with private_files():
        (tmp_path / "eval" / "scenarios").mkdir(parents=True)
        (tmp_path / "eval" / "scenarios" / "s.jsonl").write_text("{}")
    assert modes(tmp_path / "eval") == set()
    (tmp_path / "after").write_text("x")
    assert oct((tmp_path / "after").stat().st_mode & 0o777) == "0o644"
