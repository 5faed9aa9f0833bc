"""Which check a lesson compiles to, and the replays each hook is held to."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reverie.artifacts import compiler
from reverie.artifacts.hooks import Check, hook_artifact, hook_spec, replays
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


def _replays_pass(item: Lesson, taught: list[dict[str, object]]) -> list[str]:
    folders = project_folders(Path("/repo"))
    artifact = hook_artifact(item, folders, taught)
    assert artifact is not None
    return compiler.check(artifact)


@pytest.mark.parametrize("item", [NO_FORCE_PUSH, NO_MIGRATION_EDITS, SMOKE_BEFORE_DEPLOY], ids=lambda x: x.key)
def test_every_compiled_hook_passes_its_own_replays(item: Lesson) -> None:
    assert _replays_pass(item, []) == []


def test_the_call_from_the_evidence_is_replayed_when_there_is_one() -> None:
    taught = {"tool_name": "Bash", "tool_input": {"command": "git push -u origin main --force"}}
    spec = hook_spec(NO_FORCE_PUSH)
    assert spec is not None
    checks = replays(spec, "/repo", [taught])
    assert checks[0].label == "the call that taught it" and checks[0].must_block
    assert checks[0].payload["tool_input"] == taught["tool_input"]
    assert any(not c.must_block and "echo" in c.label for c in checks)


def test_a_hook_that_would_not_block_its_own_call_is_refused() -> None:
    # The check looks through wrappers such as sudo, so a trigger that starts with one never matches:
    # the replay of the call made from it shows that, and the hook is not written.
    odd = replace(NO_FORCE_PUSH, trigger=replace(NO_FORCE_PUSH.trigger, commands=("sudo reboot",)))
    problems = _replays_pass(odd, [])
    assert problems and all("not blocked" in p for p in problems)
