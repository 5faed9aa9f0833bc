"""The loop's finer score: what failed and why, what the agent changed, and when not to start.

Each test drives the real loop (capture, distill, check, ledger) with the fake ``claude`` of
``fake_agent.py``; the checks that need a test runner run the real pytest on a tiny project.
"""

from __future__ import annotations

import subprocess
import sys

from reverie.loop import StopCode
from reverie.loop.ledger import Source, ledger_paths
from reverie.recall.session_state import SessionState
from tests.loop.conftest import Bench

# No bytecode: calc.py is rewritten within a second with the same size, which a .pyc would hide. No
# plugins: the tiny project needs none, and loading this venv's takes ten times as long as its tests.
QUIET = "PYTHONDONTWRITEBYTECODE=1 PYTEST_DISABLE_PLUGIN_AUTOLOAD=1"
PYTEST = f"{QUIET} {sys.executable} -m pytest -q -p no:cacheprovider tests"
WRONG = "def add(a, b):\n    return a - b\n"
RIGHT = "def add(a, b):\n    return a + b\n"
TESTS = """\
from calc import add


def test_add():
    assert add(2, 3) == 5


def test_zero():
    assert add(0, 0) == 0


def test_neg():
    assert add(-1, -1) == -2
"""


def _python_project(bench: Bench) -> None:
    (bench.workdir / "calc.py").write_text(WRONG)
    (bench.workdir / "legacy").mkdir()
    (bench.workdir / "legacy" / "calc.py").write_text(WRONG)
    (bench.workdir / "tests").mkdir()
    (bench.workdir / "tests" / "test_calc.py").write_text(TESTS)
    (bench.workdir / "tests" / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(bench.workdir)!r})\n")
    bench.objective.write_text("Make the tests pass.\n")


def test_a_wrong_edit_that_leaves_the_check_as_it_was_is_a_failed_approach(bench: Bench) -> None:
    _python_project(bench)
    wrong = {"write": str(bench.workdir / "legacy" / "calc.py"), "content": RIGHT}
    right = {"write": str(bench.workdir / "calc.py"), "content": RIGHT}
    ledger = bench.run([[wrong], [right]], check=PYTEST)

    assert ledger.stop is not None and ledger.stop.code is StopCode.CHECK_PASSED
    approach = next(item for item in ledger.failed_approaches if item.key.startswith("edit:"))
    assert approach.what == "patched legacy/calc.py"
    assert approach.why == "`tests/test_calc.py::test_add` still fails: assert -1 == 5 (and 1 more)"
    briefing = bench.prompts()[1].split("Make the tests pass.")[0]
    assert "- patched legacy/calc.py failed: `tests/test_calc.py::test_add` still fails: assert -1 == 5" in briefing
    assert "tests/test_calc.py::test_add (assert -1 == 5)" in briefing  # the check line names the assertion
    assert ledger.agent_runs[0].edited == ("legacy/calc.py",) and not ledger.agent_runs[0].progress


def test_fewer_failing_tests_is_progress_and_the_note_names_them(bench: Bench) -> None:
    _python_project(bench)
    (bench.workdir / "tests" / "test_calc.py").write_text(TESTS + "\n\ndef test_sub():\n    assert 1 - 1 == 1\n")
    fix = {"write": str(bench.workdir / "calc.py"), "content": RIGHT}
    ledger = bench.run([[fix], ["true"]], check=PYTEST, no_progress_runs=1)

    first = ledger.agent_runs[0]
    assert first.progress and "fixed `tests/test_calc.py::test_add`" in first.note
    assert first.check is not None and first.check.failing == ("tests/test_calc.py::test_sub",)
    assert not ledger.agent_runs[1].progress and "the run changed no file" in ledger.agent_runs[1].note
    text = ledger_paths(bench.workdir)[0].read_text()
    assert "Still failing: `tests/test_calc.py::test_sub (assert (1 - 1) == 1)`" in text
    assert "Make `tests/test_calc.py::test_sub` pass  <!-- " in text and "_(fails: assert (1 - 1) == 1)_" in text


def test_an_agent_that_refuses_its_arguments_stops_the_loop_with_its_own_message(bench: Bench) -> None:
    refusal = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons"
    ledger = bench.run([{"refuse": refusal}] * 3, no_progress_runs=3)

    assert len(bench.prompts()) == 1  # no second try
    assert ledger.stop is not None and ledger.stop.code is StopCode.AGENT_FAILED
    assert refusal in ledger.stop.message and "exit 1" in ledger.stop.message
    assert ledger.agent_runs[0].agent_error == refusal
    assert refusal in ledger_paths(bench.workdir)[0].read_text()


def test_nothing_starts_when_the_check_already_passes_unless_forced(bench: Bench) -> None:
    (bench.workdir / "build.txt").write_text("built\n")
    ledger = bench.run([["true"]])
    assert bench.prompts() == []
    assert ledger.stop is not None and ledger.stop.code is StopCode.CHECK_PASSED
    assert "already passes" in ledger.stop.message and "--force" in ledger.stop.message

    forced = bench.run([["true"]], force=True)
    assert len(bench.prompts()) == 1 and len(forced.agent_runs) == 1


def test_run_numbers_continue_across_invocations_and_the_limit_reads_per_invocation(bench: Bench) -> None:
    bench.run([["true"], ["true"]], max_runs=1)
    bench.run([["true"], ["true"]], max_runs=1)
    first, second = bench.prompts()
    assert "(this is run 1 of at most 1)" in first
    assert "(this is run 2 overall, run 1 of at most 1 in this invocation)" in second


def test_a_blocker_needs_the_same_error_in_two_runs_and_reads_as_the_error(bench: Bench) -> None:
    twice_in_one = ["cat missing-file.txt", "cat missing-file.txt"]
    ledger = bench.run([twice_in_one], max_runs=1)
    assert ledger.blockers == ()  # twice in one run, and the failing check, are not blockers
    ledger = bench.run([twice_in_one, ["cat missing-file.txt"]], max_runs=1)  # the plan counts every run
    (blocker,) = ledger.blockers
    assert "missing-file.txt" in blocker.example and "<" not in blocker.example
    assert blocker.runs == (1, 2)


def test_the_ledger_folder_stays_out_of_git_status(bench: Bench) -> None:
    subprocess.run(["git", "init", "-q", str(bench.workdir)], check=True)
    bench.run([["true"]], max_runs=1)
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=bench.workdir, capture_output=True, text=True, check=True
    ).stdout
    assert ".reverie" not in status and "PROMPT.md" in status
    bench.run([["true"]], max_runs=1)
    exclude = (bench.workdir / ".git" / "info" / "exclude").read_text()
    assert exclude.count("/.reverie/") == 1


def test_recall_is_told_which_dead_ends_the_briefing_already_names(bench: Bench) -> None:
    ledger = bench.run([["./legacy-build.sh --all"], ["true"]], max_runs=2, no_progress_runs=5)
    linked = [item.lesson_id for item in ledger.failed_approaches if item.lesson_id]
    shown = str(bench.calls()[1]["recall_shown"] or "")
    assert set(linked) == set(filter(None, shown.split(",")))
    sources = [item.source for item in ledger.standing_approaches]
    assert sources.count(Source.RUN) == 1 and Source.LESSON not in sources  # one mention, not two


def test_a_lesson_shown_elsewhere_is_never_injected_in_that_session() -> None:
    state = SessionState(None)
    state.mark_elsewhere(["L1"])
    assert state.eligible("L1") == (False, "already in the session's prompt")
    assert state.eligible("L2") == (True, "")
