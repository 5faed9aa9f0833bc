"""The evidence that a process runs inside an agent session: markers, ancestry, the terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reverie.review.actor import Actor, agent_ancestor, current, has_terminal


def fake_proc(root: Path, chain: list[tuple[int, int, str, list[str]]]) -> Path:
    """(pid, ppid, comm, argv) rows as /proc would show them."""
    for pid, ppid, comm, argv in chain:
        folder = root / str(pid)
        folder.mkdir(parents=True)
        (folder / "stat").write_text(f"{pid} ({comm}) S {ppid} 1 1 0 -1\n")
        (folder / "comm").write_text(comm + "\n")
        (folder / "cmdline").write_bytes(b"\0".join(part.encode() for part in argv) + b"\0")
    return root


def test_a_claude_process_above_us_is_an_agent_whatever_the_environment(tmp_path: Path) -> None:
    proc = fake_proc(
        tmp_path,
        [
            (40, 30, "python3", ["python3", "-m", "reverie"]),
            (30, 20, "bash", ["bash", "-c", "x"]),
            (20, 10, "claude", ["claude", "-p"]),
            (10, 1, "bash", ["-bash"]),
        ],
    )
    assert agent_ancestor(40, proc=proc) == "claude (pid 20)"
    who = current({}, pid=40, proc=proc, terminal=lambda: False)
    assert who.is_agent and not who.is_person and who.agent_marker is None
    assert who.describe().endswith("(inside an agent session: claude (pid 20) is an ancestor; no terminal)")


def test_node_running_the_agent_packages_is_an_agent(tmp_path: Path) -> None:
    claude = ["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js", "--print"]
    codex = ["node", "/home/u/.npm/bin/codex", "exec"]
    proc = fake_proc(
        tmp_path,
        [(9, 8, "sh", ["sh"]), (8, 1, "node", claude), (7, 6, "sh", ["sh"]), (6, 1, "node", codex)],
    )
    assert agent_ancestor(9, proc=proc) == "claude (pid 8)"
    assert agent_ancestor(7, proc=proc) == "codex (pid 6)"


def test_an_ordinary_chain_a_cycle_and_a_missing_proc_find_nothing(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path / "p", [(5, 4, "python3", ["python3"]), (4, 3, "zsh", ["zsh"]), (3, 4, "tmux", ["tmux"])])
    assert agent_ancestor(5, proc=proc) is None
    assert agent_ancestor(5, proc=tmp_path / "absent") is None
    odd = fake_proc(tmp_path / "q", [(5, 4, "python3", ["python3"]), (4, 1, "my (claude) x", ["weird"])])
    assert agent_ancestor(5, proc=odd) is None


def test_markers_are_evidence_and_all_of_them_are_kept() -> None:
    who = current({"CLAUDECODE": "1", "CODEX_THREAD_ID": "019d"}, pid=1, terminal=lambda: True)
    assert who.markers == ("CLAUDECODE", "CODEX_THREAD_ID") and who.is_agent
    assert "CLAUDECODE, CODEX_THREAD_ID are set" in who.describe() and who.describe().endswith("; terminal)")
    assert Actor(name="ada").describe() == "ada"


def test_a_new_session_has_no_controlling_terminal() -> None:
    code = "from reverie.review.actor import has_terminal; print(has_terminal())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, start_new_session=True, check=True
    )
    assert done.stdout.strip() == "False"
    assert isinstance(has_terminal(), bool)
