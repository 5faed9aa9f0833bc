"""The loop end to end with a fake ``claude``: the real capture, distill, check and ledger around it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reverie.domain.markers import INJECTED_OPEN
from reverie.errors import AgentError, InputError
from reverie.loop import StopCode
from reverie.loop import runner as runner_module
from reverie.loop.agents import AgentName, resolve
from reverie.loop.files import LedgerBook
from reverie.loop.ledger import Source, ledger_paths, load
from tests.loop.conftest import Bench

LEGACY = "./legacy-build.sh --all"
BUILD = "echo built > build.txt"


def test_a_failed_approach_of_run_1_opens_run_2_and_the_check_stops_the_loop(bench: Bench) -> None:
    ledger = bench.run([[LEGACY], [BUILD]])

    first, second = bench.prompts()
    assert "legacy-build.sh" not in first.split("Make the build pass.")[0]
    briefing = second.split("Make the build pass.")[0]
    assert briefing.startswith(INJECTED_OPEN) and "Failed approaches, do not repeat them:" in briefing
    assert re.search(rf"`{re.escape(LEGACY)}` failed: .*legacy-build\.sh: (not found|No such file)", briefing)
    assert ledger.stop is not None and ledger.stop.code is StopCode.CHECK_PASSED
    assert [run.number for run in ledger.runs] == [0, 1, 2]
    assert [run.progress for run in ledger.agent_runs] == [False, True]
    approach = ledger.failed_approaches[0]
    assert approach.source is Source.RUN and approach.what == f"`{LEGACY}`"
    sighting = approach.sightings[0]
    assert sighting.run == 1 and sighting.session_id == ledger.runs[1].session_id and sighting.line == 2


def test_the_ledger_is_markdown_and_json_and_records_the_score_after_every_run(bench: Bench) -> None:
    bench.run([[LEGACY], [BUILD]])
    markdown_path, json_path = ledger_paths(bench.workdir)
    text = markdown_path.read_text()
    assert "**Stopped after run 2:** the check passes after run 2" in text
    assert "| baseline | fails (exit 1) |" in text and "| 2 | passes (exit 0) |" in text
    assert f"`{LEGACY}`: " in text and "(run 1, session " in text
    stored = load(json_path)
    assert stored is not None and stored.tokens == 2 * 1600 and stored.runs[2].check is not None
    assert json.loads(json_path.read_text())["runs"][1]["tokens"] == 1600


def test_the_agents_own_claim_of_success_is_not_progress(bench: Bench) -> None:
    ledger = bench.run([["true"], ["true"]], no_progress_runs=2)
    assert ledger.stop is not None and ledger.stop.code is StopCode.NO_PROGRESS
    assert all(run.check is not None and not run.check.passed for run in ledger.agent_runs)


def test_no_progress_for_k_runs_stops_with_the_repeated_failure_named(bench: Bench) -> None:
    ledger = bench.run([[LEGACY]] * 5, no_progress_runs=3)

    assert ledger.stop is not None and ledger.stop.code is StopCode.NO_PROGRESS
    assert len(ledger.agent_runs) == 3
    assert ledger.stop.message.startswith("no progress in the last 3 run(s): still 3 open item(s)")
    assert "tried again what failed before" in ledger.stop.message
    blocker = next(b for b in ledger.blockers if "legacy-build.sh" in b.subject)
    assert blocker.runs == (1, 2, 3)
    assert {s.session_id for s in blocker.sightings} == {run.session_id for run in ledger.agent_runs}
    assert all(s.line == 2 for s in blocker.sightings)
    assert "**Stopped after run 3:** no progress" in ledger_paths(bench.workdir)[0].read_text()


def test_the_token_budget_stops_the_loop(bench: Bench) -> None:
    ledger = bench.run([["true"]] * 5, budget_tokens=3000, no_progress_runs=9)
    assert ledger.stop is not None and ledger.stop.code is StopCode.TOKEN_BUDGET
    assert len(ledger.agent_runs) == 2 and "3,200 of 3,000 tokens" in ledger.stop.message


def test_the_run_budget_stops_the_loop(bench: Bench) -> None:
    ledger = bench.run([["true"]] * 5, max_runs=2, no_progress_runs=9)
    assert ledger.stop is not None and ledger.stop.code is StopCode.MAX_RUNS
    assert len(bench.prompts()) == 2


def test_a_clean_run_marks_an_earlier_failed_approach_as_worked(bench: Bench) -> None:
    (bench.workdir / "legacy-build.sh").write_text("#!/bin/sh\nexit 0\n")
    ledger = bench.run([["./legacy-build.sh --all"], [f"chmod +x legacy-build.sh && {LEGACY}"], ["true"]], max_runs=3)
    approach = next(item for item in ledger.failed_approaches if item.source is Source.RUN)
    assert approach.worked_run == 2 and not approach.standing
    assert "legacy-build.sh" not in bench.prompts()[2].split("Make the build pass.")[0]


def test_edits_to_progress_md_during_a_run_survive_the_update(bench: Bench) -> None:
    md = ".reverie/PROGRESS.md"
    person = [
        f"sed -i 's/- \\[ \\] the build is documented/- [x] the build is documented/' {md}",
        f"printf 'My own note.\\n' >> {md}",
        f"sed -i 's/^<!-- reverie:end tasks -->/- [ ] add a changelog\\n&/' {md}",
    ]
    ledger = bench.run([person, ["true"]], max_runs=2)

    tasks = {task.text: task for task in ledger.tasks}
    assert tasks["the build is documented"].done and tasks["the build is documented"].closed_by == "person"
    assert tasks["add a changelog"].source is Source.PERSON and not tasks["add a changelog"].done
    assert not tasks["build.txt exists"].done
    text = ledger_paths(bench.workdir)[0].read_text()
    assert "My own note." in text and "- [x] the build is documented" in text and "- [ ] add a changelog" in text
    assert "- [ ] add a changelog" in bench.prompts()[1]
    assert "the build is documented" not in bench.prompts()[1].split("Make the build pass.")[0]


def test_a_failed_approach_deleted_by_hand_is_no_longer_shown(bench: Bench) -> None:
    bench.run([[LEGACY]], max_runs=1)
    markdown_path = ledger_paths(bench.workdir)[0]
    text = markdown_path.read_text()
    markdown_path.write_text("\n".join(line for line in text.splitlines() if "legacy-build.sh" not in line) + "\n")
    ledger = bench.run([[LEGACY], ["true"]], max_runs=1)
    assert "legacy-build.sh" not in bench.prompts()[1].split("Make the build pass.")[0]
    assert any(item.dismissed for item in ledger.failed_approaches)


def test_a_hung_agent_is_stopped_and_the_loop_goes_on(bench: Bench) -> None:
    bench.env |= {"FAKE_AGENT_SLEEP": "30", "RUN_TIMEOUT": "1"}
    ledger = bench.run([[BUILD]], max_runs=1)
    run = ledger.agent_runs[0]
    assert run.timed_out and run.agent_exit is None and run.note.startswith("the agent timed out after 1 s")
    assert ledger.stop is not None and ledger.stop.code is StopCode.MAX_RUNS


def test_ctrl_c_leaves_a_consistent_ledger_that_says_so(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    bench.run([[LEGACY]], max_runs=1)

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner_module, "_run_agent", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench.run([[LEGACY]], max_runs=3)
    ledger = LedgerBook(bench.workdir).open()
    assert ledger is not None and ledger.stop is not None and ledger.stop.code is StopCode.INTERRUPTED
    assert len(ledger.agent_runs) == 1 and ledger.failed_approaches
    assert "interrupted (Ctrl-C)" in ledger_paths(bench.workdir)[0].read_text()


def test_a_missing_agent_binary_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AgentError, match=r"the claude-code binary .* was not found"):
        resolve(AgentName.CLAUDE_CODE, str(tmp_path / "no-such-claude"))


def test_nothing_to_measure_is_refused(bench: Bench) -> None:
    bench.objective.write_text("Do something nice.\n")
    with pytest.raises(InputError, match="nothing to measure progress by"):
        bench.run([["true"]], check=None)


def test_without_a_check_the_loop_stops_when_every_task_is_ticked(bench: Bench) -> None:
    tick = "sed -i 's/- \\[ \\]/- [x]/' PROMPT.md"
    ledger = bench.run([["true"], [tick]], check=None)
    assert ledger.stop is not None and ledger.stop.code is StopCode.TASKS_DONE
    assert all(task.closed_by == "objective" for task in ledger.tasks)
