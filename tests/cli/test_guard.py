"""Proposer is not approver at the command line: from inside an agent session every command that changes
what agents see or obey becomes a proposal or is refused, whatever the environment says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reverie.adapters.registry import actor_markers
from reverie.cli import main
from reverie.domain.lessons import LessonStatus
from reverie.review import actor as actors
from reverie.workspace import Workspace
from tests.dream.factory import make, put

AGENT = {"CLAUDECODE": "1"}
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def lessons() -> list[str]:
    workspace = Workspace.open()
    try:
        return [lesson.statement for lesson in workspace.store.lessons(statuses=[LessonStatus.ACTIVE])]
    finally:
        workspace.close()


def audit() -> list[tuple[str, str, str]]:
    workspace = Workspace.open()
    try:
        return [(entry.action, entry.actor, entry.detail) for entry in workspace.store.audit_log()]
    finally:
        workspace.close()


@pytest.fixture
def seeded() -> str:
    workspace = Workspace.open()
    try:
        [lesson] = put(workspace.store, make("Use pnpm, not npm.", key="pnpm"))
        return lesson.id
    finally:
        workspace.close()


def test_remember_inside_an_agent_session_is_a_proposal_a_person_accepts(tmp_path: Path) -> None:
    result = run("remember", "Always push to main with git push --force", "--project", str(tmp_path), env=AGENT)
    assert result.exit_code == 0 and "Proposed P" in result.output and "nothing changed" in result.output
    assert lessons() == []
    [proposal] = json.loads(run("proposals", "--json").output)
    assert proposal["kind"] == "lesson" and proposal["via"] == "cli" and proposal["status"] == "pending"
    assert "1 agent proposal(s) wait" in run("review").output
    action, who, _ = audit()[-1]
    assert action == "propose" and "CLAUDECODE is set" in who

    refused = run("proposals", "accept", proposal["id"], "--yes", env=AGENT)
    assert refused.exit_code == 1 and "needs a person" in refused.output and lessons() == []
    accepted = run("proposals", "accept", proposal["id"], "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert len(lessons()) == 1 and "git push --force" in lessons()[0]
    assert run("proposals", "--json").output.strip() == "[]"


def test_forget_promote_evolve_inside_an_agent_session_change_nothing(seeded: str) -> None:
    for args in (
        ("forget", seeded, "--reason", "r"),
        ("promote", seeded, "--to", "global"),
        ("evolve", seeded, "--to", "hook"),
    ):
        result = run(*args, env=AGENT)
        assert result.exit_code == 0 and "Proposed P" in result.output, result.output
    assert lessons() == ["Use pnpm, not npm."]
    kinds = sorted(p["kind"] for p in json.loads(run("proposals", "--json").output))
    assert kinds == ["evolve", "forget", "move"]
    assert run("dreams", "--json").output.strip() == "[]"  # no change-set was made for review either
    forget = next(p for p in json.loads(run("proposals", "--json").output) if p["kind"] == "forget")
    assert run("proposals", "reject", forget["id"]).exit_code == 0
    assert lessons() == ["Use pnpm, not npm."]


@pytest.mark.parametrize(
    "args",
    [
        ("compile", "--yes"),
        ("artifacts", "remove", "A1", "--force"),
        ("artifacts", "restore", "A1"),
        ("uninstall", "--yes"),
        ("init", "--yes"),
        ("discard",),
        ("rollback", "--yes"),
    ],
)
def test_commands_without_a_proposal_form_are_refused_inside_an_agent_session(
    seeded: str, args: tuple[str, ...]
) -> None:
    result = run(*args, env={**AGENT, "HOME": "/nonexistent-home"})
    assert result.exit_code == 1 and "needs a person" in result.output, result.output
    assert "CLAUDECODE" in result.output
    action, who, _detail = audit()[-1]
    assert action == "refuse" and "inside an agent session" in who


def test_compile_dry_run_is_allowed_inside_an_agent_session(tmp_path: Path) -> None:
    result = run("compile", "--dry-run", "--project", str(tmp_path), env=AGENT)
    assert result.exit_code == 0, result.output


def test_a_person_without_a_terminal_must_pass_yes_to_approve(seeded: str) -> None:
    result = run("rollback", "1")
    assert result.exit_code == 1 and "no terminal" in result.output
    remembered = run("remember", "use make check", "--scope", "global")
    assert remembered.exit_code == 0 and "Remembered" in remembered.output
    action, who, _ = audit()[-1]
    assert action == "remember" and "no agent found" in who


def _claude_wrapper(tmp_path: Path) -> Path:
    """A parent process named ``claude``: what an agent looks like from below, markers or not."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "claude"
    script.write_text(f'#!/bin/sh\n"{sys.executable}" -m reverie.cli "$@"\n')
    script.chmod(0o755)
    return script


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in actor_markers()}
    return {**env, "REVERIE_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "REVERIE_CAPTURE": "0"}


def test_an_agent_ancestor_is_found_with_the_markers_removed(tmp_path: Path, reverie_home: Path) -> None:
    claude = _claude_wrapper(tmp_path)
    env = _clean_env(reverie_home)
    done = subprocess.run(
        [str(claude), "remember", "Always push to main with git push --force", "--project", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,  # no controlling terminal either, as under an agent's shell tool
    )
    assert done.returncode == 0 and "Proposed P" in done.stdout, done.stderr
    assert "claude (pid" in done.stdout
    assert lessons() == []
    compiled = subprocess.run(
        [str(claude), "compile", "--yes", "--project", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,
    )
    assert compiled.returncode == 1 and "needs a person" in compiled.stderr and "claude (pid" in compiled.stderr
    entries = audit()
    assert [action for action, _, _ in entries] == ["propose", "refuse"]
    assert all("claude (pid" in who and "no terminal" in who for _, who, _ in entries)


@pytest.mark.skipif(actors.agent_ancestor(os.getpid()) is not None, reason="the test runner itself runs under an agent")
def test_the_same_command_without_an_agent_above_it_is_the_person(tmp_path: Path, reverie_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reverie.cli", "remember", "use make check", "--scope", "global"],
        env=_clean_env(reverie_home),
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,
    )
    assert done.returncode == 0 and "Remembered" in done.stdout, done.stderr
    assert lessons() == ["Use make check."]
