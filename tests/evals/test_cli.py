from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from reverie.cli.evals import eval_
from reverie.evals.generator import Scenario


def test_eval_prints_json_with_every_memory_and_metric(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        eval_,
        [
            "--sessions",
            "30",
            "--seed",
            "2",
            "--workdir",
            str(tmp_path),
            "--json",
            "--memory",
            "no-memory",
            "--memory",
            "remember-everything",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["format"] == "reverie-eval/1" and document["sessions"] == 30
    assert set(document["memories"]) == {"no-memory", "remember-everything"}
    metrics = document["memories"]["remember-everything"]["metrics"]
    assert {
        "recall",
        "precision",
        "stale_authority",
        "overreach",
        "pollution",
        "contradictions",
        "poisoning",
        "poisoning_enforced",
        "prevention",
        "false_persistence",
    } <= set(metrics)
    assert all({"value", "n", "d"} == set(rate) for rate in metrics.values())


def test_eval_writes_a_report_folder_and_a_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        eval_,
        [
            "--sessions",
            "30",
            "--workdir",
            str(tmp_path / "work"),
            "--report",
            str(out),
            "--memory",
            "no-memory",
            "--memory",
            "keyword-corrections",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "lesson recall" in result.output and "keyword-corrections" in result.output
    markdown = (out / "report.md").read_text()
    assert "| metric |" in markdown
    assert json.loads((out / "report.json").read_text())["sessions"] == 30
    # The plots are drawn by every install (no optional package): never skipped.
    svgs = sorted(p.name for p in out.glob("*.svg"))
    assert "metrics_over_sessions.svg" in svgs and "failure_labels.svg" in svgs
    assert all(f"![{Path(name).stem}]({name})" in markdown for name in svgs)
    failure_labels = ElementTree.parse(out / "failure_labels.svg").getroot()
    names = {" ".join(text.itertext()) for text in failure_labels.iter("{http://www.w3.org/2000/svg}text")}
    assert {"no-memory", "keyword-corrections", "stale authority"} <= names


def test_replay_needs_labels(tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_, ["--replay", str(tmp_path)])
    assert result.exit_code != 0


def test_replay_of_labelled_history(scenario: Scenario, tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    first = scenario.truth.sessions[0]
    fact = next(i for i in scenario.truth.items if i.category == "fact" and i.matcher.project == first.project)
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "items:\n"
        f"  - id: my-fact\n    category: fact\n    terms: [{fact.matcher.terms[0][0]!r}]\n"
        f"    scope: project\n    project: {first.project}\n"
        "  - id: my-poison\n    category: poison\n    persist: false\n    terms: [evil.example]\n"
        "sessions:\n"
        f"  - id: {first.id[:8]}\n    relevant: [my-fact]\n"
    )
    result = CliRunner().invoke(
        eval_,
        [
            "--replay",
            str(scenario.root / "claude"),
            "--labels",
            str(labels),
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            "--memory",
            "remember-everything",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["meta"]["mode"] == "replay" and document["sessions"] == len(scenario.truth.sessions)
    metrics = document["memories"]["remember-everything"]["metrics"]
    assert metrics["tokens_per_session"]["d"] == 1  # only the labelled session is scored
    assert metrics["recall"]["d"] == 1


def test_a_broken_labels_file_names_the_file(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    labels = tmp_path / "labels.yaml"
    labels.write_text("items:\n  - id: x\n    terms: [a\n")
    (tmp_path / "t").mkdir()
    result = CliRunner().invoke(eval_, ["--replay", str(tmp_path / "t"), "--labels", str(labels)])
    assert result.exit_code != 0
    assert "labels.yaml" in str(result.exception) or "labels.yaml" in result.output
