"""``distill``, ``lessons``, ``show``, ``forget``, ``remember`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from reverie.cli import lessons as lessons_cli
from reverie.cli import main
from reverie.workspace import Workspace
from tests.distill.trace import Trace, day

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

# The lead registers lessons.COMMANDS in reverie.cli; until then the tests build the same group.
CLI = main.__class__(name="reverie", commands={c.name: c for c in lessons_cli.COMMANDS if c.name})
NOT_FOUND = "Exit code 127\n/bin/bash: line 1: python: command not found"


def run(*args: str) -> Result:
    result = CliRunner().invoke(CLI, list(args), catch_exceptions=False)
    return result


def as_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def sessions() -> None:
    workspace = Workspace.open()
    for number in range(2):
        trace = Trace(f"session-{number}", start=day(number)).prompt("run the script")
        trace.fail("python gen.py", NOT_FOUND).run("python3 gen.py", "ok")
        trace.prompt("no, don't use npm here, we use pnpm").into(workspace.store)
    workspace.close()


def test_distill_then_lessons_json_has_the_promised_fields(sessions: None) -> None:
    report = as_json("distill")
    assert [s["session_id"] for s in report["sessions"]] == ["session-0", "session-1"]
    listed = as_json("lessons")
    assert {lesson["statement"] for lesson in listed} >= {
        "In this project: Use `pnpm`, not `npm`.",
        "On this machine: Use `python3`, not `python` (`python` fails here: command not found).",
    }
    for lesson in listed:
        assert {
            "id",
            "statement",
            "kind",
            "scope",
            "status",
            "level",
            "confidence",
            "evidence",
            "valid_from",
            "valid_to",
        } <= set(lesson)
        assert lesson["evidence"] and isinstance(lesson["confidence"], float)
        machine = lesson["statement"].startswith("On this machine: ")
        assert lesson["scope"] == ("global" if machine else "project") and lesson["status"] == "active"
    assert as_json("distill")["sessions"] == []  # nothing new


def test_lessons_filters(sessions: None) -> None:
    run("distill")
    (machine,) = as_json("lessons", "--scope", "global")  # `python3` for `python`: this machine's, not the project's
    assert machine["statement"].startswith("On this machine: Use `python3`")
    assert len(as_json("lessons", "--project", "github.com/acme/app")) == 1
    assert as_json("lessons", "--project", "github.com/acme/other") == []
    assert as_json("lessons", "--status", "candidate") == []
    table = run("lessons").output
    assert "pnpm" in table and "python3" in table


def test_show_prints_the_provenance_chain_down_to_transcript_lines(sessions: None) -> None:
    run("distill")
    (lesson,) = [item for item in as_json("lessons") if "python3" in item["statement"]]
    output = run("show", lesson["id"][:6]).output
    assert lesson["statement"] in output
    assert "/transcripts/session-0.jsonl:3" in output and "/transcripts/session-1.jsonl:5" in output
    assert "confidence" in output and "sessions 2" in output and "trigger" in output
    detail = as_json("show", lesson["id"])
    assert detail["versions"][0]["version"] == 1


def test_forget_leaves_a_tombstone(sessions: None) -> None:
    run("distill")
    (lesson,) = [item for item in as_json("lessons") if "pnpm" in item["statement"]]
    result = run("forget", lesson["id"], "--reason", "we moved back to npm")
    assert result.exit_code == 0 and "Forgot" in result.output
    assert all(item["id"] != lesson["id"] for item in as_json("lessons"))
    (tombstone,) = as_json("lessons", "--status", "retired")
    assert tombstone["forgotten_reason"] == "we moved back to npm" and tombstone["evidence"]


def test_forget_and_show_unknown_ids_fail_clearly() -> None:
    result = run("forget", "Lnothing", "--reason", "x")
    assert result.exit_code == 1 and "no lesson starts with 'Lnothing'" in result.output
    assert run("show", "Lnothing").exit_code == 1


def test_remember_in_a_project_and_globally(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:Acme/Repo.git\n')
    (lesson,) = as_json("remember", "use make check, not pytest", "--project", str(project))
    assert lesson["project"] == "github.com/acme/repo" and lesson["status"] == "active"
    assert lesson["statement"] == "In this project: Use `make check`, not `pytest`."
    assert lesson["evidence"][0]["origin"] == "user"
    (everywhere,) = as_json("remember", "never commit .env files", "--scope", "global")
    assert everywhere["scope"] == "global" and everywhere["project"] is None
    assert run("remember", "should I?").exit_code == 1


def test_a_second_distill_while_one_runs_leaves(sessions: None, reverie_home: Path) -> None:
    import fcntl
    import os

    Workspace.open().close()
    handle = os.open(reverie_home / "distill.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        assert "Another `reverie distill` is running" in run("distill").output
    finally:
        os.close(handle)
    assert "Distilled 2 session(s)" in run("distill").output


def test_every_command_has_help() -> None:
    for command in lessons_cli.COMMANDS:
        assert isinstance(command, click.Command)
        assert run(command.name or "", "--help").exit_code == 0
