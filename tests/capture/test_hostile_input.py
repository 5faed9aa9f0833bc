"""Input that must not stop capture: nesting that overflows a recursive parser, FIFOs and devices where
files are expected, a git config that never ends. Each was a crash or a hang before."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from reverie.capture import lean_json, reading
from reverie.capture.importer import import_paths
from reverie.capture.project import identify, read_regular
from reverie.cli import main
from reverie.store import SQLiteStore
from tests.capture.test_hook import HOOK, payload, records, run_hook
from tests.capture.test_ingest import spool_event

T = TypeVar("T")
DEEP = "[" * 1001 + "]" * 1001


def line(session: str, uuid: str, text: str) -> str:
    return json.dumps(
        {
            "type": "user",
            "sessionId": session,
            "uuid": uuid,
            "timestamp": "2026-01-02T10:00:00Z",
            "cwd": "/w",
            "message": {"role": "user", "content": text},
        }
    )


def finishes(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread; fail (rather than hang the suite) if it is still blocked after a minute."""
    box: list[T] = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "blocked"
    return box[0]


def test_a_line_nested_1001_deep_is_one_problem_and_the_rest_is_imported(tmp_path: Path) -> None:
    bad = tmp_path / "a.jsonl"
    bad.write_text(
        "\n".join([line("s1", "u1", "first"), DEEP, '{"x":' * 300 + "1" + "}" * 300, line("s1", "u2", "x")]) + "\n"
    )
    good = tmp_path / "b.jsonl"
    good.write_text(line("s2", "v1", "another session") + "\n")
    store = SQLiteStore(tmp_path / "r.db")
    try:
        report = import_paths(store, [bad, good], stale_after=0)
        assert report.events_new == 3 and report.sessions == 2
        assert [(p.line, "nested deeper" in p.message) for p in report.problems] == [(2, True), (3, True)]
    finally:
        store.close()


def test_json_parsers_bound_depth_instead_of_raising_recursion_error() -> None:
    for parse in (lean_json.loads, reading.decode_bounded):
        with pytest.raises(lean_json.TooDeep):
            parse(DEEP)
        with pytest.raises(ValueError):
            parse("[" * (lean_json.MAX_DEPTH + 1) + "]" * (lean_json.MAX_DEPTH + 1))
        assert parse("[" * lean_json.MAX_DEPTH + "]" * lean_json.MAX_DEPTH) is not None


def test_a_deep_transcript_named_by_the_spool_does_not_keep_the_spool_from_the_store(reverie_home: Path) -> None:
    transcript = reverie_home.parent / "deep.jsonl"
    transcript.write_text(DEEP + "\n" + line("s1", "u1", "hello") + "\n")
    spool_event(reverie_home / "spool", "UserPromptSubmit", prompt="run the tests", transcript_path=str(transcript))
    result = CliRunner().invoke(main, ["ingest", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records"] == 1
    assert list((reverie_home / "spool").glob("*.json")) == []


def test_a_fifo_named_like_a_transcript_is_skipped_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "stuck.jsonl")
    (tmp_path / "real.jsonl").write_text(line("s1", "u1", "hello") + "\n")
    store = SQLiteStore(tmp_path / "r.db")
    try:
        report = finishes(lambda: import_paths(store, [tmp_path], stale_after=0))
        assert report.events_new == 1
        assert any("not a regular file" in p.message for p in report.problems)
    finally:
        store.close()
    with pytest.raises(OSError):
        reading.open_regular(tmp_path / "stuck.jsonl")
    with pytest.raises(OSError):
        reading.open_regular("/dev/zero")


@pytest.fixture
def fifo_repos(tmp_path: Path) -> dict[str, Path]:
    """Checkouts whose git files are special: each must be named by its path, at once."""
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    repos = {}
    for name in ("gitdir-fifo", "git-is-fifo", "config-zero", "commondir-fifo", "config-huge"):
        root = tmp_path / name
        root.mkdir()
        repos[name] = root
    (repos["gitdir-fifo"] / ".git").write_text(f"gitdir: {fifo}\n")
    os.mkfifo(repos["git-is-fifo"] / ".git")
    (repos["config-zero"] / ".git").mkdir()
    (repos["config-zero"] / ".git" / "config").symlink_to("/dev/zero")
    (repos["commondir-fifo"] / ".git").mkdir()
    os.mkfifo(repos["commondir-fifo"] / ".git" / "commondir")
    (repos["config-huge"] / ".git").mkdir()
    with open(repos["config-huge"] / ".git" / "config", "wb") as big:
        big.write(b'[remote "origin"]\n\turl = git@github.com:a/b.git\n')
        big.truncate(64 * 1024 * 1024)  # sparse: large to read, free to make
    return repos


def test_git_identity_never_follows_into_special_files(fifo_repos: dict[str, Path]) -> None:
    for name, root in fifo_repos.items():
        project = finishes(lambda root=root: identify(str(root)))  # type: ignore[misc]
        assert project.key.startswith("path:"), name
    assert read_regular("/dev/zero", 10) is None


def test_the_hooks_answer_when_the_cwd_points_git_at_a_fifo(fifo_repos: dict[str, Path], tmp_path: Path) -> None:
    from tests.recall.test_hook import run_hook as run_recall_hook

    home = tmp_path / "home"
    for root in fifo_repos.values():
        done = run_recall_hook("UserPromptSubmit", {"session_id": "s", "cwd": str(root), "prompt": "hi"}, home)
        assert done.returncode == 0 and done.stdout == b""
        run_hook(payload("UserPromptSubmit", cwd=str(root), prompt="hi"), home)
    assert {r["project"]["key"].startswith("path:") for r in records(home)} == {True}
    assert len(records(home)) == 2 * len(fifo_repos)  # the recall entry captures too


def test_a_deeply_nested_hook_payload_is_still_captured(tmp_path: Path) -> None:
    run_hook('{"session_id": "s", "cwd": "/tmp", "tool_input": ' + DEEP + "}", tmp_path)
    [record] = records(tmp_path)
    assert record["error"] == "payload is not a JSON object" and record["raw"].startswith('{"session_id"')


@pytest.mark.slow  # it waits for the hook's deadline to pass, by design
def test_the_recall_hook_answers_within_its_deadline_when_stdin_never_ends(tmp_path: Path) -> None:
    """An agent that never closes the hook's stdin: the hook gives up at its deadline, exits 0, says why."""
    import subprocess
    import sys

    from reverie.recall import respond
    from tests.recall.test_hook import HOOK

    home = tmp_path / "home"
    command = [sys.executable, "-I", "-S", str(HOOK), "--agent", "claude-code", "--event", "SessionStart"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}
    child = subprocess.Popen([*command, "--home", str(home)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert child.stdin is not None
    child.stdin.write(b'{"session_id": "s", "cwd": "/tmp"')  # and never more, never closed
    child.stdin.flush()
    try:
        assert child.wait(timeout=60) == 0  # the deadline is respond.DEADLINE_SECONDS; 60 only stops a hang
    finally:
        child.kill()
        child.stdin.close()
    assert child.stdout is not None and child.stdout.read() == b""
    assert f"{respond.DEADLINE_SECONDS:g} s deadline passed" in (home / "logs" / "recall.log").read_text()


def test_the_combined_hook_answers_within_captures_deadline_when_stdin_never_ends(tmp_path: Path) -> None:
    """Capture and recall in one process: a payload that never ends stops at capture's short deadline,
    and recall is not tried (what hung capture would hang it too)."""
    import subprocess
    import sys

    from reverie.capture import hook_call

    home = tmp_path / "home"
    command = [sys.executable, "-I", "-S", str(HOOK), "--agent", "claude-code", "--event", "SessionStart"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}
    child = subprocess.Popen(
        [*command, "--home", str(home), "--recall", "yes"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    )
    assert child.stdin is not None
    child.stdin.write(b'{"session_id": "s", "cwd": "/tmp"')
    child.stdin.flush()
    try:
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
        child.stdin.close()
    assert child.stdout is not None and child.stdout.read() == b""
    log = (home / "logs" / "hook.log").read_text()
    assert f"{hook_call.ANSWERING_DEADLINE_SECONDS:g} s deadline passed" in log
    assert not (home / "logs" / "recall.log").exists()
