"""PROGRESS.md: the ledger as a person reads and edits it.

reverie owns only what lies between its markers (``<!-- reverie:begin tasks -->`` ...
``<!-- reverie:end tasks -->``); everything else in the file (notes, headings, a paragraph under a
section) is the person's and is copied through untouched on every update. A managed section that
was deleted is written again at the end.

Inside the managed sections, a person's edits are read back before each update, so they survive it:

* tasks: tick ``- [x]`` or untick a task, reword it, delete its line (it is closed as removed), or
  add a ``- [ ] new task`` line (it becomes an open task);
* failed approaches: delete a line (the approach is dismissed and no longer shown to the agent), or
  add a ``- do not ...`` line (it is shown to the agent from the next run on).

Each managed line ends with its id in a comment (``<!-- t3 -->``); that is how an edited line is
matched to its entry. Everything after the comment is reverie's annotation and is not read back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from reverie.loop.ledger import FailedApproach, Ledger, RunRecord, Source, Task

SECTIONS = ("status", "tasks", "failed-approaches", "blockers", "score")
TITLES = {
    "tasks": "Tasks",
    "failed-approaches": "Failed approaches (do not repeat)",
    "blockers": "Blockers",
    "score": "Score after every run",
}
HEADER = (
    "# Progress\n\n"
    "Kept by `reverie loop` from the runs' traces (see `reverie progress`). You may tick, add or delete\n"
    "tasks and failed approaches; anything outside the `reverie:begin`/`reverie:end` markers is yours.\n"
)
NOTES = "## Notes\n\n"

_SECTION = re.compile(r"<!-- reverie:begin (?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- reverie:end (?P=name) -->\n?", re.S)
_TASK_LINE = re.compile(r"^\s*[-*+] \[(?P<mark>[ xX])\]\s+(?P<text>.*?)\s*(?:<!-- (?P<id>[a-z]\d+) -->.*)?$")
_ITEM_LINE = re.compile(r"^\s*[-*+] (?!\[[ xX]\])(?P<text>.*?)\s*(?:<!-- (?P<id>[a-z]\d+) -->.*)?$")
MAX_CELL_CHARS = 80


@dataclass(frozen=True, slots=True)
class Line:
    id: str | None
    text: str
    checked: bool = False


@dataclass(frozen=True, slots=True)
class Edits:
    """The managed lines as the file holds them now; None for a section the file does not have."""

    tasks: tuple[Line, ...] | None = None
    approaches: tuple[Line, ...] | None = None


def read_edits(document: str) -> Edits:
    sections = {match["name"]: match["body"] for match in _SECTION.finditer(document)}
    tasks = approaches = None
    if "tasks" in sections:
        tasks = tuple(
            Line(m["id"], m["text"], m["mark"] != " ")
            for m in map(_TASK_LINE.match, sections["tasks"].splitlines())
            if m and m["text"]
        )
    if "failed-approaches" in sections:
        approaches = tuple(
            Line(m["id"], m["text"])
            for m in map(_ITEM_LINE.match, sections["failed-approaches"].splitlines())
            if m and m["text"] and not m["text"].startswith("_")
        )
    return Edits(tasks=tasks, approaches=approaches)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a person changed in the managed sections since reverie last wrote them."""

    ticked: frozenset[str] = frozenset()
    unticked: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()  # task and failed-approach ids whose lines were deleted
    reworded: tuple[tuple[str, str], ...] = ()  # (task id, new text)
    added_tasks: tuple[Line, ...] = ()
    added_approaches: tuple[Line, ...] = ()

    def __bool__(self) -> bool:
        return any((self.ticked, self.unticked, self.removed, self.reworded, self.added_tasks, self.added_approaches))


def changes(written: Edits, now: Edits) -> Changes:
    """The difference between the managed lines as reverie wrote them and as the file holds them now.

    Diffing against what was written (not against the ledger) is what lets a person's edit and
    reverie's own update of the same ledger both survive: reverie closes a task the check fixed while
    the file still shows it open, and that is not mistaken for the person reopening it.
    """
    before_tasks = {line.id: line for line in written.tasks or () if line.id}
    before_approaches = {line.id for line in written.approaches or () if line.id}
    after_tasks = {line.id: line for line in now.tasks or () if line.id}
    after_approaches = {line.id for line in now.approaches or () if line.id}
    removed = set()
    if now.tasks is not None:
        removed |= set(before_tasks) - set(after_tasks)
    if now.approaches is not None:
        removed |= before_approaches - after_approaches
    both = [(before_tasks[i], after_tasks[i]) for i in after_tasks if i in before_tasks]
    old_task_texts = {line.text for line in written.tasks or ()}
    old_approach_texts = {line.text for line in written.approaches or ()}
    return Changes(
        ticked=frozenset(str(after.id) for before, after in both if after.checked and not before.checked),
        unticked=frozenset(str(after.id) for before, after in both if before.checked and not after.checked),
        removed=frozenset(str(item) for item in removed),
        reworded=tuple((str(after.id), after.text) for before, after in both if after.text != before.text),
        added_tasks=tuple(line for line in now.tasks or () if not line.id and line.text not in old_task_texts),
        added_approaches=tuple(
            line for line in now.approaches or () if not line.id and line.text not in old_approach_texts
        ),
    )


def apply_changes(ledger: Ledger, edits: Changes, run: int) -> Ledger:
    """The ledger with a person's edits of PROGRESS.md taken in."""
    reworded = dict(edits.reworded)
    tasks: list[Task] = []
    for task in ledger.tasks:
        task = replace(task, text=reworded.get(task.id, task.text))
        if task.id in edits.removed:
            task = replace(task, done=True, closed_by="person (removed)", closed_run=task.closed_run or run)
        elif task.id in edits.ticked and not task.done:
            task = replace(task, done=True, closed_by="person", closed_run=run)
        elif task.id in edits.unticked and task.done:
            task = replace(task, done=False, closed_by=None, closed_run=None)
        tasks.append(task)
    approaches = [replace(a, dismissed=True) if a.id in edits.removed else a for a in ledger.failed_approaches]
    ledger = replace(ledger, tasks=tuple(tasks), failed_approaches=tuple(approaches))
    known_tasks = {task.text for task in ledger.tasks}
    for line in edits.added_tasks:
        if line.text not in known_tasks:
            task_id, ledger = ledger.new_id("t")
            added = Task(task_id, line.text, Source.PERSON, run)
            added = replace(added, done=True, closed_by="person", closed_run=run) if line.checked else added
            ledger = replace(ledger, tasks=(*ledger.tasks, added))
            known_tasks.add(line.text)
    known_approaches = {item.what for item in ledger.failed_approaches}
    for line in edits.added_approaches:
        if line.text not in known_approaches:
            approach_id, ledger = ledger.new_id("f")
            added_approach = FailedApproach(approach_id, f"person:{line.text}", line.text, "", Source.PERSON)
            ledger = replace(ledger, failed_approaches=(*ledger.failed_approaches, added_approach))
            known_approaches.add(line.text)
    return ledger


def update_document(existing: str | None, ledger: Ledger) -> str:
    """The new PROGRESS.md: managed sections rewritten, everything else kept as it was."""
    bodies = {name: render(ledger) for name, render in _RENDERERS.items()}
    if existing is None:
        parts = [HEADER, _block("status", bodies["status"])]
        parts += [f"## {TITLES[name]}\n\n{_block(name, bodies[name])}" for name in SECTIONS[1:]]
        return "\n".join(parts) + "\n" + NOTES
    present = {match["name"] for match in _SECTION.finditer(existing)}
    document = _SECTION.sub(lambda m: _block(m["name"], bodies.get(m["name"], m["body"])), existing)
    for name in SECTIONS:
        if name not in present:
            title = f"## {TITLES[name]}\n\n" if name in TITLES else ""
            document = document.rstrip("\n") + f"\n\n{title}{_block(name, bodies[name])}"
    return document


def _block(name: str, body: str) -> str:
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"<!-- reverie:begin {name} -->\n{body}<!-- reverie:end {name} -->\n"


def _status(ledger: Ledger) -> str:
    lines = [f"Objective: `{ledger.objective}` · agent: {ledger.agent} · check: `{ledger.check or 'none'}`"]
    if ledger.stop:
        lines.append(f"**Stopped after run {ledger.stop.after_run}:** {ledger.stop.message}")
    elif ledger.agent_runs:
        lines.append(f"Running: {len(ledger.agent_runs)} run(s) so far.")
    else:
        lines.append("Not started.")
    check = ledger.last_check
    score = f"check {check.describe()}" if check else "no check"
    lines.append(f"Now: {score}; {len(ledger.open_tasks)} open task(s); {ledger.tokens:,} tokens spent.")
    if check is not None and check.failing:
        lines.append("Still failing: " + "; ".join(f"`{item}`" for item in check.failures()[:5]))
    return "\n\n".join(lines) + "\n"


def _tasks(ledger: Ledger) -> str:
    if not ledger.tasks:
        return "_No tasks yet: add `- [ ] ...` lines here or in the objective._\n"
    lines = []
    for task in ledger.tasks:
        if task.closed_by == "person (removed)":
            continue
        closed = f" _(closed by {task.closed_by}, run {task.closed_run})_" if task.done and task.closed_by else ""
        why = _failing_reason(ledger, task) if not task.done else ""
        lines.append(f"- [{'x' if task.done else ' '}] {task.text}  <!-- {task.id} -->{closed}{why}")
    return "\n".join(lines) + "\n"


def _failing_reason(ledger: Ledger, task: Task) -> str:
    """The failing test's first assertion, after the id comment (annotations are not read back)."""
    check = ledger.last_check
    if task.source is not Source.CHECK or check is None:
        return ""
    name = task.text.removeprefix("Make `").removesuffix("` pass")
    reason = check.reason_of(name)
    return f" _(fails: {reason})_" if reason else ""


def _approaches(ledger: Ledger) -> str:
    shown = [item for item in ledger.failed_approaches if not item.dismissed]
    if not shown:
        return "_None recorded._\n"
    lines = []
    for item in shown:
        cites = "; ".join(s.cite() for s in item.sightings[:3])
        why = f": {item.why}" if item.why else ""
        entry = f"{item.what}{why}" + (f" ({cites})" if cites else "")
        if item.worked_run is not None:
            lines.append(f"- ~~{item.what}~~  <!-- {item.id} --> _(ran clean in run {item.worked_run})_")
        else:
            lines.append(f"- {entry}  <!-- {item.id} -->")
    return "\n".join(lines) + "\n"


def _blockers(ledger: Ledger) -> str:
    if not ledger.blockers:
        return "_None: no error has repeated._\n"
    lines = []
    for blocker in ledger.blockers:
        runs = ", ".join(str(number) for number in blocker.runs)
        cites = "; ".join(s.cite() for s in blocker.sightings[-3:])
        lines.append(f'- "{blocker.example}" from `{blocker.subject}`, in runs {runs} ({cites})')
    return "\n".join(lines) + "\n"


def _score(ledger: Ledger) -> str:
    header = "| run | check | failing | open items | tokens | progress | note |\n|---|---|---|---|---|---|---|\n"
    return header + "".join(_score_row(run) for run in ledger.runs)


def _score_row(run: RunRecord) -> str:
    check = run.check.describe() if run.check else "-"
    failing = _cell(", ".join(run.check.failing)) if run.check and run.check.failing else "-"
    label = "baseline" if run.number == 0 else str(run.number)
    progress = "-" if run.number == 0 else ("yes" if run.progress else "no")
    note = run.note + (f"; the agent said: {run.agent_error}" if run.agent_error else "")
    return f"| {label} | {check} | {failing} | {run.open_items} | {run.tokens:,} | {progress} | {_cell(note)} |\n"


def _cell(text: str) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


_RENDERERS: dict[str, Callable[[Ledger], str]] = {
    "status": _status,
    "tasks": _tasks,
    "failed-approaches": _approaches,
    "blockers": _blockers,
    "score": _score,
}
