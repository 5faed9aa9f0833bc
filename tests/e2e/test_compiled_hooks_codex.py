"""Compiled hooks, end to end, with the real Codex CLI: a user-global hook in ``$CODEX_HOME/hooks.json``
blocks the scripted model's shell call, the model receives the lesson's message, and removal restores
both the previous behaviour and the file.

A global lesson at level ``hook`` says never ``git push --force``. ``reverie compile`` (the real
command) registers its script in the user's ``$CODEX_HOME/hooks.json``, next to a hook the user already
had, in a file whose formatting is the user's. The scripted model runs ``git push --force origin main``
through ``exec_command`` in a repository with a local bare remote; the remote must stay empty and the
next request must carry the block message. After ``reverie artifacts remove`` the same script pushes,
and ``hooks.json`` holds the user's bytes again.
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

from reverie.domain.lessons import LessonKind, Level
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell
from reverie.workspace import Workspace
from tests.e2e.agents import CODEX_BINARY, Codex, require
from tests.recall.builders import lesson, store_lessons

pytestmark = pytest.mark.e2e

FORCE_PUSH = "git push --force origin main"
# The user's own hooks file: another tool's hook, tab-indented, no final newline.
USERS_HOOKS = '{\n\t"hooks": {\n\t\t"Stop": [{"hooks": [{"type": "command", "command": "true"}]}]\n\t}\n}'


@dataclass(frozen=True)
class World:
    remote: Path
    hooks_path: Path
    lesson_id: str
    compiled: dict[str, object]
    hooks_after_compile: str
    blocked: list[Exchange]
    remote_after_block: str
    allowed: list[Exchange]


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
    (project / "README.md").write_text("# Shop\n")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "init")
    _git(project, "remote", "add", "origin", str(remote))
    return project, remote


def _reverie(home: Path, codex: Codex, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVERIE_HOME": str(home), "CODEX_HOME": str(codex.home)}
    env.update(HOME=str(codex.root / "home"), CLAUDE_CONFIG_DIR=str(codex.root / "claude"))
    return subprocess.run(
        [sys.executable, "-m", "reverie.cli", *args], capture_output=True, text=True, env=env, check=True
    )


def _session(codex: Codex, project: Path) -> list[Exchange]:
    with ScriptedServer(Script([shell(FORCE_PUSH), say("Done.")])) as server:
        codex.server_openai_url = server.openai_base_url
        codex.write_config()
        codex.run("Publish the branch.", cwd=project).check()
        return server.main_exchanges()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require(CODEX_BINARY)
    root = tmp_path_factory.mktemp("compiled-hooks-codex")
    project, remote = _repository(root)
    home = root / "reverie-home"
    push = lesson("rule:no-force-push", "Never run `git push --force`.", project=None, commands=("git push --force",))
    push = replace(push, kind=LessonKind.RULE, level=Level.HOOK)
    workspace = Workspace.open(home)
    try:
        store_lessons(workspace, [push], refresh=False)
    finally:
        workspace.close()
    codex = Codex("http://127.0.0.1:1", root / "agent", extra_env={"REVERIE_HOME": str(home)})
    codex.write_config()
    codex.hooks_path.write_text(USERS_HOOKS)
    args = ("compile", "--target", "codex", "--project", str(project), "--yes", "--json")
    compiled = json.loads(_reverie(home, codex, *args).stdout)
    hooks_after_compile = codex.hooks_path.read_text()
    blocked = _session(codex, project)
    remote_after_block = _git(remote, "branch", "--list")
    for action in compiled["actions"]:
        if action["kind"] == "hook":
            _reverie(home, codex, "artifacts", "remove", action["id"])
    allowed = _session(codex, project)
    yield World(
        remote,
        codex.hooks_path,
        push.id,
        compiled,
        hooks_after_compile,
        blocked,
        remote_after_block,
        allowed,
    )


def _shell_result(exchanges: list[Exchange]) -> str:
    results = exchanges[1].tool_results
    assert results, "the second request should carry the result of the shell call"
    return results[-1].output


def test_compile_registered_the_hook_in_codex_home_beside_the_users_hook(world: World) -> None:
    hooks = [a for a in world.compiled["actions"] if a["kind"] == "hook"]  # type: ignore[attr-defined]
    assert [(a["action"], a["targets"]) for a in hooks] == [("write", ["codex"])]
    data = json.loads(world.hooks_after_compile)
    assert list(data) == ["hooks"]  # Codex accepts nothing else at the top
    assert data["hooks"]["Stop"] == [{"hooks": [{"type": "command", "command": "true"}]}]
    (group,) = data["hooks"]["PreToolUse"]
    assert group["matcher"] == "Bash"
    assert group["hooks"][0]["command"].endswith("/hooks/reverie/enforce.py PreToolUse")


def test_the_forbidden_command_is_blocked_and_the_model_gets_the_lessons_message(world: World) -> None:
    output = _shell_result(world.blocked)
    assert f"Blocked by reverie lesson {world.lesson_id}" in output
    assert f"REVERIE_ALLOW={world.lesson_id}" in output and "reverie artifacts remove" in output
    assert world.remote_after_block == ""  # nothing reached the remote


def test_after_removal_the_call_goes_through_and_the_file_is_the_users_again(world: World) -> None:
    output = _shell_result(world.allowed)
    assert world.lesson_id not in output
    assert _git(world.remote, "branch", "--list").strip("* ") == "main"
    assert world.hooks_path.read_text() == USERS_HOOKS
    assert not (world.hooks_path.parent / "hooks" / "reverie").exists()
