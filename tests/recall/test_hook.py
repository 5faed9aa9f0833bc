"""The recall hook as agents run it: ``<python> -I -S .../capture/hook.py ... --recall yes`` (capture and
recall in one process), a payload on stdin; the separate ``recall/hook.py`` of earlier installs still answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reverie.domain import markers
from reverie.recall import respond
from reverie.workspace import Workspace
from tests.recall.builders import BLOG_YARN, MIGRATIONS, PNPM, PYTHON3, STYLE, TESTS, store_lessons

HOOK = Path(__file__).resolve().parents[2] / "src" / "reverie" / "recall" / "hook.py"
COMBINED = HOOK.parents[1] / "capture" / "hook.py"


def run_hook(
    event: str,
    payload: object,
    home: Path,
    *,
    env: dict[str, str] | None = None,
    raw: bytes | None = None,
    separate: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """One event through the entry ``reverie init`` writes, or (``separate``) the old recall-only one."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")} | (env or {})
    environment["REVERIE_AUTO_INGEST"] = "0"
    stdin = raw if raw is not None else json.dumps(payload).encode()
    script, answer = (HOOK, []) if separate else (COMBINED, ["--recall", "yes"])
    command = [sys.executable, "-I", "-S", str(script), "--agent", "claude-code", "--event", event, "--home", str(home)]
    return subprocess.run(command + answer, input=stdin, capture_output=True, env=environment, timeout=60, check=False)


def context_of(done: subprocess.CompletedProcess[bytes], event: str) -> str:
    assert done.returncode == 0, done.stderr
    if not done.stdout:
        return ""
    output = json.loads(done.stdout)
    assert output["hookSpecificOutput"]["hookEventName"] == event
    text: str = output["hookSpecificOutput"]["additionalContext"]
    assert markers.contains_injected(text)
    return text


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS, MIGRATIONS, PYTHON3, STYLE, BLOG_YARN])
    return workspace


def payload(checkout: Path, **fields: object) -> dict[str, object]:
    return {"session_id": "sess-hook", "transcript_path": "/x.jsonl", "cwd": str(checkout), **fields}


def decision_of(done: subprocess.CompletedProcess[bytes]) -> dict[str, str]:
    assert done.returncode == 0, done.stderr
    output: dict[str, str] = json.loads(done.stdout)["hookSpecificOutput"]
    assert output["hookEventName"] == "PreToolUse" and "additionalContext" not in output
    return output


def test_a_session_gets_each_lesson_once_and_a_forbidden_call_is_stopped_before_it_runs(
    stocked: Workspace, checkout: Path
) -> None:
    home = stocked.home
    digest = context_of(run_hook("SessionStart", payload(checkout, source="startup"), home), "SessionStart")
    assert STYLE.id in digest and BLOG_YARN.statement not in digest
    assert PNPM.id not in digest and TESTS.id not in digest  # they stop the call they are about: shown there
    asked = run_hook("UserPromptSubmit", payload(checkout, prompt="how do I run the tests?"), home)
    assert TESTS.id in context_of(asked, "UserPromptSubmit")  # asked about: before the first call
    call = payload(checkout, tool_name="Bash", tool_input={"command": "npm test"}, tool_use_id="toolu_1")
    stopped = decision_of(run_hook("PreToolUse", call, home))
    assert stopped["permissionDecision"] == "deny"
    assert (
        PNPM.id in stopped["permissionDecisionReason"]
        and "Use `pnpm`, not `npm`" in stopped["permissionDecisionReason"]
    )
    assert markers.contains_injected(stopped["permissionDecisionReason"])  # never learned back
    assert run_hook("PreToolUse", call, home).stdout == b""  # once: a second try goes through
    log = (home / "recall" / "injections" / "sess-hook.jsonl").read_text().splitlines()
    assert [json.loads(line)["channel"] for line in log] == ["digest", "prompt", "tool"]
    assert json.loads(log[-1])["decision"] == "deny" and PNPM.id in json.loads(log[-1])["lessons"]
    assert not (home / "logs").exists()


def test_the_separate_recall_hook_of_earlier_installs_still_answers(stocked: Workspace, checkout: Path) -> None:
    start = payload(checkout, source="startup")
    digest = context_of(run_hook("SessionStart", start, stocked.home, separate=True), "SessionStart")
    assert STYLE.id in digest
    assert not (stocked.home / "spool").exists()  # it never captured


def test_call_decision_1_asks_the_person_and_0_only_adds_context(stocked: Workspace, checkout: Path) -> None:
    call = payload(checkout, tool_name="Bash", tool_input={"command": "npm install"}, session_id="s-ask")
    asked = decision_of(run_hook("PreToolUse", call, stocked.home, env={"REVERIE_RECALL_CALL_DECISION": "1"}))
    assert asked["permissionDecision"] == "ask"
    quiet = {**call, "session_id": "s-context"}
    told = run_hook("PreToolUse", quiet, stocked.home, env={"REVERIE_RECALL_CALL_DECISION": "0"})
    assert "before `npm install`" in context_of(told, "PreToolUse")
    start = payload(checkout, source="startup", session_id="s-context-start")
    digest = run_hook("SessionStart", start, stocked.home, env={"REVERIE_RECALL_CALL_DECISION": "0"})
    assert PNPM.id in context_of(digest, "SessionStart")  # no call will be stopped: the digest says it


def test_reverie_inject_0_turns_it_off(stocked: Workspace, checkout: Path) -> None:
    done = run_hook("SessionStart", payload(checkout, source="startup"), stocked.home, env={"REVERIE_INJECT": "0"})
    assert done.returncode == 0 and done.stdout == b"" and not (stocked.home / "recall" / "sessions").exists()


def test_a_compaction_forgets_what_was_shown_a_resume_does_not(stocked: Workspace, checkout: Path) -> None:
    start = payload(checkout, source="startup")
    assert context_of(run_hook("SessionStart", start, stocked.home), "SessionStart")
    assert context_of(run_hook("SessionStart", {**start, "source": "resume"}, stocked.home), "SessionStart") == ""
    assert context_of(run_hook("SessionStart", {**start, "source": "compact"}, stocked.home), "SessionStart")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b'{"truncated": ',
        b"[1, 2]",
        b'{"session_id": 7, "cwd": null, "prompt": ["x"]}',
        b"\xff\xfe" * 1000,
    ],
)
def test_bad_payloads_fail_open(stocked: Workspace, raw: bytes) -> None:
    done = run_hook("UserPromptSubmit", None, stocked.home, raw=raw)
    assert done.returncode == 0 and done.stdout == b""


def test_errors_are_logged_under_home_and_never_shown(stocked: Workspace, checkout: Path) -> None:
    (stocked.home / "recall" / "scopes" / "meta.bin").write_bytes(b"\x00garbage")
    done = run_hook("UserPromptSubmit", payload(checkout, prompt="run the tests"), stocked.home)
    assert done.returncode == 0 and done.stdout == b""  # an unreadable index is no index
    done = run_hook("UserPromptSubmit", payload(checkout, prompt="x"), Path("/proc/definitely/not/writable"))
    assert done.returncode == 0 and done.stdout == b""


def test_a_broken_install_still_exits_zero_silently(tmp_path: Path) -> None:
    script = tmp_path / "reverie" / "recall" / "hook.py"
    script.parent.mkdir(parents=True)
    script.write_text(HOOK.read_text())  # the script without the package around it
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(script), "--event", "PreToolUse", "--home", str(tmp_path / "home")],
        input=b"{}",
        capture_output=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")},
    )
    assert done.returncode == 0 and done.stdout == b""
    assert "ModuleNotFoundError" in (tmp_path / "home" / "logs" / "recall.log").read_text()


def test_the_hook_imports_only_the_standard_library_and_not_the_costly_parts(
    stocked: Workspace, checkout: Path
) -> None:
    quiet = {"REVERIE_RECALL_SESSION_START_TOKENS": "0"}  # the project is found once, as sessions do; no digest
    run_hook("SessionStart", payload(checkout, source="startup"), stocked.home, env=quiet)
    events = [
        ("PreToolUse", payload(checkout, tool_name="Bash", tool_input={"command": "npm test"})),
        ("UserPromptSubmit", payload(checkout, prompt="how do I run the tests")),
    ]
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(HOOK.parents[2])!r})\n"
        "from reverie.recall import respond\n"
        f"for event, data in {events!r}:\n"
        f"    assert any(respond.reply('claude-code', event, data, {str(stocked.home)!r}, {{}}))\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True)
    modules = set(done.stdout.split())
    costly = {"json", "re", "typing", "sqlite3", "_sqlite3", "dataclasses", "enum", "reverie.domain", "reverie.store"}
    assert not costly & modules
    assert not {m for m in modules if m.startswith(("click", "platformdirs", "jsonschema", "pydantic", "mcp"))}
    assert {"reverie.recall.respond", "reverie.recall.lookup"} <= modules


def test_answer_ignores_other_events(stocked: Workspace, checkout: Path) -> None:
    assert respond.answer("claude-code", "PostToolUse", payload(checkout), str(stocked.home), {}) == ""


def test_a_stale_index_starts_one_rebuild(stocked: Workspace, checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.distill.explicit import forget

    started: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda command, **_: started.append(command))
    forget(stocked.store, TESTS.id, "wrong")
    call = payload(checkout, tool_name="Bash", tool_input={"command": "cargo test"})
    assert respond.answer("claude-code", "PreToolUse", call, str(stocked.home), {}) == ""
    respond.answer("claude-code", "PreToolUse", call, str(stocked.home), {})
    assert len(started) == 1 and started[0][1:3] == ["-m", "reverie.recall.index"]
    assert (stocked.home / "recall" / "refresh.lock").exists()
