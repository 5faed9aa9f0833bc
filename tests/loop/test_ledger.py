"""The ledger's pure parts: bookkeeping, stop rules, the briefing, PROGRESS.md edits, the JSON twin."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.domain.markers import strip_injected
from reverie.errors import InputError
from reverie.loop import bookkeeping, markdown, stopping
from reverie.loop.briefing import MAX_CHARS, briefing
from reverie.loop.files import LedgerBook
from reverie.loop.findings import Failure, RunFindings
from reverie.loop.ledger import Ledger, RunRecord, Source, StopCode, from_json, ledger_paths, load, to_json
from reverie.loop.scoring import score

OBJECTIVE = "Goal.\n\n- [ ] first\n- [x] already done\n* [ ] second\n"


def ledger_with_tasks() -> Ledger:
    return bookkeeping.sync_objective(Ledger("PROMPT.md", "claude-code", "pytest"), OBJECTIVE, 0)


def failure(command: str = "./build.sh", why: str = "./build.sh: not found") -> Failure:
    return Failure(subject=command, command=command, signature=why.lower(), why=why, line=7)


def run(number: int, items: int, progress: bool = True, note: str = "") -> RunRecord:
    return RunRecord(number, "t", "t", tokens=100, open_items=items, progress=progress, note=note)


def test_the_objective_checklist_becomes_tasks_and_a_tick_there_closes_one() -> None:
    ledger = ledger_with_tasks()
    assert [(t.text, t.done) for t in ledger.tasks] == [("first", False), ("already done", True), ("second", False)]
    ledger = bookkeeping.sync_objective(ledger, OBJECTIVE.replace("- [ ] first", "- [x] first"), 2)
    assert ledger.tasks[0].closed_by == "objective" and ledger.tasks[0].closed_run == 2
    assert len(bookkeeping.sync_objective(ledger, OBJECTIVE, 3).tasks) == 3  # read again: nothing added


def test_failing_tests_open_tasks_and_close_them_when_they_pass() -> None:
    ledger = ledger_with_tasks()
    ledger = bookkeeping.record_check(ledger, score("pytest", 1, "FAILED t.py::a - x\nFAILED t.py::b - y\n"), 1)
    assert [t.text for t in ledger.open_tasks if t.source is Source.CHECK] == [
        "Make `t.py::a` pass",
        "Make `t.py::b` pass",
    ]
    ledger = bookkeeping.record_check(ledger, score("pytest", 1, "FAILED t.py::b - y\n"), 2)
    closed = next(t for t in ledger.tasks if t.text == "Make `t.py::a` pass")
    assert closed.done and closed.closed_by == "check" and closed.closed_run == 2
    ledger = bookkeeping.record_check(ledger, score("pytest", 0, ""), 3)
    assert not [t for t in ledger.open_tasks if t.source is Source.CHECK]


def test_a_check_without_names_is_one_task_until_it_passes() -> None:
    ledger = bookkeeping.record_check(ledger_with_tasks(), score("make", 2, "Error 2"), 1)
    assert [t.text for t in ledger.open_tasks][-1] == "Make the check pass: `make`"
    assert bookkeeping.open_items(ledger, score("make", 2, "Error 2")) == 3  # two objective tasks + the check


def test_a_repeated_dead_end_is_named_and_its_error_becomes_a_blocker() -> None:
    ledger = ledger_with_tasks()
    findings = RunFindings("s1", "p", failures=(failure(),))
    ledger, repeats = bookkeeping.record_findings(ledger, findings, 1)
    assert repeats.approaches == () and ledger.blockers == ()
    ledger, repeats = bookkeeping.record_findings(ledger, replace(findings, session_id="s2"), 2)
    assert repeats.approaches == ("./build.sh",) and repeats.blockers == ("./build.sh: not found",)
    (approach,) = ledger.failed_approaches
    assert approach.runs == (1, 2) and [s.session_id for s in approach.sightings] == ["s1", "s2"]
    (blocker,) = ledger.blockers
    assert blocker.runs == (1, 2) and all(s.line == 7 for s in blocker.sightings)


def test_a_failure_fixed_in_the_same_run_is_no_dead_end() -> None:
    findings = RunFindings("s1", "p", failures=(failure(),), worked=frozenset({"./build.sh"}))
    ledger, _ = bookkeeping.record_findings(ledger_with_tasks(), findings, 1)
    assert ledger.failed_approaches == () and len(ledger.errors) == 1


def test_progress_is_fewer_open_items_than_the_best_before() -> None:
    ledger = replace(ledger_with_tasks(), runs=(run(0, 3), run(1, 2)))
    assert bookkeeping.judge(ledger, 1, bookkeeping.Repeats()) == (True, "1 open item(s), down from 2")
    progress, note = bookkeeping.judge(ledger, 2, bookkeeping.Repeats(approaches=("./build.sh",)))
    assert not progress and note == "still 2 open item(s) (best so far 2); tried again what failed before: `./build.sh`"


def test_stop_rules() -> None:
    base = Ledger("PROMPT.md", "claude-code", "pytest")
    limits = stopping.Limits(max_runs=5, budget_tokens=1_000, no_progress_runs=2)
    stalled = replace(base, runs=(run(0, 3), run(1, 3, False, "still 3"), run(2, 3, False, "still 3")))
    stop = stopping.after_run(stalled, limits)
    assert stop is not None and stop.code is StopCode.NO_PROGRESS and stop.message.endswith("still 3")
    recovering = replace(stalled, runs=(*stalled.runs[:2], run(2, 2)))
    assert stopping.after_run(recovering, limits) is None
    spent = replace(base, runs=tuple(run(n, 9 - n) for n in range(1, 12)))
    stop = stopping.after_run(spent, limits)
    assert stop is not None and stop.code is StopCode.TOKEN_BUDGET
    passed = replace(base, runs=(replace(run(1, 0), check=score("pytest", 0, "")),))
    assert (stop := stopping.after_run(passed, limits)) is not None and stop.code is StopCode.CHECK_PASSED
    many = replace(base, runs=tuple(run(n, 9 - n) for n in range(1, 6)))
    assert (stop := stopping.before_run(many, stopping.Limits(max_runs=5))) is not None
    assert stop.code is StopCode.MAX_RUNS


def test_the_briefing_is_marked_capped_and_lists_what_not_to_repeat() -> None:
    ledger, _ = bookkeeping.record_findings(ledger_with_tasks(), RunFindings("s1", "p", failures=(failure(),)), 1)
    text = briefing(ledger, 2, 20)
    assert text.startswith('<reverie-context kind="loop-progress">') and strip_injected(text) == ""
    assert "- `./build.sh` failed: ./build.sh: not found (run 1)" in text and "- [ ] first" in text
    assert "already done" not in text
    many = [failure(f"./step{n}.sh", f"error number {n} " + "x" * 300) for n in range(100)]
    ledger, _ = bookkeeping.record_findings(ledger, RunFindings("s2", "p", failures=tuple(many)), 2)
    assert len(briefing(ledger, 3, 20)) <= MAX_CHARS + 100 and "PROGRESS.md" in briefing(ledger, 3, 20)


def test_edits_are_told_from_reverie_s_own_updates(tmp_path: Path) -> None:
    book = LedgerBook(tmp_path)
    ledger = ledger_with_tasks()
    book.write(ledger)
    path = ledger_paths(tmp_path)[0]
    text = path.read_text().replace("- [ ] first", "- [x] first, reworded")
    path.write_text(
        "Preamble of mine.\n" + text.replace("<!-- reverie:end tasks -->", "- [ ] mine\n<!-- reverie:end tasks -->")
    )
    # Meanwhile reverie closed "second" itself; the file still shows it open: not a person's untick.
    ledger = replace(
        ledger, tasks=tuple(replace(t, done=True, closed_by="check") if t.text == "second" else t for t in ledger.tasks)
    )
    ledger = book.take_edits(ledger, 1)
    by_text = {t.text: t for t in ledger.tasks}
    assert by_text["first, reworded"].closed_by == "person" and by_text["second"].closed_by == "check"
    assert by_text["mine"].source is Source.PERSON
    book.write(ledger)
    written = path.read_text()
    assert written.startswith("Preamble of mine.\n") and "- [ ] mine  <!-- " in written
    assert written.count("<!-- reverie:begin tasks -->") == 1


def test_a_deleted_managed_section_is_written_again_and_notes_are_kept(tmp_path: Path) -> None:
    book = LedgerBook(tmp_path)
    book.write(ledger_with_tasks())
    path = ledger_paths(tmp_path)[0]
    text = path.read_text()
    start, end = text.index("<!-- reverie:begin score -->"), text.index("<!-- reverie:end score -->")
    path.write_text(text[:start] + text[end + len("<!-- reverie:end score -->") :] + "\nA note.\n")
    book.write(ledger_with_tasks())
    rewritten = path.read_text()
    assert "A note." in rewritten and rewritten.count("<!-- reverie:begin score -->") == 1
    assert markdown.read_edits(rewritten).tasks is not None


def test_deleting_the_whole_tasks_section_closes_nothing(tmp_path: Path) -> None:
    book = LedgerBook(tmp_path)
    book.write(ledger_with_tasks())
    path = ledger_paths(tmp_path)[0]
    text = path.read_text()
    path.write_text(text[: text.index("<!-- reverie:begin tasks -->")])
    assert len(book.take_edits(ledger_with_tasks(), 1).open_tasks) == 2


def test_the_json_twin_round_trips_and_a_damaged_one_names_the_file(tmp_path: Path) -> None:
    ledger, _ = bookkeeping.record_findings(ledger_with_tasks(), RunFindings("s1", "p", failures=(failure(),)), 1)
    ledger = bookkeeping.record_check(ledger, score("pytest", 1, "FAILED t.py::a - x\n"), 1)
    ledger = replace(ledger, runs=(replace(run(1, 3), check=score("pytest", 1, "FAILED t.py::a - x\n")),))
    data = json.loads(json.dumps(to_json(ledger)))
    assert from_json(data, path="p.json") == ledger and data["blockers"] == []
    broken = tmp_path / "progress.json"
    for content in ("{", json.dumps({"version": 1}), json.dumps([1]), json.dumps({**data, "tasks": [{"id": 1}]})):
        broken.write_text(content)
        with pytest.raises(InputError, match=str(broken)):
            load(broken)
