"""Compile, drift and removal against a real store and real files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.adapters.settings_file import schema_problems
from reverie.artifacts import compiler
from reverie.artifacts.model import Kind, Target
from reverie.domain.lessons import LessonStatus, Level
from reverie.errors import ConfigError
from tests.artifacts.conftest import NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY, TESTS_RULE, Env, verbs
from tests.recall.builders import PYTHON3


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_only_active_lessons_at_rule_and_above_are_compiled(env: Env) -> None:
    candidate = replace(TESTS_RULE, key="x", id="Lcandidate01", status=LessonStatus.CANDIDATE)
    instinct = replace(NO_FORCE_PUSH, key="y", id="Linstinct001", level=Level.INSTINCT)
    env.store([TESTS_RULE, candidate, instinct])
    plan = env.plan()
    assert plan.lessons == 1
    assert {a.artifact.lesson_ids for a in plan.actions} == {(TESTS_RULE.id,)}


def test_rules_hooks_and_path_rules_are_written_where_claude_code_loads_them(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY])
    plan = env.compile()
    assert {a.verb for a in plan.actions} == {"write"}, [a.to_json() for a in plan.actions if a.verb != "write"]
    claude_md = (env.repo / "CLAUDE.md").read_text()
    assert "- run the tests with `make check`." in claude_md and "In this project" not in claude_md
    assert "Never edit the generated files" not in claude_md  # path-scoped: in .claude/rules instead
    (rule_file,) = (env.repo / ".claude" / "rules").glob("*.md")
    assert rule_file.read_text().startswith('---\npaths:\n  - "migrations/**"\n---\n')
    assert "migrations/**" in (env.repo / "AGENTS.md").read_text()
    settings = json.loads((env.repo / ".claude" / "settings.json").read_text())
    assert schema_problems(settings, "claude-code-settings.json") == []
    (command,) = [h["command"] for g in settings["hooks"]["PreToolUse"] for h in g["hooks"]]  # three lessons, one
    assert command == (
        'test ! -f "$CLAUDE_PROJECT_DIR"/.claude/hooks/reverie/enforce.py'
        ' || python3 -I -S "$CLAUDE_PROJECT_DIR"/.claude/hooks/reverie/enforce.py PreToolUse'
    )
    assert list(settings["hooks"]) == ["PreToolUse"] and str(env.repo) not in command
    assert [p.name for p in (env.repo / ".claude" / "hooks" / "reverie").iterdir()] == ["enforce.py"]


def test_compiling_again_changes_nothing(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    env.compile()
    before = snapshot(env.repo)
    again = env.compile()
    assert set(verbs(again).values()) == {"unchanged"} and snapshot(env.repo) == before


def test_a_retired_lesson_leaves_the_block_and_loses_its_hook(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    (env.repo / "CLAUDE.md").write_text("# Shop\n")
    env.compile()
    env.store([replace(NO_FORCE_PUSH, status=LessonStatus.RETIRED)])
    plan = env.compile()
    assert sorted(a.verb for a in plan.actions if a.artifact.kind is Kind.HOOK) == ["remove"]
    assert "git push --force" not in (env.repo / "CLAUDE.md").read_text()
    assert not (env.repo / ".claude").exists()
    env.store([replace(TESTS_RULE, status=LessonStatus.RETIRED)])
    env.compile()
    assert snapshot(env.repo) == {".git/config": (env.repo / ".git/config").read_bytes(), "CLAUDE.md": b"# Shop\n"}


def test_remove_restores_the_users_files_byte_for_byte(env: Env) -> None:
    (env.repo / ".claude").mkdir()
    odd = b'{"permissions": {"allow": ["Bash(ls:*)"]},\n "hooks": {"Stop": []}}'  # their own formatting
    (env.repo / ".claude" / "settings.json").write_bytes(odd)
    (env.repo / "CLAUDE.md").write_bytes(b"# Shop\r\n\r\nNotes without a final newline")
    before = snapshot(env.repo)
    env.store([TESTS_RULE, NO_FORCE_PUSH, NO_MIGRATION_EDITS])
    env.compile()
    assert snapshot(env.repo) != before
    for item in compiler.registry(env.workspace.store):
        compiler.remove(env.workspace.store, item.record.artifact.id)
    assert snapshot(env.repo) == before


def test_retiring_one_of_two_lessons_takes_its_check_out_of_the_one_script(env: Env) -> None:
    env.store([NO_FORCE_PUSH, NO_MIGRATION_EDITS])
    env.compile([Target.CLAUDE_CODE])
    script = env.repo / ".claude" / "hooks" / "reverie" / "enforce.py"
    before = script.stat().st_ino
    assert NO_FORCE_PUSH.id in script.read_text() and NO_MIGRATION_EDITS.id in script.read_text()
    env.store([replace(NO_FORCE_PUSH, status=LessonStatus.RETIRED)])
    plan = env.compile([Target.CLAUDE_CODE])
    (hook,) = [a for a in plan.actions if a.artifact.kind is Kind.HOOK]
    assert hook.verb == "update" and hook.artifact.lesson_ids == (NO_MIGRATION_EDITS.id,)
    assert NO_FORCE_PUSH.id not in script.read_text() and NO_MIGRATION_EDITS.id in script.read_text()
    assert script.stat().st_ino != before  # replaced by a rename, never rewritten in place under a running agent
    settings = json.loads((env.repo / ".claude" / "settings.json").read_text())
    (matcher,) = [g["matcher"] for g in settings["hooks"]["PreToolUse"]]
    assert matcher == "Edit|Write|MultiEdit|NotebookEdit|apply_patch|Bash"


def test_a_reminder_registers_the_same_script_for_post_tool_use_and_leaves_with_its_lesson(env: Env) -> None:
    remind = replace(TESTS_RULE, id="Lremind00001", key="remind", level=Level.HOOK)
    remind = replace(remind, trigger=replace(remind.trigger, commands=("make check",)))
    env.store([NO_FORCE_PUSH, remind])
    env.compile([Target.CLAUDE_CODE])
    settings = json.loads((env.repo / ".claude" / "settings.json").read_text())
    hooks = settings["hooks"]
    commands = {event: [h["command"] for g in groups for h in g["hooks"]] for event, groups in hooks.items()}
    assert {event: [c.rsplit(" ", 1)[-1] for c in found] for event, found in commands.items()} == {
        "PreToolUse": ["PreToolUse"],
        "PostToolUse": ["PostToolUse"],
    }
    env.store([replace(remind, status=LessonStatus.RETIRED)])
    env.compile([Target.CLAUDE_CODE])
    assert list(json.loads((env.repo / ".claude" / "settings.json").read_text())["hooks"]) == ["PreToolUse"]


def test_a_removed_artifact_stays_removed_until_restored(env: Env) -> None:
    env.store([NO_FORCE_PUSH])
    env.compile([Target.CLAUDE_CODE])
    hook = next(
        i.record.artifact for i in compiler.registry(env.workspace.store) if i.record.artifact.kind is Kind.HOOK
    )
    compiler.remove(env.workspace.store, hook.id[:6])
    plan = env.compile([Target.CLAUDE_CODE])
    skipped = next(a for a in plan.actions if a.artifact.id == hook.id)
    assert skipped.verb == "skip" and "artifacts restore" in skipped.reason
    assert not Path(hook.parts[0].path).exists()
    compiler.restore(env.workspace.store, hook.id)
    assert next(a for a in env.compile([Target.CLAUDE_CODE]).actions if a.artifact.id == hook.id).verb == "write"


def test_a_hand_edited_artifact_is_kept_reported_and_protected_from_remove(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    env.compile([Target.CLAUDE_CODE])
    claude_md = env.repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text().replace("make check", "make check-all"))
    env.store([replace(TESTS_RULE, statement="In this project: run the tests with `make test`.")])
    plan = env.compile([Target.CLAUDE_CODE])
    kept = next(a for a in plan.actions if a.artifact.kind is Kind.RULES)
    assert kept.verb == "kept" and "edited by hand" in kept.reason
    assert "make check-all" in claude_md.read_text() and "make test" not in claude_md.read_text()
    listed = {i.record.artifact.kind: i.drift for i in compiler.registry(env.workspace.store)}
    assert listed[Kind.RULES] and not listed[Kind.HOOK]
    with pytest.raises(ConfigError, match="edited by hand"):
        compiler.remove(env.workspace.store, kept.artifact.id)
    compiler.remove(env.workspace.store, kept.artifact.id, force=True)
    assert not claude_md.exists()  # reverie created it; with the block gone, so is the file


def test_a_file_of_the_same_name_is_never_overwritten(env: Env) -> None:
    env.store([NO_FORCE_PUSH])
    hook = next(a.artifact for a in env.plan([Target.CLAUDE_CODE]).actions if a.artifact.kind is Kind.HOOK)
    script = Path(hook.parts[0].path)
    script.parent.mkdir(parents=True)
    script.write_text("# mine\n")
    action = next(a for a in env.compile([Target.CLAUDE_CODE]).actions if a.artifact.id == hook.id)
    assert action.verb == "skip" and script.read_text() == "# mine\n"


def test_dry_run_plans_without_writing(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    before = snapshot(env.repo)
    plan = env.plan()
    assert plan.changes and snapshot(env.repo) == before
    assert compiler.registry(env.workspace.store) == []


def test_global_lessons_go_to_the_users_files_with_absolute_script_paths(env: Env) -> None:
    env.store([replace(PYTHON3, level=Level.HOOK, against="python")])
    env.compile()
    assert "Use `python3`, not `python`." in (env.claude_dir / "CLAUDE.md").read_text()
    assert "Use `python3`, not `python`." in (env.codex_dir / "AGENTS.md").read_text()
    settings = json.loads((env.claude_dir / "settings.json").read_text())
    command = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert str(env.claude_dir / "hooks" / "reverie") in command and "CLAUDE_PROJECT_DIR" not in command
    assert not (env.repo / "CLAUDE.md").exists()


def test_another_projects_lessons_are_not_compiled_here(env: Env) -> None:
    env.store([replace(TESTS_RULE, id="Lother000001", scope=replace(TESTS_RULE.scope, project="github.com/x/y"))])
    assert env.plan().actions == ()


def test_agents_md_target_writes_only_agents_md(env: Env) -> None:
    env.store([TESTS_RULE, NO_FORCE_PUSH])
    env.compile([Target.AGENTS_MD])
    assert sorted(snapshot(env.repo)) == [".git/config", "AGENTS.md"]
