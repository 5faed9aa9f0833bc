"""A repository that identifies as a project, agent folders of its own, and lessons at compiled levels."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reverie.artifacts import compiler
from reverie.artifacts.compiler import Plan
from reverie.artifacts.model import Target
from reverie.artifacts.places import Places, resolve
from reverie.domain.lessons import Lesson, LessonKind, Level
from reverie.workspace import Workspace
from tests.recall.builders import PROJECT, lesson, store_lessons
from tests.recall.conftest import make_checkout

NO_FORCE_PUSH = replace(
    lesson("rule:force-push", "Never run `git push --force`.", commands=("git push --force",)),
    kind=LessonKind.RULE,
    level=Level.HOOK,
)
NO_MIGRATION_EDITS = replace(
    lesson("rule:migrations", "Never edit the generated files under migrations/.", paths=("migrations/**",)),
    kind=LessonKind.RULE,
    level=Level.HOOK,
)
SMOKE_BEFORE_DEPLOY = replace(
    lesson(
        "procedure:smoke-deploy",
        "In this project: Always run `make smoke` before `make deploy`.",
        kind=LessonKind.PROCEDURE,
        commands=("make smoke", "make deploy"),
    ),
    level=Level.HOOK,
)
TESTS_RULE = replace(
    lesson("fact:tests", "In this project: run the tests with `make check`.", kind=LessonKind.FACT), level=Level.RULE
)


@dataclass
class Env:
    workspace: Workspace
    repo: Path
    claude_dir: Path
    codex_dir: Path

    @property
    def places(self) -> Places:
        return resolve(str(self.repo))

    def store(self, lessons: Sequence[Lesson]) -> list[Lesson]:
        return store_lessons(self.workspace, lessons, refresh=False)

    def plan(self, targets: Sequence[Target] = compiler.DEFAULT_TARGETS) -> Plan:
        return compiler.plan(self.workspace.store, self.places, targets)

    def compile(self, targets: Sequence[Target] = compiler.DEFAULT_TARGETS) -> Plan:
        return compiler.apply(self.workspace.store, self.plan(targets))


@pytest.fixture
def env(tmp_path: Path, reverie_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    claude_dir, codex_dir = tmp_path / "claude-config", tmp_path / "codex-home"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(claude_dir))
    monkeypatch.setenv("CODEX_HOME", str(codex_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    workspace = Workspace.open(reverie_home)
    yield Env(workspace, make_checkout(tmp_path / "shop", PROJECT), claude_dir, codex_dir)
    workspace.close()


def verbs(plan: Plan) -> dict[str, str]:
    """artifact kind and name -> what compile did with it."""
    return {f"{a.artifact.kind.value}:{a.artifact.name}": a.verb for a in plan.actions}
