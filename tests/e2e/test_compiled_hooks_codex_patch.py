"""Codex ``apply_patch`` edits, end to end, with the real Codex CLI: its PreToolUse hook is called for
them, and the compiled enforcement script denies a patch into a forbidden path.

What Codex 0.169.0 hands the hook was recorded with the real CLI (this test checks it again): for a model
whose metadata asks for the freeform ``apply_patch`` tool (``gpt-5.5`` here; the fallback metadata of an
unknown model offers no ``apply_patch``), a PreToolUse payload with ``tool_name: "apply_patch"`` and the
patch text as ``tool_input.command``. Exit status 2 stops the patch, and the model receives
``Command blocked by PreToolUse hook: <stderr>``.

Two global lessons at level ``hook`` go into one script in ``$CODEX_HOME``: never ``git push --force``
and never edit ``migrations/``. The scripted model patches a migration (blocked, the file unchanged),
patches the README (applied), then tries the force push (blocked by the same script).
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
from reverie.llms.scripted_server import Exchange, Script, ScriptedServer, say, shell, tool
from reverie.workspace import Workspace
from tests.e2e.agents import CODEX_BINARY, Codex, require
from tests.recall.builders import lesson, store_lessons

pytestmark = pytest.mark.e2e

MIGRATION = "migrations/0001_init.sql"
ORIGINAL = "create table users (id int);\n"
INTO_MIGRATIONS = (
    f"*** Begin Patch\n*** Update File: {MIGRATION}\n@@\n-{ORIGINAL}+create table users (id bigint);\n*** End Patch\n"
)
INTO_README = "*** Begin Patch\n*** Update File: README.md\n@@\n-# Shop\n+# Shop, with emails\n*** End Patch\n"


@dataclass(frozen=True)
class World:
    project: Path
    hooks_path: Path
    push_lesson: str
    path_lesson: str
    payloads: list[dict[str, object]]
    exchanges: list[Exchange]


def _reverie(home: Path, codex: Codex, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVERIE_HOME": str(home), "CODEX_HOME": str(codex.home)}
    env.update(HOME=str(codex.root / "home"), CLAUDE_CONFIG_DIR=str(codex.root / "claude"))
    return subprocess.run(
        [sys.executable, "-m", "reverie.cli", *args], capture_output=True, text=True, env=env, check=True
    )


def _recording_hook(root: Path, codex: Codex) -> Path:
    """A second PreToolUse hook of the user's own, beside reverie's: it records what Codex hands hooks."""
    log = root / "payloads.jsonl"
    recorder = root / "record.py"
    recorder.write_text(f"import sys\nopen({str(log)!r}, 'a').write(sys.stdin.read().strip() + '\\n')\n")
    hooks = {"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": f"python3 {recorder}"}]}]}}
    codex.hooks_path.write_text(json.dumps(hooks))
    return log


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require(CODEX_BINARY)
    root = tmp_path_factory.mktemp("compiled-hooks-codex-patch")
    project = root / "shop"
    (project / "migrations").mkdir(parents=True)
    (project / "README.md").write_text("# Shop\n")
    (project / MIGRATION).write_text(ORIGINAL)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    home = root / "reverie-home"
    push = lesson("rule:no-force-push", "Never run `git push --force`.", project=None, commands=("git push --force",))
    edit = lesson("rule:migrations", "Never edit files under migrations/.", project=None, paths=("migrations/**",))
    lessons = [replace(item, kind=LessonKind.RULE, level=Level.HOOK) for item in (push, edit)]
    workspace = Workspace.open(home)
    try:
        store_lessons(workspace, lessons, refresh=False)
    finally:
        workspace.close()
    codex = Codex("http://127.0.0.1:1", root / "agent", extra_env={"REVERIE_HOME": str(home)}, model="gpt-5.5")
    codex.write_config()
    log = _recording_hook(root, codex)
    _reverie(home, codex, "compile", "--target", "codex", "--project", str(project), "--yes", "--json")
    script = Script(
        [
            tool("apply_patch", input=INTO_MIGRATIONS),
            tool("apply_patch", input=INTO_README),
            shell("git push --force origin main"),
            say("Done."),
        ]
    )
    with ScriptedServer(script) as server:
        codex.server_openai_url = server.openai_base_url
        codex.write_config()
        codex.run("Widen the user id.", cwd=project).check()
        exchanges = server.main_exchanges()
    payloads = [json.loads(line) for line in log.read_text().splitlines()]
    yield World(project, codex.hooks_path, push.id, edit.id, payloads, exchanges)


def test_codex_calls_pre_tool_use_for_apply_patch_with_the_patch_as_command(world: World) -> None:
    patch = next(p for p in world.payloads if p["tool_name"] == "apply_patch")
    assert patch["hook_event_name"] == "PreToolUse"
    assert patch["tool_input"] == {"command": INTO_MIGRATIONS}


def test_one_script_in_codex_home_holds_both_lessons(world: World) -> None:
    groups = json.loads(world.hooks_path.read_text())["hooks"]["PreToolUse"]
    ours = [g for g in groups if "hooks/reverie/enforce.py" in g["hooks"][0]["command"]]
    assert len(ours) == 1 and set(ours[0]["matcher"].split("|")) >= {"Bash", "apply_patch"}


def test_a_patch_into_the_forbidden_path_is_denied_and_the_model_reads_why(world: World) -> None:
    output = world.exchanges[1].tool_results[-1].output
    assert output.startswith("Command blocked by PreToolUse hook:")
    assert f"Blocked by reverie lesson {world.path_lesson}" in output and world.push_lesson not in output
    assert (world.project / MIGRATION).read_text() == ORIGINAL


def test_a_patch_elsewhere_is_applied(world: World) -> None:
    output = world.exchanges[2].tool_results[-1].output
    assert "blocked" not in output.lower()
    assert (world.project / "README.md").read_text() == "# Shop, with emails\n"


def test_the_same_script_denies_the_other_lessons_shell_call(world: World) -> None:
    output = world.exchanges[3].tool_results[-1].output
    assert f"Blocked by reverie lesson {world.push_lesson}" in output and world.path_lesson not in output
