"""The hook runtime: which calls it blocks, what it says, and that it fails open."""

from __future__ import annotations

import ast
import json
import marshal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reverie.artifacts import enforce
from reverie.artifacts.hook_script import render_script
from reverie.artifacts.replay import runtime_of

NEVER_PUSH: dict[str, Any] = {
    "check": "never-command",
    "event": "PreToolUse",
    "tools": ["Bash"],
    "commands": ["git push --force"],
    "lesson": "L123",
    "artifact": "A9",
    "statement": "Never run `git push --force`.",
    "files": ".claude/hooks/reverie/x.py",
}


def bash(command: str, **extra: Any) -> dict[str, Any]:
    return {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}, **extra}


@pytest.mark.parametrize(
    "command",
    [
        "git push --force",
        "git push origin main --force",
        "cd app && git push --force=yes",
        "sudo git push --force",
        "GIT_TRACE=1 /usr/bin/git push --force",
        "echo start; git push --force | tee log",
        "bash -c 'git push --force'",
        "(git push --force)",
    ],
)
def test_runs_of_the_forbidden_command_are_blocked(command: str) -> None:
    code, out, err = enforce.decide(NEVER_PUSH, bash(command), {})
    assert code == enforce.BLOCK and out == ""
    assert "L123" in err and "REVERIE_ALLOW=L123" in err and "reverie artifacts remove A9" in err


@pytest.mark.parametrize(
    "command",
    [
        "echo git push --force",
        "git push",
        "git push --force-with-lease",
        "git status --force",
        "gitx push --force",
        "grep 'git push --force' notes.md",
        "",
    ],
)
def test_nearby_harmless_commands_pass(command: str) -> None:
    assert enforce.decide(NEVER_PUSH, bash(command), {}) == (0, "", "")


def test_other_tools_and_events_are_not_checked() -> None:
    write = {"hook_event_name": "PreToolUse", "tool_name": "Write", "tool_input": {"command": "git push --force"}}
    assert enforce.decide(NEVER_PUSH, write, {})[0] == 0
    assert enforce.decide(NEVER_PUSH, bash("git push --force", hook_event_name="PostToolUse"), {})[0] == 0


def test_reverie_allow_turns_one_lesson_or_all_off() -> None:
    assert enforce.decide(NEVER_PUSH, bash("git push --force"), {"REVERIE_ALLOW": "L000, L123"})[0] == 0
    assert enforce.decide(NEVER_PUSH, bash("git push --force"), {"REVERIE_ALLOW": "all"})[0] == 0
    assert enforce.decide(NEVER_PUSH, bash("git push --force"), {"REVERIE_ALLOW": "L1234"})[0] == 2


NEVER_MIGRATIONS = {**NEVER_PUSH, "check": "never-path", "tools": ["Edit", "Write"], "paths": ["migrations/**"]}


@pytest.mark.parametrize(
    ("path", "blocked"),
    [
        ("/repo/migrations/0001.sql", True),
        ("/repo/migrations/deep/x.py", True),
        ("migrations/0001.sql", True),
        ("/repo/src/migrations.py", False),
        ("/repo/docs/migrations-notes.md", False),
        ("/elsewhere/migrations/0001.sql", False),
        ("", False),
    ],
)
def test_edits_under_the_forbidden_paths_are_blocked(path: str, blocked: bool) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": {"file_path": path}}
    code, _, err = enforce.decide(NEVER_MIGRATIONS, payload, {"CLAUDE_PROJECT_DIR": "/repo"})
    assert (code == enforce.BLOCK) is blocked
    assert ("migrations/**" in err) is blocked


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.lock", "sub/pnpm.lock", True),
        ("*.lock", "lock", False),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/x/a.py", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("build/", "build/out.js", True),
        (".env", ".env", True),
        (".env", "x/.env.example", False),
    ],
)
def test_glob_semantics(pattern: str, path: str, matches: bool) -> None:
    assert (enforce.matching_path(path, [pattern], "/repo") is not None) is matches


SMOKE_FIRST = {**NEVER_PUSH, "check": "always-before", "commands": ["make deploy"], "required": ["make smoke"]}


def claude_records(command: str, *, failed: bool) -> str:
    use = {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": command}}
    result = {"type": "tool_result", "tool_use_id": "t1", "is_error": failed}
    return "\n".join(
        json.dumps({"type": kind, "message": {"content": [item]}})
        for kind, item in (("assistant", use), ("user", result))
    )


def codex_records(command: str, exit_code: int) -> str:
    call = {"type": "function_call", "call_id": "c1", "arguments": json.dumps({"cmd": command})}
    output = {"type": "function_call_output", "call_id": "c1", "output": f"Process exited with code {exit_code}"}
    return "\n".join(json.dumps({"type": "response_item", "payload": item}) for item in (call, output))


@pytest.mark.parametrize(
    ("transcript", "blocked"),
    [
        ("", True),
        (claude_records("make smoke", failed=True), True),
        (claude_records("make smoke", failed=False), False),
        (claude_records("make smoke-docs", failed=False), True),
        (codex_records("make smoke", 0), False),
        (codex_records("make smoke", 2), True),
        ("not json\n{\n" + claude_records("make smoke", failed=False), False),
    ],
)
def test_deploy_is_blocked_until_a_smoke_test_passed_in_this_session(
    tmp_path: Path, transcript: str, blocked: bool
) -> None:
    path = tmp_path / "session.jsonl"
    path.write_text(transcript)
    code, _, err = enforce.decide(SMOKE_FIRST, bash("make deploy", transcript_path=str(path)), {})
    assert (code == enforce.BLOCK) is blocked
    assert ("`make smoke`" in err) is blocked


def test_the_before_check_ignores_other_commands_and_fails_open_without_a_transcript(tmp_path: Path) -> None:
    assert enforce.decide(SMOKE_FIRST, bash("make test", transcript_path=str(tmp_path / "none")), {})[0] == 0
    assert enforce.decide(SMOKE_FIRST, bash("make deploy"), {})[0] == 0  # no transcript_path at all
    missing = enforce.decide(SMOKE_FIRST, bash("make deploy", transcript_path=str(tmp_path / "none")), {})
    assert missing[0] == enforce.BLOCK  # a session that has written nothing yet has run nothing


def test_a_reminder_adds_context_after_a_matching_call_only() -> None:
    remind = {**NEVER_PUSH, "check": "remind", "event": "PostToolUse", "commands": ["npm"]}
    code, out, err = enforce.decide(remind, bash("npm install", hook_event_name="PostToolUse"), {})
    context = json.loads(out)["hookSpecificOutput"]
    assert code == 0 and err == "" and context["hookEventName"] == "PostToolUse"
    assert "L123" in context["additionalContext"]
    assert enforce.decide(remind, bash("pnpm install", hook_event_name="PostToolUse"), {}) == (0, "", "")


@pytest.mark.parametrize("stdin", ["", "garbage{", "[1, 2]", '{"tool_input": "not a dict"}', "\x00" * 100])
def test_the_script_fails_open_on_bad_input(tmp_path: Path, stdin: str) -> None:
    script = tmp_path / "hook.py"
    script.write_text(render_script({"lesson": "L", "check": "none", "artifact": "A", "files": "f"}))
    done = subprocess.run([sys.executable, "-I", "-S", str(script)], input=stdin, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_an_error_inside_the_hook_fails_open(tmp_path: Path) -> None:
    script = tmp_path / "hook.py"
    script.write_text(render_script({**NEVER_PUSH, "commands": 5}))  # iterating an int raises inside decide
    payload = json.dumps(bash("git push --force"))
    done = subprocess.run([sys.executable, "-I", "-S", str(script)], input=payload, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    script.write_text(render_script(NEVER_PUSH))
    done = subprocess.run([sys.executable, "-I", "-S", str(script)], input=payload, capture_output=True, text=True)
    assert done.returncode == 2 and "L123" in done.stderr


def test_the_script_runs_its_kept_code_only_for_the_source_it_was_compiled_from(tmp_path: Path) -> None:
    script, cache = tmp_path / "hook.py", tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache)}

    def run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-I", "-S", str(script), "PreToolUse"]
        payload = json.dumps(bash("git push --force"))
        return subprocess.run(command, input=payload, capture_output=True, text=True, env=env, check=False)

    script.write_text(render_script(NEVER_PUSH))
    assert run().returncode == 2  # compiled, and kept
    (kept,) = (cache / "reverie" / "enforce").glob("*.bin")
    assert kept.stat().st_mode & 0o777 == 0o600
    source, _ = marshal.loads(kept.read_bytes())
    kept.write_bytes(marshal.dumps((source, compile("raise SystemExit(7)", str(script), "exec"))))
    assert run().returncode == 7  # the kept code is what runs
    script.write_text(render_script({**NEVER_PUSH, "statement": "Edited by hand."}))
    edited = run()  # another source: compiled afresh, never the kept code
    assert edited.returncode == 2 and "Edited by hand." in edited.stderr
    kept.write_bytes(b"torn")
    assert run().returncode == 2
    env.pop("XDG_CACHE_HOME")  # no HOME either: nowhere to keep it, compiled every time
    assert run().returncode == 2


@pytest.mark.parametrize("part", ["loader", "runtime"])
def test_the_runtime_parses_as_python_3_9_and_imports_only_the_standard_library(part: str) -> None:
    script = render_script(NEVER_PUSH)  # the loader, holding enforce.py with shell.py written in
    source = script if part == "loader" else runtime_of(script)
    assert source is not None
    tree = ast.parse(source, feature_version=(3, 9))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
