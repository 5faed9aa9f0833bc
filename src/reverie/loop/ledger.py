"""The progress ledger: what the loop knows about the objective, kept from the traces.

Four lists and a score sheet, each entry with where it came from:

* **tasks**: the objective's checklist items (``- [ ]``), the check's failing tests, and lines a
  person added by hand; each open or closed, and by whom (the check, the objective file, a person);
* **blockers**: an error signature seen again and again, with every sighting (run, session, line);
* **failed approaches**: what was tried and failed, and why: commands that failed in a run and never
  ran clean afterwards, distill's ``failed_approach`` and ``hazard`` lessons from these runs, and
  what a person wrote there; a later clean run marks one as having worked;
* **runs**: after every run (run 0 is the baseline before the first), the check's result, the open
  items, the tokens spent, and whether the run made progress; then why the loop stopped.

This module holds the model and its JSON twin (``progress.json``, written atomically: a reader or a
Ctrl-C never sees half a file). ``markdown`` renders the human side and reads a person's edits back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from reverie.atomic import write_text_atomic
from reverie.errors import InputError
from reverie.loop.scoring import CheckResult

LEDGER_DIR = ".reverie"
JSON_NAME = "progress.json"
MARKDOWN_NAME = "PROGRESS.md"
FORMAT_VERSION = 1


class Source(StrEnum):
    OBJECTIVE = "objective"  # a checklist item of the objective file
    CHECK = "check"  # a failing test the check named (or the failing check itself)
    RUN = "run"  # seen in a run's trace
    LESSON = "lesson"  # a distilled lesson
    PERSON = "person"  # written into PROGRESS.md by hand


@dataclass(frozen=True, slots=True)
class Sighting:
    """Evidence: where in which run's trace something was seen."""

    run: int
    session_id: str | None
    line: int | None  # 1-based line of the session's transcript, when known
    excerpt: str = ""

    def cite(self) -> str:
        where = f"session {self.session_id[:8]}" if self.session_id else "no session"
        return f"run {self.run}, {where}{f' line {self.line}' if self.line else ''}"


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    text: str
    source: Source
    opened_run: int
    done: bool = False
    closed_by: str | None = None  # "check", "objective", "person", "person (removed)"
    closed_run: int | None = None


@dataclass(frozen=True, slots=True)
class Blocker:
    signature: str  # the normalised error, equal across runs when it is the same failure
    subject: str  # the command or tool that hit it
    sightings: tuple[Sighting, ...]

    @property
    def runs(self) -> tuple[int, ...]:
        return tuple(sorted({s.run for s in self.sightings}))

    @property
    def repeated(self) -> bool:
        """A blocker: the same error in two different runs of the agent (twice in one run is one try)."""
        return len({s.run for s in self.sightings if s.run > 0}) >= 2

    @property
    def example(self) -> str:
        """The error as it was printed (the signature is only a key: it has placeholders)."""
        return next((s.excerpt for s in self.sightings if s.excerpt), self.signature)


@dataclass(frozen=True, slots=True)
class FailedApproach:
    id: str
    key: str  # what makes two attempts the same approach (the invocation and its error signature)
    what: str  # the command, or a lesson's statement
    why: str  # the line of output that says why it failed
    source: Source
    sightings: tuple[Sighting, ...] = ()
    lesson_id: str | None = None
    worked_run: int | None = None  # a later run ran it clean: it is no longer a dead end
    dismissed: bool = False  # a person deleted its line from PROGRESS.md

    @property
    def standing(self) -> bool:
        return self.worked_run is None and not self.dismissed

    @property
    def runs(self) -> tuple[int, ...]:
        return tuple(sorted({s.run for s in self.sightings}))


@dataclass(frozen=True, slots=True)
class RunRecord:
    number: int  # 0 is the baseline, measured before the first run
    started_at: str
    finished_at: str
    session_id: str | None = None
    agent_exit: int | None = None  # None: it did not finish (timed out, interrupted) or did not run
    timed_out: bool = False
    tokens: int = 0
    check: CheckResult | None = None
    open_items: int = 0
    progress: bool = True
    note: str = ""  # why it counted as progress or not, in words
    agent_error: str = ""  # what the agent CLI printed when it failed (exit code not 0)
    edited: tuple[str, ...] = ()  # files the run changed through its edit tools


class StopCode(StrEnum):
    CHECK_PASSED = "check_passed"
    TASKS_DONE = "tasks_done"
    NO_PROGRESS = "no_progress"
    MAX_RUNS = "max_runs"
    TOKEN_BUDGET = "token_budget"
    AGENT_FAILED = "agent_failed"  # the agent CLI could not start a session: its own message says why
    INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class Stop:
    code: StopCode
    message: str  # one line, for the person
    after_run: int


@dataclass(frozen=True, slots=True)
class Ledger:
    objective: str  # the objective file's path
    agent: str
    check: str | None
    tasks: tuple[Task, ...] = ()
    errors: tuple[Blocker, ...] = ()  # every error signature seen; the repeated ones are blockers
    failed_approaches: tuple[FailedApproach, ...] = ()
    runs: tuple[RunRecord, ...] = ()
    stop: Stop | None = None
    next_id: int = 1
    sessions: tuple[str, ...] = field(default=())  # every session the loop ran, oldest first

    @property
    def open_tasks(self) -> tuple[Task, ...]:
        return tuple(task for task in self.tasks if not task.done)

    @property
    def blockers(self) -> tuple[Blocker, ...]:
        return tuple(error for error in self.errors if error.repeated)

    @property
    def standing_approaches(self) -> tuple[FailedApproach, ...]:
        return tuple(item for item in self.failed_approaches if item.standing)

    @property
    def agent_runs(self) -> tuple[RunRecord, ...]:
        return tuple(run for run in self.runs if run.number > 0)

    @property
    def tokens(self) -> int:
        return sum(run.tokens for run in self.runs)

    @property
    def last_check(self) -> CheckResult | None:
        checked = [run.check for run in self.runs if run.check is not None]
        return checked[-1] if checked else None

    def new_id(self, prefix: str) -> tuple[str, Ledger]:
        return f"{prefix}{self.next_id}", replace(self, next_id=self.next_id + 1)


def ledger_paths(workdir: Path) -> tuple[Path, Path]:
    """(PROGRESS.md, progress.json) of a workspace."""
    folder = workdir / LEDGER_DIR
    return folder / MARKDOWN_NAME, folder / JSON_NAME


def to_json(ledger: Ledger) -> dict[str, Any]:
    """The JSON twin; ``blockers`` is derived from ``errors`` and written for readers' convenience."""
    return {"version": FORMAT_VERSION, **asdict(ledger), "blockers": [asdict(item) for item in ledger.blockers]}


def from_json(data: object, *, path: str) -> Ledger:
    """The ledger from its JSON twin; a file that is not one is an ``InputError`` naming it."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise InputError(f"not a reverie progress ledger (format version {FORMAT_VERSION})", path=path)
    try:
        return Ledger(
            objective=str(data["objective"]),
            agent=str(data["agent"]),
            check=data.get("check"),
            tasks=tuple(Task(**{**item, "source": Source(item["source"])}) for item in data.get("tasks", [])),
            errors=tuple(
                Blocker(item["signature"], item["subject"], _sightings(item["sightings"]))
                for item in data.get("errors", [])
            ),
            failed_approaches=tuple(
                FailedApproach(**{**item, "source": Source(item["source"]), "sightings": _sightings(item["sightings"])})
                for item in data.get("failed_approaches", [])
            ),
            runs=tuple(_run(item) for item in data.get("runs", [])),
            stop=_stop(data.get("stop")),
            next_id=int(data.get("next_id", 1)),
            sessions=tuple(str(s) for s in data.get("sessions", [])),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"the progress ledger is damaged ({type(error).__name__}: {error})", path=path) from error


def load(path: Path) -> Ledger | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the progress ledger: {error}", path=str(path)) from error
    return from_json(data, path=str(path))


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it over: all or nothing."""
    write_text_atomic(path, text)


def _sightings(items: list[dict[str, Any]]) -> tuple[Sighting, ...]:
    return tuple(Sighting(**item) for item in items)


def _run(item: dict[str, Any]) -> RunRecord:
    check = item.get("check")
    if check:
        check = CheckResult(**{**check, "failing": tuple(check["failing"]), "reasons": tuple(check.get("reasons", ()))})
    return RunRecord(**{**item, "check": check, "edited": tuple(item.get("edited", ()))})


def _stop(item: dict[str, Any] | None) -> Stop | None:
    return Stop(StopCode(item["code"]), item["message"], item["after_run"]) if item else None
