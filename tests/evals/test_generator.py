from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.domain import EventKind, Origin
from reverie.errors import InputError
from reverie.evals import runner, spoken
from reverie.evals import truth as t
from reverie.evals.generator import Scenario, generate, load_scenario, world_of
from reverie.evals.speech import Speaker
from reverie.evals.transcript import mangle
from reverie.store import SQLiteStore
from tests.evals.conftest import TURNS


def _normalised_files(root: Path) -> dict[str, str]:
    files = sorted(p for p in root.rglob("*") if p.is_file())

    def clean(text: str) -> str:
        return text.replace(str(root), "ROOT").replace(mangle(str(root)), "ROOT")

    return {clean(str(p.relative_to(root))): clean(p.read_text()) for p in files}


def test_the_same_seed_gives_the_same_sessions_and_truth(tmp_path: Path) -> None:
    first = _normalised_files(generate(sessions=25, seed=3, out_dir=tmp_path / "one").root)
    second = _normalised_files(generate(sessions=25, seed=3, out_dir=tmp_path / "two").root)
    assert first == second
    other = _normalised_files(generate(sessions=25, seed=4, out_dir=tmp_path / "three").root)
    assert other != first


def test_transcripts_import_through_the_real_importer_without_problems(scenario: Scenario) -> None:
    store = SQLiteStore(":memory:")
    report = import_paths(store, [scenario.root / "claude"])
    assert report.problems == ()
    assert report.sessions == len(scenario.truth.sessions)
    for session in scenario.truth.sessions:
        stored = store.session(session.id)
        assert stored is not None and stored.project is not None
        assert stored.project.key == session.project  # identity read from the fake checkout's remote
    typed = [
        e
        for s in scenario.truth.sessions
        for e in store.events(s.id)
        if e.kind is EventKind.PROMPT and e.origin is Origin.USER
    ]
    assert len(typed) >= len(scenario.truth.sessions)


def test_transcripts_carry_the_real_format_quirks(scenario: Scenario) -> None:
    records = [json.loads(line) for path in scenario.transcripts for line in path.read_text().splitlines()]
    kinds = Counter(r.get("type") for r in records)
    assert kinds["progress"] > 0 and kinds["file-history-snapshot"] > 0 and kinds["system"] > 0
    message_ids = Counter(r["message"]["id"] for r in records if r.get("type") == "assistant")
    assert any(count > 1 for count in message_ids.values())  # one API message split over records
    errors = [r for r in records if r.get("type") == "user" and isinstance(r.get("toolUseResult"), str)]
    assert errors and all(r["toolUseResult"].startswith("Error: ") for r in errors)
    assert all(
        {"sessionId", "cwd", "uuid", "parentUuid", "timestamp", "version", "gitBranch"} <= r.keys()
        for r in records
        if r.get("type") in ("user", "assistant")
    )
    for path, session in zip(scenario.transcripts, scenario.truth.sessions, strict=True):
        first = json.loads(next(line for line in path.read_text().splitlines() if '"cwd"' in line))
        assert path.parent.name == mangle(first["cwd"]) and path.stem == session.id


def test_the_truth_covers_every_kind_of_item(scenario: Scenario) -> None:
    items = scenario.truth.items
    assert {i.category for i in items} == set(t.CATEGORIES)
    assert all(not i.persist for i in items if i.category in (t.ONE_OFF, t.POISON))
    assert {i.vector for i in items if i.category == t.POISON} >= {"pasted", "issue", "web_page"}
    assert any(i.matcher.valid_to for i in items if i.category == t.FACT), "some project fact changes over time"
    assert any(i.matcher.scope == t.GLOBAL for i in items) and any(i.matcher.scope == t.PROJECT for i in items)
    assert sum(len(s.mistakes) for s in scenario.truth.sessions) > 0
    reloaded = load_scenario(scenario.root).truth
    assert reloaded.items == items and reloaded.sessions == scenario.truth.sessions


def test_the_persons_instructions_are_real_turns_and_their_labels_the_truth(scenario: Scenario) -> None:
    pool = spoken.load(TURNS)
    by_statement = {said.statement: said for said in (*pool.project, *pool.global_, *pool.one_off)}
    items = [item for item in scenario.truth.items if item.matcher.statement]
    assert {item.category for item in items} == {t.PROJECT_PREFERENCE, t.GLOBAL_PREFERENCE, t.ONE_OFF}
    written = "\n".join((scenario.root / s.path).read_text() for s in scenario.truth.sessions)
    for item in items:
        said = by_statement[item.matcher.statement]
        assert json.dumps(said.text)[1:-1] in written  # verbatim, in its channel
        assert item.taught_in and (item.explicit_in or not item.persist)
    assert not [said for said in pool.project if "tabs" in said.statement]  # superseded turns are left out


def test_without_real_turns_the_person_gives_no_instructions(tmp_path: Path) -> None:
    built = generate(sessions=40, seed=3, out_dir=tmp_path)
    assert not [item for item in built.truth.items if item.matcher.statement]
    assert built.truth.meta["turns"]["spoken"] == 0


def test_the_generator_does_not_know_the_extractors() -> None:
    code = "import sys, reverie.evals.generator; sys.exit(any(m.startswith('reverie.distill') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_an_empty_scenario_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        generate(sessions=0, seed=1, out_dir=tmp_path)


def test_a_cached_scenario_is_reused_only_when_made_by_the_same_generator(tmp_path: Path) -> None:
    first = runner.scenario(12, 5, tmp_path)
    truth_file = first.root / "truth.json"
    stamp = truth_file.stat().st_mtime_ns
    assert runner.scenario(12, 5, tmp_path).truth == first.truth and truth_file.stat().st_mtime_ns == stamp
    document = json.loads(truth_file.read_text())
    document["meta"]["fingerprint"] = "an older generator"
    truth_file.write_text(json.dumps(document))
    assert runner.scenario(12, 5, tmp_path).truth.meta["fingerprint"] != "an older generator"


def test_each_project_is_a_repository_that_git_itself_recognises(tmp_path: Path) -> None:
    # Inside another repository (a clone of reverie), git must stop at the sample checkout.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    scenario = generate(sessions=5, seed=3, out_dir=tmp_path / "out")
    for project in scenario.truth.meta["projects"]:
        folder = scenario.root / project["folder"]
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, check=True
        )
        assert Path(top.stdout.strip()) == folder.resolve()


def test_task_requests_are_dealt_not_drawn_so_none_recurs_like_an_instruction() -> None:
    """A person does not retype one task request word for word in session after session; when the
    simulated person did, the request recurred like an instruction said twice and was learned."""
    deck = tuple(f"task {number}" for number in range(5))
    dealt = [Speaker(random.Random(0), "p", deck, turn=index).task({}) for index in range(5)]
    assert sorted(dealt) == sorted(deck)


def test_a_failed_approach_runs_with_the_package_manager_the_checkout_holds(tmp_path: Path) -> None:
    """Run with npm in a pnpm project, the attempt succeeded and taught every memory "npm" against the
    world's own facts; the stale lesson then flip-flopped between the dream's retirement and distill."""
    scenario = generate(sessions=200, seed=1, out_dir=tmp_path, turns=TURNS)  # has node projects' approaches
    lockfiles = {"package-lock.json": "npm", "yarn.lock": "yarn", "pnpm-lock.yaml": "pnpm", "bun.lock": "bun"}
    checked = 0
    for session in scenario.truth.sessions:
        files = scenario.truth.checkouts.get(session.checkout, {})
        managers = {manager for name, manager in lockfiles.items() if name in files}
        if len(managers) != 1:
            continue
        transcript = next(path for path in scenario.transcripts if session.id in path.name)
        for line in transcript.read_text().splitlines():
            for block in (json.loads(line).get("message") or {}).get("content") or []:
                command = block.get("input", {}).get("command", "") if isinstance(block, dict) else ""
                if "eslint@9" in command or "pkg set type=module" in command:
                    checked += 1
                    assert command.split()[0] in managers, (command, managers)
    assert checked  # the scenario has failed approaches in node projects


def test_an_instruction_the_person_said_stays_relevant_in_later_sessions_and_a_fact_does_not(
    scenario: Scenario,
) -> None:
    """A rule on how to work stands for every later session of its project, as a rule file's line does;
    a fact or a requirement said in passing matters where the work touches it, which the generator
    cannot know, so it counts only where it was said."""
    world = world_of(120, 11, TURNS)  # the plan behind the ``scenario`` fixture
    spoken_kinds = {c.id: c.say.get("kind") for c in world.concepts.values() if c.behaviour == "spoken"}
    checked: dict[str, int] = {}
    for kind in ("instruction", "fact"):
        for concept_id in (c for c, k in spoken_kinds.items() if k == kind and ":said:" in c):
            sessions = [s for s in scenario.truth.sessions if concept_id in s.relevant]
            said = next(index for index, s in enumerate(scenario.truth.sessions) if concept_id in s.relevant)
            project = scenario.truth.sessions[said].project
            later = [s for s in scenario.truth.sessions[said + 1 :] if s.project == project]
            if kind == "instruction":
                assert all(concept_id in s.relevant for s in later)
            else:
                assert len(sessions) == 1
            checked[kind] = checked.get(kind, 0) + 1
    assert checked.get("instruction") and checked.get("fact")
