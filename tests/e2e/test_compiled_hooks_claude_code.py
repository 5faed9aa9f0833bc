"""Compiled artifacts, end to end, with the real Claude Code: the hook blocks, the rule is in context,
and removal restores the previous behaviour.

The project is a real git repository with a local bare remote, so ``git push --force`` really works
when nothing stops it. Two lessons are stored at level ``hook`` (what an accepted ``evolve`` change
produces): never ``git push --force``, and never edit ``migrations/``. ``reverie compile`` (the real
command, in a subprocess) writes the CLAUDE.md block and ONE enforcement script holding both lessons'
checks, registered once in the repository's ``.claude/settings.json``. The scripted model then tries
the forbidden command, the forbidden edit and a shell edit into the forbidden folder: the one script
denies each, naming the lesson it broke. After ``reverie artifacts remove`` of the script, the same
model script runs again and the calls go through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reverie.capture.project import identify
from reverie.domain.lessons import LessonKind, Level
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell, tool
from reverie.workspace import Workspace
from tests.e2e.agents import CLAUDE_BINARY, ClaudeCode, require
from tests.recall.builders import lesson, store_lessons

pytestmark = pytest.mark.e2e

FORCE_PUSH = "git push --force origin main"
MIGRATION = "migrations/0002_add_email.sql"
SHELL_EDIT = "cd migrations && sed -i 's/int/bigint/' 0001_init.sql"  # the shell way around the Write check


@dataclass(frozen=True)
class Session:
    exchanges: list[Exchange]
    stdout: str


@dataclass(frozen=True)
class World:
    root: Path
    project: Path
    remote: Path
    home: Path
    push_lesson: str
    path_lesson: str
    compiled: dict[str, object]
    settings: str
    scripts: list[str]
    blocked: Session
    remote_after_block: str
    removed: list[str]
    allowed: Session


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@e"
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.rstrip()


def _repository(root: Path) -> tuple[Path, Path]:
    remote, project = root / "remote.git", root / "shop"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.mkdir()
    _git(project, "init", "-q", "-b", "main")
    (project / "CLAUDE.md").write_text("# Shop\n\nRun the tests with `make check`.\n")
    (project / "migrations").mkdir()
    (project / "migrations" / "0001_init.sql").write_text("create table users (id int);\n")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "init")
    _git(project, "remote", "add", "origin", str(remote))
    return project, remote


def _reverie(home: Path, agent: ClaudeCode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVERIE_HOME": str(home), "CLAUDE_CONFIG_DIR": str(agent.config_dir)}
    env.update(HOME=str(agent.root / "home"), CODEX_HOME=str(agent.root / "codex"))
    return subprocess.run(
        [sys.executable, "-m", "reverie.cli", *args], capture_output=True, text=True, env=env, check=True
    )


def _session(agent: ClaudeCode, project: Path, *, shell_edit: bool = False) -> Session:
    script = Script(
        [
            shell(FORCE_PUSH),
            tool("Write", file_path=str(project / MIGRATION), content="alter table users add email text;\n"),
            *([shell(SHELL_EDIT)] if shell_edit else []),
            say("Done."),
        ]
    )
    with ScriptedServer(script) as server:
        agent.server_url = server.url
        done = agent.run("Ship the email column.", cwd=project, tools=("Bash", "Write")).check()
        return Session(server.main_exchanges(), done.stdout)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require(CLAUDE_BINARY)
    root = tmp_path_factory.mktemp("compiled-hooks")
    project, remote = _repository(root)
    home = root / "reverie-home"
    key = identify(str(project)).key
    push = lesson("rule:no-force-push", "Never run `git push --force`.", project=key, commands=("git push --force",))
    edit = lesson(
        "rule:migrations", "Never edit the generated files under migrations/.", project=key, paths=("migrations/**",)
    )
    workspace = Workspace.open(home)
    try:
        hooks = [replace(item, kind=LessonKind.RULE, level=Level.HOOK) for item in (push, edit)]
        store_lessons(workspace, hooks, refresh=False)
    finally:
        workspace.close()
    agent = ClaudeCode("http://127.0.0.1:1", root / "agent", extra_env={"REVERIE_HOME": str(home)})
    compiled = json.loads(_reverie(home, agent, "compile", "--project", str(project), "--yes", "--json").stdout)
    settings = (project / ".claude" / "settings.json").read_text()
    scripts = sorted(path.name for path in (project / ".claude" / "hooks" / "reverie").iterdir())
    blocked = _session(agent, project, shell_edit=True)
    remote_after_block = _git(remote, "branch", "--list")
    hook_ids = [a["id"] for a in compiled["actions"] if a["kind"] == "hook"]  # type: ignore[attr-defined]
    for artifact in hook_ids:
        _reverie(home, agent, "artifacts", "remove", artifact)
    allowed = _session(agent, project)
    yield World(
        root,
        project,
        remote,
        home,
        push.id,
        edit.id,
        compiled,
        settings,
        scripts,
        blocked,
        remote_after_block,
        hook_ids,
        allowed,
    )


def test_compile_wrote_the_rules_and_one_tested_script_for_both_lessons(world: World) -> None:
    actions = world.compiled["actions"]
    assert isinstance(actions, list)
    assert sorted(a["kind"] for a in actions if a["action"] == "write") == ["hook", "path-rule", "rules", "rules"]
    (hook,) = [a for a in actions if a["kind"] == "hook"]
    assert sorted(hook["lessons"]) == sorted([world.push_lesson, world.path_lesson])
    assert world.scripts == ["enforce.py"]
    settings = json.loads(world.settings)
    assert list(settings["hooks"]) == ["PreToolUse"]
    (group,) = settings["hooks"]["PreToolUse"]  # registered once: one process per tool call
    (handler,) = group["hooks"]
    assert handler["command"].count('"$CLAUDE_PROJECT_DIR"/.claude/hooks/reverie/enforce.py') == 2  # test, run
    assert str(world.root) not in world.settings  # no path of this machine: teammates share this file


def test_the_forbidden_command_is_blocked_with_the_lessons_message(world: World) -> None:
    result = world.blocked.exchanges[1].tool_results[-1]
    assert result.is_error is True
    assert world.push_lesson in result.output and "REVERIE_ALLOW" in result.output
    assert world.path_lesson not in result.output  # the one script names only the lesson that was broken
    assert "reverie artifacts remove" in result.output and ".claude/hooks/reverie/enforce.py" in result.output
    assert world.remote_after_block == ""  # nothing reached the remote


def test_the_forbidden_edit_is_blocked_with_the_lessons_message(world: World) -> None:
    result = world.blocked.exchanges[2].tool_results[-1]
    assert result.is_error is True
    assert world.path_lesson in result.output and "migrations/**" in result.output
    assert world.push_lesson not in result.output and ".claude/hooks/reverie/enforce.py" in result.output


def test_a_shell_edit_into_the_forbidden_folder_is_blocked_too(world: World) -> None:
    result = world.blocked.exchanges[3].tool_results[-1]
    assert result.is_error is True and world.path_lesson in result.output
    assert (world.project / "migrations" / "0001_init.sql").read_text() == "create table users (id int);\n"


def test_the_compiled_rule_is_in_the_models_context(world: World) -> None:
    first = world.blocked.exchanges[0]
    assert first.shows("Rules learned from past sessions")
    assert first.shows(f"Never run `git push --force`. (lesson {world.push_lesson})")
    assert first.shows("Run the tests with `make check`.")  # the user's own text is still there


def test_after_removal_the_same_calls_go_through(world: World) -> None:
    push, write = world.allowed.exchanges[1].tool_results[-1], world.allowed.exchanges[2].tool_results[-1]
    assert not push.is_error and world.push_lesson not in push.output
    assert _git(world.remote, "branch", "--list").strip("* ") == "main"
    assert not write.is_error
    assert (world.project / MIGRATION).read_text() == "alter table users add email text;\n"


def test_removal_left_the_repository_as_it_was(world: World) -> None:
    assert not (world.project / ".claude" / "hooks").exists()
    assert not (world.project / ".claude" / "settings.json").exists()
    status = _git(world.project, "status", "--porcelain", "--untracked-files=all")
    changed = sorted(line[3:] for line in status.splitlines())
    # What remains: the agent's own migration, and the rules (still compiled: only the hooks were removed).
    assert [c for c in changed if not c.startswith(".claude/rules/")] == ["AGENTS.md", "CLAUDE.md", MIGRATION]
    assert len([c for c in changed if c.startswith(".claude/rules/")]) == 1
