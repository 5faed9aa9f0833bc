"""The memory tool's notes directory holds: hard links, symlink races and file-system errors stay inside."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reverie.mcp.memory_tool import MemoryTool
from reverie.recall import proposals
from reverie.workspace import Workspace
from tests.recall.builders import PROJECT

SECRET = "gh" + "p_" + "a1B2c3D4" * 5


@pytest.fixture
def tool(workspace: Workspace) -> MemoryTool:
    return MemoryTool(workspace, PROJECT)


def run(tool: MemoryTool, **command: object) -> tuple[bool, str]:
    result = tool.execute(command)
    return result.is_error, result.text


def test_a_hard_link_to_an_outside_file_is_neither_written_through_nor_read(tool: MemoryTool, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    tool.notes_dir.mkdir(parents=True)
    os.link(outside, tool.notes_dir / "linked.md")
    for command in (
        {"command": "view", "path": "/memories/linked.md"},
        {"command": "create", "path": "/memories/linked.md", "file_text": "overwritten"},
        {"command": "str_replace", "path": "/memories/linked.md", "old_str": "precious", "new_str": "gone"},
        {"command": "insert", "path": "/memories/linked.md", "insert_line": 0, "insert_text": "gone"},
        {"command": "delete", "path": "/memories/linked.md"},
        {"command": "rename", "old_path": "/memories/linked.md", "new_path": "/memories/moved.md"},
    ):
        is_error, text = run(tool, **command)
        assert is_error, (command, text)
    assert outside.read_text() == "precious\n"
    assert os.stat(outside).st_nlink == 2  # the link itself was not touched either
    assert proposals.pending(tool.workspace) == []


def test_a_create_is_whole_and_leaves_no_temporary_file(tool: MemoryTool) -> None:
    assert not run(tool, command="create", path="/memories/a/b/note.md", file_text="one\ntwo\n")[0]
    assert not run(tool, command="create", path="/memories/a/b/note.md", file_text="three\n")[0]
    assert sorted(p.name for p in (tool.notes_dir / "a" / "b").iterdir()) == ["note.md"]
    assert (tool.notes_dir / "a" / "b" / "note.md").read_text() == "three\n"
    assert oct((tool.notes_dir / "a" / "b" / "note.md").stat().st_mode & 0o777) == "0o600"


def test_rename_onto_an_existing_note_is_refused_and_keeps_both(tool: MemoryTool) -> None:
    run(tool, command="create", path="/memories/a.md", file_text="a")
    run(tool, command="create", path="/memories/b.md", file_text="b")
    is_error, text = run(tool, command="rename", old_path="/memories/a.md", new_path="/memories/b.md")
    assert is_error and "already exists" in text
    assert (tool.notes_dir / "a.md").read_text() == "a" and (tool.notes_dir / "b.md").read_text() == "b"


@pytest.mark.parametrize(
    "command",
    [
        {"command": "view", "path": "/memories/missing.md"},
        {"command": "delete", "path": "/memories/missing.md"},
        {"command": "str_replace", "path": "/memories/missing.md", "old_str": "a", "new_str": "b"},
        {"command": "rename", "old_path": "/memories/missing.md", "new_path": "/memories/x.md"},
        {"command": "create", "path": "/memories/folder", "file_text": "on a directory"},
        {"command": "view", "path": "/memories/folder"},
        {"command": "delete", "path": "/memories/folder"},
        {"command": "create", "path": "/memories/file.md/child.md", "file_text": "under a file"},
        {"command": "view", "path": "/memories/fifo"},
        {"command": "create", "path": "/memories/\udcff.md", "file_text": "a name the file system cannot store"},
    ],
)
def test_file_system_failures_come_back_as_errors(tool: MemoryTool, command: dict[str, object]) -> None:
    (tool.notes_dir / "folder").mkdir(parents=True)
    (tool.notes_dir / "file.md").write_text("x")
    os.mkfifo(tool.notes_dir / "fifo")
    is_error, text = run(tool, **command)  # would raise FileNotFoundError, IsADirectoryError, ... before
    assert is_error and text.startswith("Error:"), text


def test_a_note_is_stored_redacted(tool: MemoryTool) -> None:
    run(tool, command="create", path="/memories/deploy.md", file_text=f"Deploy with {SECRET}\n")
    run(tool, command="insert", path="/memories/deploy.md", insert_line=1, insert_text="DB_PASSWORD=hunter22x")
    stored = (tool.notes_dir / "deploy.md").read_text()
    assert SECRET not in stored and "hunter22x" not in stored and "[REDACTED:github_token]" in stored
    assert all(SECRET not in p.statement and "hunter22x" not in p.statement for p in proposals.pending(tool.workspace))


def test_a_directory_swapped_for_a_symlink_during_creates_never_lets_a_note_out(
    tool: MemoryTool, tmp_path: Path
) -> None:
    """A thread keeps replacing /memories/box with a symlink to a folder outside and back, while notes
    are created under it; whatever interleaving happens, nothing is ever written outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    box = tool.notes_dir / "box"
    box.mkdir(parents=True)
    stop = threading.Event()

    def swap() -> None:
        count = 0
        while not stop.is_set():
            count += 1
            aside = tool.notes_dir / f"aside-{count}"
            try:
                os.rename(box, aside)
                os.symlink(outside, box)
                os.unlink(box)
                os.rename(aside, box)
            except OSError:
                continue

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        results = [
            run(tool, command="create", path=f"/memories/box/n{i}.md", file_text=f"note {i}\n") for i in range(300)
        ]
    finally:
        stop.set()
        swapper.join()
    assert list(outside.iterdir()) == []
    written = sorted(p.name for p in tool.notes_dir.rglob("n*.md"))
    assert len(written) == sum(1 for is_error, _ in results if not is_error)
    assert all(text.startswith(("Created", "Error:")) for _, text in results)
