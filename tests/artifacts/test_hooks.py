"""Which check a lesson compiles to, the replays each check is held to, and one script for a scope."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.artifacts import compiler
from reverie.artifacts.hook_script import Enforcement, enforcement, hook_home
from reverie.artifacts.hooks import Check, hook_spec, replays
from reverie.artifacts.model import Target
from reverie.artifacts.places import project_folders
from reverie.domain.lessons import Lesson
from tests.artifacts.conftest import NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY
from tests.recall.builders import PNPM, lesson


def test_a_prohibition_with_commands_blocks_those_commands() -> None:
    spec = hook_spec(NO_FORCE_PUSH)
    assert spec is not None and spec.check is Check.NEVER_COMMAND
    assert spec.commands == ("git push --force",) and spec.matcher == "Bash"


def test_a_prohibition_with_paths_blocks_edits_there() -> None:
    spec = hook_spec(NO_MIGRATION_EDITS)
    assert spec is not None and spec.check is Check.NEVER_PATH
    assert spec.paths == ("migrations/**",) and "Edit" in spec.tools and "Write" in spec.tools


def test_a_choice_blocks_only_what_it_advises_against() -> None:
    both = replace(PNPM, against="npm", trigger=replace(PNPM.trigger, commands=("npm", "pnpm")))
    spec = hook_spec(both)
    assert spec is not None and spec.check is Check.NEVER_COMMAND and spec.commands == ("npm",)


@pytest.mark.parametrize(
    ("statement", "guarded", "required"),
    [
        ("Always run `make smoke` before `make deploy`.", ("make deploy",), ("make smoke",)),
        ("Never run `make deploy` before `make smoke`.", ("make deploy",), ("make smoke",)),
    ],
)
def test_an_order_guards_the_later_command(statement: str, guarded: tuple[str, ...], required: tuple[str, ...]) -> None:
    spec = hook_spec(replace(SMOKE_BEFORE_DEPLOY, statement=statement))
    assert spec is not None and spec.check is Check.ALWAYS_BEFORE
    assert (spec.commands, spec.required) == (guarded, required)


def test_anything_else_with_a_trigger_is_a_reminder_and_nothing_without_one_is_a_hook() -> None:
    tests = lesson("fact:t", "Run the tests with `make check`.", commands=("make",))
    spec = hook_spec(tests)
    assert spec is not None and spec.check is Check.REMIND and spec.event == "PostToolUse"
    assert hook_spec(lesson("pref:x", "Keep answers short.")) is None


def _enforcement(lessons: list[Lesson], taught: list[dict[str, object]]) -> Enforcement:
    folders = project_folders(Path("/repo"))
    home = hook_home(Target.CLAUDE_CODE, folders)
    assert home is not None
    return enforcement(lessons, folders, lambda _: taught, home)


@pytest.mark.parametrize("item", [NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY], ids=lambda x: x.key)
def test_every_compiled_check_passes_its_own_replays_in_the_written_script(item: Lesson) -> None:
    built = _enforcement([item], [])
    assert built.artifact is not None and built.notes == ()
    assert compiler.check(built.artifact) == []


def test_the_checks_of_a_scope_are_one_script_registered_once_per_event() -> None:
    built = _enforcement([NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY], [])
    artifact = built.artifact
    assert artifact is not None
    assert artifact.lesson_ids == (NO_FORCE_PUSH.id, NO_MIGRATION_EDITS.id, SMOKE_BEFORE_DEPLOY.id)
    script, settings = artifact.parts
    assert script.path == "/repo/.claude/hooks/reverie/enforce.py"
    assert all(lesson in script.content for lesson in artifact.lesson_ids)
    (entry,) = json.loads(settings.content)["entries"]
    assert entry["event"] == "PreToolUse" and entry["handler"]["command"].endswith("enforce.py PreToolUse")
    assert set(entry["matcher"].split("|")) == {"Bash", "Edit", "Write", "MultiEdit", "NotebookEdit", "apply_patch"}
    # each lesson's replays ran against the whole script, with the others allowed meanwhile
    assert {item.lesson for item in artifact.replays} == set(artifact.lesson_ids)
    assert compiler.check(artifact) == []


def test_the_call_from_the_evidence_is_replayed_when_there_is_one() -> None:
    taught = {"tool_name": "Bash", "tool_input": {"command": "git push -u origin main --force"}}
    spec = hook_spec(NO_FORCE_PUSH)
    assert spec is not None
    checks = replays(spec, NO_FORCE_PUSH.id, "/repo", [taught])
    assert checks[0].label == "the call that taught it" and checks[0].must_block
    assert checks[0].payload["tool_input"] == taught["tool_input"]
    assert any(not c.must_block and "echo" in c.label for c in checks)
    assert {c.lesson for c in checks} == {NO_FORCE_PUSH.id}


def test_a_path_check_is_held_to_an_apply_patch_too() -> None:
    spec = hook_spec(NO_MIGRATION_EDITS)
    assert spec is not None
    (patch,) = [c for c in replays(spec, NO_MIGRATION_EDITS.id, "/repo", []) if c.payload["tool_name"] == "apply_patch"]
    assert patch.must_block and "*** Update File: migrations/" in patch.payload["tool_input"]["command"]


def test_a_check_that_would_not_block_its_own_call_is_left_out_and_compile_says_why() -> None:
    # The check looks through wrappers such as sudo, so a trigger that starts with one never matches:
    # the replay of the call made from it shows that, and the lesson's check is not written.
    odd = replace(NO_FORCE_PUSH, trigger=replace(NO_FORCE_PUSH.trigger, commands=("sudo reboot",)))
    built = _enforcement([odd, NO_MIGRATION_EDITS], [])
    assert built.artifact is not None and built.artifact.lesson_ids == (NO_MIGRATION_EDITS.id,)
    (note,) = built.notes
    assert note.startswith(f"{odd.id}: its check failed its replays") and "not blocked" in note
    assert _enforcement([odd], []).artifact is None


def test_a_check_that_would_carry_a_secret_is_left_out_and_the_others_are_written() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    leaky = replace(NO_FORCE_PUSH, statement=f"Never run `git push --force` with token {token}")
    built = _enforcement([leaky, NO_MIGRATION_EDITS], [])
    assert built.artifact is not None and built.artifact.lesson_ids == (NO_MIGRATION_EDITS.id,)
    assert "ghp_" not in built.artifact.parts[0].content
    (note,) = built.notes
    assert note.startswith(f"{leaky.id}: its check would put a secret (github_token")
