"""User-global hooks for Codex: registered in ``$CODEX_HOME/hooks.json``, blocking Codex's payloads,
removable to the byte; project hook lessons stay rules in AGENTS.md for Codex, and compile says so."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

from reverie.adapters.settings_file import schema_problems
from reverie.artifacts import compiler
from reverie.artifacts.model import Kind, Target
from reverie.domain.lessons import LessonKind, Level
from tests.artifacts.conftest import NO_FORCE_PUSH, NO_MIGRATION_EDITS, Env
from tests.recall.builders import lesson

GLOBAL_FORCE_PUSH = replace(
    lesson("rule:force-push", "Never run `git push --force`.", project=None, commands=("git push --force",)),
    kind=LessonKind.RULE,
    level=Level.HOOK,
)
GLOBAL_MIGRATIONS = replace(
    lesson("rule:migrations", "Never edit files under migrations/.", project=None, paths=("migrations/**",)),
    kind=LessonKind.RULE,
    level=Level.HOOK,
)
USERS_HOOKS = b'{\r\n    "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]}\r\n}'


def _codex_hooks(env: Env) -> compiler.Action:
    (action,) = [a for a in env.compile([Target.CODEX]).actions if a.artifact.kind is Kind.HOOK]
    return action


def _run_script(script: Path, payload: dict[str, object]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["python3", "-I", "-S", str(script)], input=json.dumps(payload), capture_output=True, text=True, check=False
    )


def _codex_payload(command: str, cwd: Path) -> dict[str, object]:
    """What Codex 0.169 hands a PreToolUse hook for its ``exec_command`` tool."""
    return {
        "session_id": "019a-thread",
        "turn_id": "1",
        "transcript_path": None,
        "cwd": str(cwd),
        "hook_event_name": "PreToolUse",
        "model": "gpt-5-codex",
        "permission_mode": "bypassPermissions",
        "tool_name": "Bash",
        "tool_use_id": "call_1",
        "tool_input": {"command": command},
    }


def test_a_global_hook_is_registered_in_codex_home_and_blocks_codex_calls(env: Env) -> None:
    env.store([GLOBAL_FORCE_PUSH])
    action = _codex_hooks(env)
    assert action.verb == "write" and action.artifact.targets == (Target.CODEX,)
    data = json.loads((env.codex_dir / "hooks.json").read_text())
    assert list(data) == ["hooks"] and schema_problems(data, "codex-hooks.json") == []
    (group,) = data["hooks"]["PreToolUse"]
    command = group["hooks"][0]["command"]
    script = env.codex_dir / "hooks" / "reverie" / f"{action.artifact.name}.py"
    assert str(script) in command and "CLAUDE_PROJECT_DIR" not in command and group["matcher"] == "Bash"
    blocked = _run_script(script, _codex_payload("git push --force origin main", env.repo))
    assert blocked.returncode == 2 and f"Blocked by reverie lesson {GLOBAL_FORCE_PUSH.id}" in blocked.stderr
    assert str(env.codex_dir / "hooks.json") in blocked.stderr  # says where to delete it by hand
    passed = _run_script(script, _codex_payload("git push origin main", env.repo))
    assert (passed.returncode, passed.stdout, passed.stderr) == (0, "", "")


def test_claude_code_and_codex_get_separate_artifacts_that_are_removed_separately(env: Env) -> None:
    env.store([GLOBAL_FORCE_PUSH])
    hooks = [a for a in env.compile().actions if a.artifact.kind is Kind.HOOK]
    assert sorted(a.artifact.targets for a in hooks) == [(Target.CLAUDE_CODE,), (Target.CODEX,)]
    codex = next(a for a in hooks if a.artifact.targets == (Target.CODEX,))
    compiler.remove(env.workspace.store, codex.artifact.id)
    assert not (env.codex_dir / "hooks.json").exists() and not (env.codex_dir / "hooks").exists()
    assert "hooks/reverie" in (env.claude_dir / "settings.json").read_text()
    assert [a.verb for a in env.compile().actions if a.artifact.kind is Kind.HOOK].count("skip") == 1


def test_the_users_hooks_file_is_kept_and_restored_byte_for_byte(env: Env) -> None:
    env.codex_dir.mkdir(parents=True)
    (env.codex_dir / "hooks.json").write_bytes(USERS_HOOKS)
    env.store([GLOBAL_FORCE_PUSH])
    action = _codex_hooks(env)
    data = json.loads((env.codex_dir / "hooks.json").read_text())
    assert set(data["hooks"]) == {"Stop", "PreToolUse"} and b"\r\n" in (env.codex_dir / "hooks.json").read_bytes()
    compiler.remove(env.workspace.store, action.artifact.id)
    assert (env.codex_dir / "hooks.json").read_bytes() == USERS_HOOKS


def test_retiring_the_lesson_takes_the_codex_hook_out(env: Env) -> None:
    env.store([GLOBAL_FORCE_PUSH])
    _codex_hooks(env)
    env.store([replace(GLOBAL_FORCE_PUSH, level=Level.RULE)])
    verbs = {a.artifact.kind: a.verb for a in env.compile([Target.CODEX]).actions}
    assert verbs[Kind.HOOK] == "remove" and not (env.codex_dir / "hooks.json").exists()


def test_project_hook_lessons_stay_rules_for_codex_and_compile_says_why(env: Env) -> None:
    env.store([NO_FORCE_PUSH, NO_MIGRATION_EDITS])
    plan = env.compile([Target.CODEX])
    assert [a for a in plan.actions if a.artifact.kind is Kind.HOOK] == []
    assert not (env.codex_dir / "hooks.json").exists()
    assert (
        f"{NO_FORCE_PUSH.id}: Codex has no project hooks file; for Codex it is a rule in AGENTS.md only" in plan.notes
    )
    assert "Never run `git push --force`." in (env.repo / "AGENTS.md").read_text()


def test_a_global_path_lesson_blocks_codex_apply_patch_through_the_same_script(env: Env) -> None:
    env.store([GLOBAL_FORCE_PUSH, GLOBAL_MIGRATIONS])
    action = _codex_hooks(env)
    assert action.artifact.lesson_ids == (GLOBAL_FORCE_PUSH.id, GLOBAL_MIGRATIONS.id)
    (group,) = json.loads((env.codex_dir / "hooks.json").read_text())["hooks"]["PreToolUse"]
    assert "apply_patch" in group["matcher"].split("|") and "Bash" in group["matcher"].split("|")
    script = env.codex_dir / "hooks" / "reverie" / "enforce.py"
    patch = "*** Begin Patch\n*** Add File: migrations/0002.sql\n+create table t (id int);\n*** End Patch\n"
    payload = {**_codex_payload("", env.repo), "tool_name": "apply_patch", "tool_input": {"command": patch}}
    blocked = _run_script(script, payload)
    assert blocked.returncode == 2 and f"Blocked by reverie lesson {GLOBAL_MIGRATIONS.id}" in blocked.stderr
    elsewhere = {**payload, "tool_input": {"command": patch.replace("migrations/", "docs/")}}
    assert _run_script(script, elsewhere).returncode == 0
