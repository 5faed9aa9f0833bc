"""One process per event: the entry ``reverie init`` writes captures the event and, with ``--recall yes``,
answers it too (context or a permission decision), spool record first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reverie.workspace import Workspace
from tests.capture.test_hook import HOOK, records
from tests.recall.builders import BLOG_YARN, MIGRATIONS, PNPM, PYTHON3, STYLE, TESTS, store_lessons
from tests.recall.test_hook import context_of, decision_of, payload, run_hook


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS, MIGRATIONS, PYTHON3, STYLE, BLOG_YARN])
    return workspace


def test_each_answering_event_is_captured_and_answered_by_one_process(stocked: Workspace, checkout: Path) -> None:
    home = stocked.home
    digest = context_of(run_hook("SessionStart", payload(checkout, source="startup"), home), "SessionStart")
    assert "Keep functions under forty lines" in digest
    prompt = payload(checkout, prompt="please commit the migration")
    assert run_hook("UserPromptSubmit", prompt, home).returncode == 0
    call = payload(checkout, tool_name="Bash", tool_input={"command": "npm test"}, tool_use_id="toolu_1")
    assert decision_of(run_hook("PreToolUse", call, home))["permissionDecision"] == "deny"

    captured = records(home)
    assert [r["event"] for r in sorted(captured, key=lambda r: r["id"])] == [
        "SessionStart",
        "UserPromptSubmit",
        "PreToolUse",
    ]
    assert {r["payload"]["session_id"] for r in captured} == {"sess-hook"}
    assert next(r for r in captured if r["event"] == "PreToolUse")["payload"]["tool_input"] == {"command": "npm test"}
    assert not (home / "logs").exists()


def test_a_capture_that_fails_still_lets_recall_answer(stocked: Workspace, checkout: Path) -> None:
    (stocked.home / "spool").write_text("a file where the spool folder should be")
    done = run_hook("SessionStart", payload(checkout, source="startup"), stocked.home)
    assert "Keep functions under forty lines" in context_of(done, "SessionStart")
    assert "Error" in (stocked.home / "logs" / "hook.log").read_text()


def test_capture_off_still_answers_and_recall_off_still_captures(stocked: Workspace, checkout: Path) -> None:
    start = payload(checkout, source="startup")
    answered = run_hook("SessionStart", start, stocked.home, env={"REVERIE_CAPTURE": "0"})
    assert context_of(answered, "SessionStart") and records(stocked.home) == []
    quiet = run_hook("SessionStart", start, stocked.home, env={"REVERIE_INJECT": "0"})
    assert quiet.returncode == 0 and quiet.stdout == b"" and len(records(stocked.home)) == 1
    silent = run_hook("SessionStart", start, stocked.home, env={"REVERIE_INJECT": "0", "REVERIE_CAPTURE": "0"})
    assert silent.returncode == 0 and silent.stdout == b"" and len(records(stocked.home)) == 1


@pytest.mark.parametrize("raw", [b"", b"not json", b'{"truncated": ', b"[1, 2]", b"\xff\xfe" * 1000])
def test_bad_input_is_captured_for_ingest_to_report_and_never_answered(stocked: Workspace, raw: bytes) -> None:
    done = run_hook("PreToolUse", None, stocked.home, raw=raw)
    assert done.returncode == 0 and done.stdout == b""
    assert len(records(stocked.home)) == (1 if raw else 0)  # text that is not JSON is kept, redacted


def test_events_without_recall_never_load_it(tmp_path: Path, checkout: Path) -> None:
    """A capture-only event (or an entry without --recall) pays nothing for recall."""
    code = (
        "import sys, io\n"
        f"sys.path.insert(0, {str(HOOK.parents[2])!r})\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({json.dumps(payload(checkout)).encode()!r}))\n"
        "from reverie.capture.hook_call import main\n"
        f"main(['--agent', 'claude-code', '--event', 'PostToolUse', '--home', {str(tmp_path)!r}])\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "reverie.capture.hook_call" in done.stdout.split()
    assert not [name for name in done.stdout.split() if name.startswith("reverie.recall")]
    assert len(records(tmp_path)) == 1
