"""The newcomer's first command: ``reverie demo`` runs every stage in a throw-away home, ends with
commands that work as printed, and never deletes a folder that is not a demo home."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from click.testing import CliRunner

from reverie.cli import main
from reverie.domain.changes import ChangeType
from reverie.workspace import Workspace


def test_the_demo_ends_with_commands_that_work_as_printed(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--home", str(home), "--sessions", "8", "--eval-sessions", "6"])
    assert result.exit_code == 0, result.output
    for step in ("1. capture", "2. distill", "3. dream", "4. recall", "5. compile", "6. eval"):
        assert step in result.output
    lines = [line.split() for line in result.output.splitlines() if line.startswith(f"  REVERIE_HOME={home} ")]
    # After the command that runs reverie here (`reverie`, a script's path, or `python -m reverie`).
    printed = [words[next(n for n, w in enumerate(words) if w.endswith("reverie")) + 1 :] for words in lines]
    assert [" ".join(words) for words in printed] == [
        "lessons",
        "stats --over-time",
        "dreams",
        "history",
        "artifacts",
        "ui",
    ]
    for words in printed:
        if words == ["ui"]:  # a server: its --help is what can be checked here
            words = [*words, "--help"]
        answer = CliRunner(env={"REVERIE_HOME": str(home)}).invoke(main, words, catch_exceptions=False)
        assert answer.exit_code == 0, (shlex.join(words), answer.output)
        assert answer.output.strip(), shlex.join(words)
    plots = sorted(path.name for path in (home / "eval" / "report").glob("*.svg"))  # what `reverie ui` shows
    assert "failure_labels.svg" in plots and all(name in result.output for name in plots)
    over_time = CliRunner(env={"REVERIE_HOME": str(home)}).invoke(main, ["stats", "--over-time", "--json"])
    assert sum(period["added"] for period in json.loads(over_time.output)["periods"]) > 0


def test_the_demo_refuses_to_replace_a_folder_that_is_not_a_demo_home(tmp_path: Path) -> None:
    precious = tmp_path / "my-reverie-home"
    precious.mkdir()
    (precious / "reverie.db").write_bytes(b"years of lessons")
    result = CliRunner().invoke(main, ["demo", "--home", str(precious), "--eval-sessions", "0"])
    assert result.exit_code != 0
    assert "is not a demo home" in result.output and str(precious) in result.output
    assert (precious / "reverie.db").read_bytes() == b"years of lessons"


def test_the_demo_leaves_activations_to_the_person_and_shows_what_a_question_brings(tmp_path: Path) -> None:
    """The demo accepts the consolidation for whoever runs it, but not "make this candidate active":
    only the person who said it knows whether it was meant to last."""
    home = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--home", str(home), "--eval-sessions", "0"])
    assert result.exit_code == 0, result.output
    assert "The person asks 'How do I run the tests here?'; the agent is told:" in result.output
    workspace = Workspace.open(home)
    try:
        (dream,) = workspace.store.dreams()
        items = [(item.change.type, item.decision) for item in workspace.store.dream_changes(dream.id)]
    finally:
        workspace.close()
    activations = [decision for kind, decision in items if kind is ChangeType.ACTIVATE]
    others = [decision for kind, decision in items if kind is not ChangeType.ACTIVATE]
    assert activations and all(decision is None for decision in activations)
    assert "for the person who said it" in result.output
    # The bundled sample's dream may propose consolidations or none (it follows the held-out deck); either
    # way the output says which, and every consolidation it proposed was decided.
    assert all(decision is not None for decision in others)
    said = "The demo approved and accepted" if others else "Nothing for the demo to accept"
    assert said in result.output
