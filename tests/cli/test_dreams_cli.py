"""The dream and review commands, end to end through the CLI on a seeded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reverie.cli import main
from reverie.workspace import Workspace
from tests.dream.factory import APP, choice, make, put


@pytest.fixture
def seeded() -> None:
    workspace = Workspace.open()
    put(
        workspace.store,
        choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",)),
        choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b",)),
        make("Use tabs for indentation.", key="t1", sessions=("c",)),
        make("use tabs for indentation", key="t2", sessions=("d",)),
    )
    workspace.close()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_dream_review_accept_history_rollback(seeded: None) -> None:
    code, out = run("dream", "--json")
    record = json.loads(out)
    assert code == 0 and record["status"] == "completed" and record["changes"] == 2
    code, out = run("review", record["id"])
    assert code == 0 and "supersede" in out and "merge.exact" in out and "evidence" in out and "hash " in out
    review = json.loads(run("review", record["id"], "--json")[1])
    assert {c["type"] for c in review["changes"]} == {"merge", "supersede"}
    assert all(c["content_hash"] and c["before"] and c["after"] for c in review["changes"])
    code, out = run("accept", record["id"])
    assert code == 1 and "--yes" in out  # not a terminal, no --yes: nothing is accepted
    code, out = run("accept", record["id"], "--yes", "--json")
    assert code == 0 and len(json.loads(out)["accepted"]) == 2
    history = json.loads(run("history", "--json")[1])
    assert history["versions"][0]["created_by"] == "review" and history["versions"][0]["id"] == history["head"]
    assert {entry["action"] for entry in history["audit"]} >= {"approve", "accept"}
    code, out = run("rollback", "--yes")
    assert code == 0 and "is the head" in out
    assert json.loads(run("history", "--json")[1])["audit"][-1]["action"] == "rollback"


def test_discard_and_dreams_listing(seeded: None) -> None:
    record = json.loads(run("dream", "--json", "--instructions", "focus on package managers")[1])
    code, out = run("discard", record["id"][:8])
    assert code == 0 and "Discarded 2" in out
    listed = json.loads(run("dreams", "--json")[1])
    assert listed[0]["inputs"]["instructions"] == "focus on package managers" and listed[0]["decided"] == 2


def test_inside_an_agent_session_accept_is_refused(seeded: None) -> None:
    record = json.loads(run("dream", "--json", env={"CLAUDECODE": "1"})[1])
    code, out = run("accept", record["id"], "--yes", env={"CLAUDECODE": "1"})
    assert code == 1 and "needs a person" in out and "CLAUDECODE" in out
    assert run("rollback", "--yes", env={"CLAUDECODE": "1"})[0] == 1


def test_auto_dream_accepts_only_what_the_policy_names(seeded: None) -> None:
    home = Workspace.open().home
    (home / "policy.toml").write_text('[review]\nauto_accept = ["merge.exact"]\n[dream]\nauto_after_sessions = 0\n')
    out = json.loads(run("dream", "--auto", "--json")[1])
    assert out["trigger"] == "auto" and len(out["auto_accepted"]) == 1
    (home / "policy.toml").write_text("[dream]\nauto_after_sessions = 50\n")
    out = json.loads(run("dream", "--auto", "--json")[1])
    assert out["ran"] is False and "cooldown" in out["reason"]
    (home / "policy.toml").write_text("[dream]\nauto_after_sessions = 50\ncooldown_minutes = 0\n")
    out = json.loads(run("dream", "--auto", "--json")[1])
    assert out["ran"] is False and "waits for 50" in out["reason"]


def test_bad_input_gets_a_clear_message(seeded: None) -> None:
    assert "30m, 12h, 7d" in run("dream", "--since", "soon")[1]
    assert "no dream" in run("review", "Dnope")[1]
    record = json.loads(run("dream", "--json")[1])
    assert "no change C99" in run("accept", record["id"], "--only", "C99", "--yes")[1]


def test_gate_checks_from_the_policy_file_pass_a_clean_dream(seeded: None) -> None:
    home = Workspace.open().home
    (home / "policy.toml").write_text('[dream]\ngate = "checks"\n')
    record = json.loads(run("dream", "--json")[1])
    assert record["gate"]["verdict"] == "pass" and record["gate"]["metrics"]["contradictory_pairs"] == [1.0, 0.0]
    assert "gate." not in json.dumps(record["usage"])
    assert "pass" in run("dreams")[1]
    assert run("review", record["id"])[1].splitlines()[1].strip().startswith("gate: pass")
    assert run("accept", record["id"], "--yes")[0] == 0
    assert json.loads(run("dream", "--gate", "off", "--json")[1])["gate"] is None  # the flag overrides the file


def test_a_dream_that_loses_a_labelled_lesson_is_regressing_and_accept_needs_the_flag(
    seeded: None, tmp_path: Path
) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"items": [{"id": "yarn", "terms": ["yarn"], "rivals": ["pnpm"], "project": APP}]}))
    record = json.loads(run("dream", "--gate", str(labels), "--json")[1])
    assert record["gate"]["verdict"] == "regressing" and "recall" in record["gate"]["worse"]
    assert record["gate"]["metrics"]["recall"] == [1.0, 0.0]
    assert "regressing" in run("dreams")[1]
    top = run("review", record["id"])[1].splitlines()[1]
    assert "REGRESSING" in top and "recall 1 -> 0" in top
    code, out = run("accept", record["id"], "--yes")
    assert code == 1 and "--accept-regression" in out
    assert json.loads(run("history", "--json")[1])["audit"][-1]["action"] == "refuse"
    code, out = run("accept", record["id"], "--yes", "--accept-regression", "--json")
    assert code == 0 and len(json.loads(out)["accepted"]) == 2


def test_a_bad_gate_setting_is_a_clear_error(seeded: None) -> None:
    code, out = run("dream", "--gate", "no-such-labels.yaml")
    assert code == 1 and "no-such-labels.yaml" in out and "cannot read" in out
