"""Keeping the ledger: pure functions from (ledger, what a run showed) to the next ledger.

* ``sync_objective``  the objective file's checklist: new ``- [ ]`` items open tasks, ``- [x]`` close them;
* ``record_check``    the check's failing tests open tasks; tests that stop failing close theirs;
* ``record_findings`` a run's dead ends become failed approaches (a repeat adds a sighting), clean
                      runs mark earlier ones as having worked, distilled lessons join them, and every
                      error signature is counted (seen in two runs, it is a blocker);
* ``record_edits``    a run whose edits left the check failing as before is a failed approach too,
                      worded as a person would: "patched calc.py; test_add still fails: -1 != 5";
* ``judge``           whether the run made progress, and why not in words.

Progress means fewer open items than the best count before the run (the baseline included): the
failing tests the check names (or its failure count) plus the open tasks that are not the check's;
or, with as many failing, more passing tests than ever before (new tests made to pass). The check's
own failure is the objective, not a blocker: it is tracked as tasks, one per failing test.
A run that repeats a known failed approach or hits a known blocker is named as such in the note, so
the stop reason can say what the agent kept doing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from reverie.loop.findings import RunFindings
from reverie.loop.ledger import Blocker, FailedApproach, Ledger, Sighting, Source, Task
from reverie.loop.scoring import CheckResult

_CHECKLIST_ITEM = re.compile(r"^\s*[-*+] \[(?P<mark>[ xX])\]\s+(?P<text>\S.*?)\s*$")
WHOLE_CHECK = "whole check"


@dataclass(frozen=True, slots=True)
class Repeats:
    """What a run did again that earlier runs had already shown to fail."""

    approaches: tuple[str, ...] = ()  # failed approaches tried again
    blockers: tuple[str, ...] = ()  # error signatures hit again


def checklist(objective: str) -> list[tuple[str, bool]]:
    """The objective's checklist items: (text, ticked)."""
    return [(m["text"], m["mark"] != " ") for m in map(_CHECKLIST_ITEM.match, objective.splitlines()) if m]


def sync_objective(ledger: Ledger, objective: str, run: int) -> Ledger:
    tasks = list(ledger.tasks)
    index = {task.text: number for number, task in enumerate(tasks) if task.source is Source.OBJECTIVE}
    for text, ticked in checklist(objective):
        if text in index:
            task = tasks[index[text]]
            if ticked and not task.done:
                tasks[index[text]] = replace(task, done=True, closed_by="objective", closed_run=run)
        else:
            task_id, ledger = ledger.new_id("t")
            task = Task(task_id, text, Source.OBJECTIVE, run)
            tasks.append(replace(task, done=True, closed_by="objective", closed_run=run) if ticked else task)
            index[text] = len(tasks) - 1
    return replace(ledger, tasks=tuple(tasks))


def record_check(ledger: Ledger, check: CheckResult, run: int) -> Ledger:
    failing = set(check.failing) if check.failing else ({WHOLE_CHECK} if not check.passed else set())
    tasks: list[Task] = []
    seen: set[str] = set()
    for task in ledger.tasks:
        name = _check_subject(task)
        if name is not None:
            seen.add(name)
            still = name in failing or (name == WHOLE_CHECK and not check.passed)
            if not still and not task.done:
                task = replace(task, done=True, closed_by="check", closed_run=run)
            elif still and task.done and task.closed_by == "check":
                task = replace(task, done=False, closed_by=None, closed_run=None)  # it broke again
        tasks.append(task)
    ledger = replace(ledger, tasks=tuple(tasks))
    for name in sorted(failing - seen):
        task_id, ledger = ledger.new_id("t")
        text = f"Make the check pass: `{check.command}`" if name == WHOLE_CHECK else f"Make `{name}` pass"
        ledger = replace(ledger, tasks=(*ledger.tasks, Task(task_id, text, Source.CHECK, run)))
    return ledger


def record_edits(ledger: Ledger, edited: tuple[str, ...], check: CheckResult | None, run: int) -> Ledger:
    """A run that changed files and left the check failing exactly as before: a failed approach."""
    before = _check_before(ledger, run)
    if not edited or check is None or check.passed or before is None or before.signature != check.signature:
        return ledger
    what = f"patched {_files(edited)}"
    why = _still_failing(check)
    sighting = Sighting(run, None, None, why)
    return _add_attempt(ledger, f"edit:{','.join(sorted(edited))}|{check.signature}", what, why, sighting)[0]


def record_findings(ledger: Ledger, findings: RunFindings, run: int) -> tuple[Ledger, Repeats]:
    repeated_approaches: list[str] = []
    repeated_errors: list[str] = []
    known_blockers = {error.signature for error in ledger.errors}
    for failure in findings.dead_ends:
        sighting = Sighting(run, findings.session_id, failure.line, failure.why)
        ledger, repeated = _add_attempt(ledger, failure.key, f"`{failure.command}`", failure.why, sighting)
        if repeated:
            repeated_approaches.append(failure.command)
    for failure in findings.failures:
        sighting = Sighting(run, findings.session_id, failure.line, failure.why)
        ledger = _count_error(ledger, failure.signature, failure.command, sighting)
        if failure.signature in known_blockers:
            repeated_errors.append(failure.signature)
    ledger = _mark_worked(ledger, findings.worked, run)
    ledger = _add_lessons(ledger, findings, run)
    if findings.session_id and findings.session_id not in ledger.sessions:
        ledger = replace(ledger, sessions=(*ledger.sessions, findings.session_id))
    return ledger, Repeats(_unique(repeated_approaches), _unique(repeated_errors))


def open_items(ledger: Ledger, check: CheckResult | None) -> int:
    """The check's own count of what fails, plus open tasks that are not the check's."""
    others = sum(1 for task in ledger.open_tasks if task.source is not Source.CHECK)
    return others + (check.open_items if check else 0)


def judge(ledger: Ledger, items: int, repeats: Repeats, check: CheckResult | None = None) -> tuple[bool, str]:
    """Progress or not, given this run's open items and the runs before it."""
    earlier = [run.open_items for run in ledger.runs]
    best = min(earlier) if earlier else None
    changes = _test_changes(ledger, check)
    if best is None or items < best:
        summary = f"{items} open item(s), down from {best}" if best is not None else f"{items} open item(s)"
        return True, summary + changes
    passed_before = [run.check.passed_count or 0 for run in ledger.runs if run.check is not None]
    if check is not None and check.passed_count and passed_before and check.passed_count > max(passed_before):
        return True, f"{check.passed_count} tests pass, up from {max(passed_before)}" + changes
    reasons = [f"still {items} open item(s) (best so far {best})" + changes]
    if repeats.approaches:
        reasons.append("tried again what failed before: " + ", ".join(f"`{c}`" for c in repeats.approaches[:2]))
    if repeats.blockers:
        reasons.append("hit the same error again: " + "; ".join(f'"{s}"' for s in repeats.blockers[:2]))
    return False, "; ".join(reasons)


def _test_changes(ledger: Ledger, check: CheckResult | None) -> str:
    """Which named tests this run fixed or broke, against the check before it."""
    previous = next((run.check for run in reversed(ledger.runs) if run.check is not None), None)
    if check is None or previous is None:
        return ""
    fixed = [name for name in previous.failing if name not in check.failing]
    broke = [name for name in check.failing if name not in previous.failing]
    words = []
    if fixed:
        words.append("fixed " + ", ".join(f"`{name}`" for name in fixed[:3]))
    if broke:
        words.append("newly failing " + ", ".join(f"`{name}`" for name in broke[:3]))
    return f" ({'; '.join(words)})" if words else ""


def _check_before(ledger: Ledger, run: int) -> CheckResult | None:
    return next((r.check for r in reversed(ledger.runs) if r.check is not None and r.number < run), None)


def _files(paths: tuple[str, ...]) -> str:
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _still_failing(check: CheckResult) -> str:
    if not check.failing:
        return f"the check still fails: {check.describe()}"
    first = check.failing[0]
    reason = check.reason_of(first)
    more = f" (and {len(check.failing) - 1} more)" if len(check.failing) > 1 else ""
    return f"`{first}` still fails{': ' + reason if reason else ''}{more}"


def _check_subject(task: Task) -> str | None:
    if task.source is not Source.CHECK:
        return None
    if task.text.startswith("Make the check pass"):
        return WHOLE_CHECK
    match = re.fullmatch(r"Make `(.+)` pass", task.text)
    return match.group(1) if match else None


def _add_attempt(ledger: Ledger, key: str, what: str, why: str, sighting: Sighting) -> tuple[Ledger, bool]:
    approaches = list(ledger.failed_approaches)
    for number, item in enumerate(approaches):
        if item.key == key:
            repeated = sighting.run not in item.runs
            approaches[number] = replace(item, sightings=(*item.sightings, sighting), worked_run=None)
            return replace(ledger, failed_approaches=tuple(approaches)), repeated
    approach_id, ledger = ledger.new_id("f")
    added = FailedApproach(approach_id, key, what, why, Source.RUN, (sighting,))
    return replace(ledger, failed_approaches=(*ledger.failed_approaches, added)), False


def _count_error(ledger: Ledger, signature: str, subject: str, sighting: Sighting) -> Ledger:
    errors = list(ledger.errors)
    for number, error in enumerate(errors):
        if error.signature == signature:
            errors[number] = replace(error, sightings=(*error.sightings, sighting))
            return replace(ledger, errors=tuple(errors))
    return replace(ledger, errors=(*errors, Blocker(signature, subject, (sighting,))))


def _mark_worked(ledger: Ledger, worked: frozenset[str], run: int) -> Ledger:
    def update(item: FailedApproach) -> FailedApproach:
        subject = item.key.split("|", 1)[0]
        if item.source is Source.RUN and item.standing and subject in worked and run not in item.runs:
            return replace(item, worked_run=run)
        return item

    return replace(ledger, failed_approaches=tuple(update(item) for item in ledger.failed_approaches))


def _add_lessons(ledger: Ledger, findings: RunFindings, run: int) -> Ledger:
    """Distilled lessons about the loop's dead ends. A lesson drawn from a command the ledger already
    holds as a failed approach is linked to it, not added again: one mention per dead end."""
    recorded = {item.lesson_id for item in ledger.failed_approaches if item.lesson_id}
    for lesson in findings.lessons:
        if lesson.id in recorded:
            continue
        cited = {(e.session_id, e.transcript_line) for e in lesson.evidence}
        same = next((n for n, item in enumerate(ledger.failed_approaches) if _cites(item, cited)), None)
        if same is not None:
            approaches = list(ledger.failed_approaches)
            approaches[same] = replace(approaches[same], lesson_id=lesson.id)
            ledger = replace(ledger, failed_approaches=tuple(approaches))
            continue
        run_of = {record.session_id: record.number for record in ledger.runs if record.session_id is not None}
        sightings = tuple(
            Sighting(run_of.get(e.session_id or "", run), e.session_id, e.transcript_line, e.excerpt[:200])
            for e in lesson.evidence
            if e.session_id in (*ledger.sessions, findings.session_id)
        )[:3]
        approach_id, ledger = ledger.new_id("f")
        added = FailedApproach(
            approach_id, f"lesson:{lesson.id}", lesson.statement, "", Source.LESSON, sightings, lesson.id
        )
        ledger = replace(ledger, failed_approaches=(*ledger.failed_approaches, added))
    return ledger


def _cites(item: FailedApproach, cited: set[tuple[str | None, int | None]]) -> bool:
    return item.source is Source.RUN and any((s.session_id, s.line) in cited for s in item.sightings if s.line)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
