"""Verified before shown: a lesson whose checkable premise no longer holds here is not shown."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reverie.domain.lessons import LessonKind
from reverie.recall import config, inject, lookup, premises
from reverie.recall import session_state as states
from reverie.workspace import Workspace
from tests.recall.builders import PROJECT, lesson, store_lessons

MAKE_CHECK = lesson(
    "fact:test", "In this project: run the tests with `make check`.", kind=LessonKind.FACT, commands=("make check",)
)
LINT_SCRIPT = lesson(
    "fact:lint", "In this project: lint with `pnpm run lint`.", kind=LessonKind.FACT, commands=("pnpm run lint",)
)
USE_PNPM = lesson("use:pnpm", "In this project: Use `pnpm`, not `npm`.", commands=("npm",), stance="pnpm")
GENERATED = lesson(
    "fact:gen", "In this project: the API client lives in `src/client/`.", kind=LessonKind.FACT, paths=("src/client/",)
)
NEVER_DEPLOY = lesson("rule:deploy", "Never run `make deploy-prod` by hand.", commands=("make deploy-prod",))


def unmet(folder: Path, item: object) -> str | None:
    return premises.unmet(
        premises.Workspace(str(folder)),
        item.statement,  # type: ignore[attr-defined]
        item.stance,  # type: ignore[attr-defined]
        list(item.trigger.commands),  # type: ignore[attr-defined]
        list(item.trigger.paths),  # type: ignore[attr-defined]
    )


def test_a_make_target_that_is_gone(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(".PHONY: test\ntest:\n\tpytest\n")
    assert unmet(tmp_path, MAKE_CHECK) == "the Makefile has no `check` target any more"
    (tmp_path / "Makefile").write_text("check: lint\n\tpytest\n")
    assert unmet(tmp_path, MAKE_CHECK) is None


def test_a_package_script_that_is_gone(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"scripts": {"test": "vitest"}}')
    assert unmet(tmp_path, LINT_SCRIPT) == "package.json has no `lint` script any more"
    (tmp_path / "package.json").write_text('{"scripts": {"lint": "eslint ."}}')
    assert unmet(tmp_path, LINT_SCRIPT) is None


def test_a_package_manager_whose_lockfile_was_replaced(tmp_path: Path) -> None:
    (tmp_path / "pnpm-lock.yaml").write_text("")
    assert unmet(tmp_path, USE_PNPM) is None
    (tmp_path / "pnpm-lock.yaml").unlink()
    assert unmet(tmp_path, USE_PNPM) is None  # no lockfile at all: no evidence either way
    (tmp_path / "yarn.lock").write_text("")
    assert unmet(tmp_path, USE_PNPM) == "`pnpm-lock.yaml` is gone and the project has `yarn.lock`"


def test_a_lockfile_already_there_when_the_lesson_was_said_is_no_news(tmp_path: Path) -> None:
    """ "no, use pnpm" right after the agent's `npm install` wrote package-lock.json corrects that install."""
    lockfile = tmp_path / "package-lock.json"
    lockfile.write_text("{}")
    said_at = lockfile.stat().st_mtime + 5
    check = premises.Workspace(str(tmp_path))
    assert premises.unmet(check, USE_PNPM.statement, "pnpm", ["npm"], [], since=said_at) is None
    os.utime(lockfile, (said_at + 60, said_at + 60))  # written again after the lesson: the project moved
    check = premises.Workspace(str(tmp_path))
    reason = premises.unmet(check, USE_PNPM.statement, "pnpm", ["npm"], [], since=said_at)
    assert reason == "`pnpm-lock.yaml` is gone and the project has `package-lock.json`"


def test_a_named_path_that_is_gone_and_what_a_lesson_forbids_is_never_checked(tmp_path: Path) -> None:
    assert unmet(tmp_path, GENERATED) == "`src/client` no longer exists"
    (tmp_path / "src" / "client").mkdir(parents=True)
    assert unmet(tmp_path, GENERATED) is None
    (tmp_path / "Makefile").write_text("check:\n\ttrue\n")
    assert unmet(tmp_path, NEVER_DEPLOY) is None
    for scoped in ("In this project: ", "On this machine: "):  # whichever scope it is said in
        forbidding = lesson("rule:deploy", scoped + NEVER_DEPLOY.statement, commands=("make deploy-prod",))
        assert unmet(tmp_path, forbidding) is None


def test_the_project_root_is_found_from_a_subfolder_and_a_fifo_never_blocks(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    os.mkfifo(tmp_path / "Makefile")
    assert premises.Workspace(str(tmp_path / "pkg")).root == str(tmp_path)
    assert unmet(tmp_path / "pkg", MAKE_CHECK) is None  # a FIFO is not a Makefile: no evidence


def test_the_session_start_check_keeps_such_lessons_out_of_every_channel(workspace: Workspace, checkout: Path) -> None:
    store_lessons(workspace, [MAKE_CHECK, USE_PNPM])
    (checkout / "Makefile").write_text("test:\n\tpytest\n")
    index = lookup.open_index(str(workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    state = states.SessionState(None)
    inject.check_premises(index, state, str(checkout))
    digest = inject.digest(index, state, config.Budget(), "claude-code", time.time())
    decisions = {hit.row.id: hit.decision for hit in digest.hits}
    assert decisions[MAKE_CHECK.id] == "premise gone: the Makefile has no `check` target any more"
    assert decisions[USE_PNPM.id] == inject.LEFT_FOR_CALL  # its premise holds; it waits for `npm`
    state.new_turn()
    asked = inject.prompt(index, state, config.Budget(), "claude-code", time.time(), "run make check")
    assert MAKE_CHECK.id not in [hit.row.id for hit in asked.shown]


JEST = lesson("fact:jest", "In this project: run the tests with `npx jest --ci`.", kind=LessonKind.FACT)
ESLINT_OVER_BIOME = lesson(
    "use:eslint", "In this project: Use `npx eslint`, not `npx biome`.", commands=("npx biome",), stance="npx eslint"
)


def test_a_tool_whose_configuration_was_replaced_by_another_of_its_role(tmp_path: Path) -> None:
    assert unmet(tmp_path, JEST) is None  # nothing configured at all: no evidence either way
    (tmp_path / "vitest.config.ts").write_text("export default {}\n")
    assert unmet(tmp_path, JEST) == "`jest` has no configuration here and the project has `vitest.config.ts`"
    (tmp_path / "package.json").write_text('{"jest": {"testEnvironment": "node"}}')
    assert unmet(tmp_path, JEST) is None  # jest configured in package.json: both may run
    (tmp_path / "biome.json").write_text("{}\n")
    assert unmet(tmp_path, ESLINT_OVER_BIOME) == "`eslint` has no configuration here and the project has `biome.json`"
    (tmp_path / ".eslintrc.json").write_text("{}\n")
    assert unmet(tmp_path, ESLINT_OVER_BIOME) is None


def test_a_tool_no_package_script_runs_and_nothing_configures(tmp_path: Path) -> None:
    vitest = lesson("fact:vitest", "In this project: run the tests with `npx vitest`.", kind=LessonKind.FACT)
    (tmp_path / "package.json").write_text('{"scripts": {"test": "vitest run"}}')
    assert unmet(tmp_path, vitest) is None
    (tmp_path / "package.json").write_text('{"scripts": {"test": "make test"}}')
    assert unmet(tmp_path, vitest) == "`vitest` has no configuration here and no package script runs it"
    (tmp_path / "vite.config.ts").write_text("export default {}\n")
    assert unmet(tmp_path, vitest) is None  # vitest reads vite's configuration too


def test_a_tool_that_cannot_run_without_its_file(tmp_path: Path) -> None:
    statement = "In this project: run the checks with `pre-commit run --all-files`."
    checks = lesson("fact:lint", statement, kind=LessonKind.FACT)
    assert unmet(tmp_path, checks) == "`pre-commit` cannot run here: `.pre-commit-config.yaml` is gone"
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    assert unmet(tmp_path, checks) is None
    tox = lesson("fact:test", "In this project: run the tests with `tox -e py312`.", kind=LessonKind.FACT)
    (tmp_path / "pyproject.toml").write_text("[tool.tox]\nlegacy_tox_ini = ''\n")
    assert unmet(tmp_path, tox) is None


NO_JQ = lesson(
    "hazard:missing:jq",
    "In this project: `jq` is not installed here (command not found); do not rely on it.",
    kind=LessonKind.HAZARD,
    commands=("jq",),
    stance="fails",
)


def test_a_program_said_missing_that_is_installed_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's search path decides; a file that cannot be run is no program, and a replay of another
    world (an empty search path) decides nothing."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    project = tmp_path / "project"
    project.mkdir()

    def reason(search_path: list[str] | None) -> str | None:
        workspace = premises.Workspace(str(project), search_path=search_path)
        return premises.unmet(workspace, NO_JQ.statement, NO_JQ.stance, list(NO_JQ.trigger.commands), [])

    assert reason([str(bin_folder)]) is None
    (bin_folder / "jq").write_text("#!/bin/sh\n")
    assert reason([str(bin_folder)]) is None  # not executable
    (bin_folder / "jq").chmod(0o755)
    assert reason([str(bin_folder)]) == "`jq` is installed now"
    assert reason([]) is None
    monkeypatch.setenv("PATH", str(bin_folder))
    assert reason(None) == "`jq` is installed now"  # the session's PATH by default
