"""The loop: run the agent, let the world keep score, decide whether to go on.

One iteration:

1. take the person's edits of PROGRESS.md and the objective file's checklist into the ledger;
2. stop before starting if a budget is spent;
3. run the agent once, fresh, with the ledger's briefing above the objective (``briefing``), under a
   time limit (``processes.run_bounded``);
4. capture the run like any session (import its transcript, ingest what the hooks spooled), distill
   it, and rebuild the recall index so the next run's hooks can bring in what it taught;
5. read the run's trace (``findings``) and run the check (``scoring``) into the ledger
   (``bookkeeping``), judge progress, and write the ledger;
6. stop when ``stopping.after_run`` says so.

Before the first run the check is run once as a baseline, so the first run is judged too; when it
already passes nothing is started (unless ``force``): a run would only spend tokens. An agent CLI that
exits non-zero without starting a session (it refused its arguments, cannot log in, ...) stops the
loop at once with the agent's own message: more runs would fail the same way. The ledger
variable is only ever replaced by a complete new value, and the files are written atomically, so a
Ctrl-C at any point leaves the ledger as of the last finished step, plus the reason it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from reverie.app.capture import capture_run
from reverie.errors import InputError, ReverieError
from reverie.loop import bookkeeping, stopping
from reverie.loop.agents import Agent, AgentReport, run_environment
from reverie.loop.briefing import prompt_for, shown_lessons
from reverie.loop.files import LedgerBook, keep_out_of_git
from reverie.loop.findings import read_run
from reverie.loop.ledger import Ledger, RunRecord, Stop, StopCode
from reverie.loop.processes import Finished, run_bounded
from reverie.loop.scoring import CheckResult, score
from reverie.loop.stopping import Limits
from reverie.workspace import Workspace

MAX_OBJECTIVE_BYTES = 200_000  # a prompt, not a corpus
MAX_AGENT_ERROR_CHARS = 600
RECALL_SHOWN_ENV = "REVERIE_RECALL_SHOWN"  # read by recall.respond: keep the two in step
INTERRUPTED_MESSAGE = "interrupted (Ctrl-C); the ledger is as of the last finished step"


@dataclass(frozen=True, slots=True)
class LoopConfig:
    agent: Agent
    objective: Path
    workdir: Path
    check: str | None = None
    limits: Limits = field(default_factory=Limits)
    run_timeout: float = 3600.0
    check_timeout: float = 1800.0
    force: bool = False  # run even when the check already passes


Say = Callable[[str], None]


def read_objective(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the objective: {error.strerror or error}", path=str(path)) from error
    if len(raw) > MAX_OBJECTIVE_BYTES:
        raise InputError(f"the objective has {len(raw):,} bytes; at most {MAX_OBJECTIVE_BYTES:,} fit", path=str(path))
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        raise InputError("the objective is empty", path=str(path))
    return text


def run_loop(
    config: LoopConfig, workspace: Workspace, *, environ: Mapping[str, str] = os.environ, say: Say = print
) -> Ledger:
    """Run until a stop rule fires; returns the final ledger (also written to the workspace)."""
    objective = read_objective(config.objective)
    book = LedgerBook(config.workdir)
    ledger = book.open() or Ledger(objective=str(config.objective), agent=str(config.agent.name), check=config.check)
    ledger = replace(ledger, stop=None, check=config.check)
    ledger = bookkeeping.sync_objective(ledger, objective, len(ledger.agent_runs))
    if config.check is None and not ledger.open_tasks:
        raise InputError("nothing to measure progress by: give --check or `- [ ]` items", path=str(config.objective))
    start = len(ledger.runs)
    keep_out_of_git(config.workdir)
    try:
        if config.check:
            ledger = _baseline(config, book, ledger, environ, say)
            if not config.force and ledger.last_check is not None and ledger.last_check.passed:
                return _finish(book, ledger, _already_met(config, ledger))
        while True:
            ledger, stop = _iteration(config, workspace, book, ledger, start, environ, say)
            if stop is not None:
                break
    except KeyboardInterrupt:
        interrupted = Stop(StopCode.INTERRUPTED, INTERRUPTED_MESSAGE, len(ledger.agent_runs))
        _finish(book, ledger, interrupted)
        raise
    return _finish(book, ledger, stop)


def _iteration(
    config: LoopConfig,
    workspace: Workspace,
    book: LedgerBook,
    ledger: Ledger,
    start: int,
    environ: Mapping[str, str],
    say: Say,
) -> tuple[Ledger, Stop | None]:
    number = len(ledger.agent_runs) + 1
    ledger = _take_edits(config, book, ledger, number)
    stop = stopping.before_run(_since(ledger, start), config.limits)
    if stop is not None:
        return ledger, stop
    book.write(ledger)
    first_run = len([run for run in ledger.runs[:start] if run.number > 0]) + 1
    prompt = prompt_for(ledger, read_objective(config.objective), number, config.limits.max_runs, first_run)
    env = {**run_environment(environ, workspace.home), RECALL_SHOWN_ENV: ",".join(shown_lessons(ledger))}
    started = _now()
    say(f"run {number}: {config.agent.name} ...")
    finished = _run_agent(config, prompt, env)
    report = config.agent.read_output(finished.stdout)
    agent_error = _agent_error(finished)
    if agent_error:
        say(f"run {number}: {config.agent.name} exited {finished.returncode}: {agent_error}")
    if agent_error and report.session_id is None:
        return _agent_failed(config, book, ledger, number, started, finished, agent_error)
    _capture(workspace, config.agent, report, env)
    findings = read_run(workspace.store, report.session_id, ledger.sessions)
    ledger, repeats = bookkeeping.record_findings(ledger, findings, number)
    check = _check(config, environ)
    if check is not None:
        ledger = bookkeeping.record_check(ledger, check, number)
        ledger = bookkeeping.record_edits(ledger, findings.edited, check, number)
    ledger = _take_edits(config, book, ledger, number)
    items = bookkeeping.open_items(ledger, check)
    progress, note = bookkeeping.judge(_since(ledger, start), items, repeats, check)
    if not progress and not findings.edited:
        note += "; the run changed no file"
    record = RunRecord(
        number=number,
        started_at=started,
        finished_at=_now(),
        session_id=report.session_id,
        agent_exit=finished.returncode,
        timed_out=finished.timed_out,
        tokens=report.usage.total,
        check=check,
        open_items=items,
        progress=progress,
        note=_agent_note(finished, config.run_timeout) + note,
        agent_error=agent_error,
        edited=findings.edited,
    )
    ledger = replace(ledger, runs=(*ledger.runs, record))
    book.write(ledger)
    say(f"run {number}: {check.describe() if check else 'no check'}; {items} open item(s); {record.note}")
    return ledger, stopping.after_run(_since(ledger, start), config.limits)


def _agent_failed(
    config: LoopConfig, book: LedgerBook, ledger: Ledger, number: int, started: str, finished: Finished, error: str
) -> tuple[Ledger, Stop]:
    """The agent did not even start a session: record its message and stop before another try."""
    note = f"the agent exited {finished.returncode} without starting a session"
    record = RunRecord(number, started, _now(), agent_exit=finished.returncode, note=note, agent_error=error)
    ledger = replace(ledger, runs=(*ledger.runs, record))
    book.write(ledger)
    message = f"{config.agent.name} could not run (exit {finished.returncode}): {error}"
    return ledger, Stop(StopCode.AGENT_FAILED, message, number)


def _already_met(config: LoopConfig, ledger: Ledger) -> Stop:
    done = len(ledger.agent_runs)
    message = f"the check already passes: `{config.check}`; nothing was run (--force runs anyway)"
    return Stop(StopCode.CHECK_PASSED, message, done)


def _agent_error(finished: Finished) -> str:
    """The agent CLI's own words when it exited non-zero: the last lines of stderr, else of stdout."""
    if finished.timed_out or not finished.returncode:
        return ""
    for stream in (finished.stderr, finished.stdout):
        lines = [line.strip() for line in stream.strip().splitlines() if line.strip()]
        if lines:
            text = " ".join(lines[-3:])
            return text if len(text) <= MAX_AGENT_ERROR_CHARS else text[: MAX_AGENT_ERROR_CHARS - 1] + "\u2026"
    return "it printed nothing"


def _take_edits(config: LoopConfig, book: LedgerBook, ledger: Ledger, number: int) -> Ledger:
    """The person's edits of PROGRESS.md and the objective file's checklist, taken in."""
    ledger = book.take_edits(ledger, number)
    return bookkeeping.sync_objective(ledger, read_objective(config.objective), number)


def _baseline(config: LoopConfig, book: LedgerBook, ledger: Ledger, environ: Mapping[str, str], say: Say) -> Ledger:
    started = _now()
    check = _check(config, environ)
    assert check is not None  # only called with a check
    ledger = bookkeeping.record_check(ledger, check, 0)
    items = bookkeeping.open_items(ledger, check)
    record = RunRecord(0, started, _now(), check=check, open_items=items, note="before the first run")
    ledger = replace(ledger, runs=(*ledger.runs, record))
    book.write(ledger)
    say(f"baseline: the check {check.describe()}; {items} open item(s)")
    return ledger


def _run_agent(config: LoopConfig, prompt: str, env: Mapping[str, str]) -> Finished:
    try:
        return run_bounded(config.agent.argv(prompt), cwd=config.workdir, env=env, timeout=config.run_timeout)
    except OSError as error:
        raise ReverieError(f"cannot start {config.agent.binary}: {error.strerror or error}") from error


def _capture(workspace: Workspace, agent: Agent, report: AgentReport, env: Mapping[str, str]) -> None:
    """Store the run's session (transcript first: its copy of each event is the richer one), distill
    it, and rebuild the recall index that the next run's hooks read."""
    transcript = agent.transcript(report.session_id, env) if report.session_id else None
    capture_run(workspace, [transcript] if transcript else [])


def _check(config: LoopConfig, environ: Mapping[str, str]) -> CheckResult | None:
    if config.check is None:
        return None
    try:
        finished = run_bounded(config.check, cwd=config.workdir, env=environ, timeout=config.check_timeout, shell=True)
    except OSError as error:
        raise ReverieError(f"cannot run the check `{config.check}`: {error.strerror or error}") from error
    output = f"{finished.stdout}\n{finished.stderr}" if finished.stderr else finished.stdout
    return score(config.check, finished.returncode, output, timed_out=finished.timed_out)


def _finish(book: LedgerBook, ledger: Ledger, stop: Stop | None) -> Ledger:
    ledger = replace(ledger, stop=stop)
    book.write(ledger)
    return ledger


def _since(ledger: Ledger, start: int) -> Ledger:
    """The ledger as this invocation sees it: budgets and progress count its own runs only."""
    return replace(ledger, runs=ledger.runs[start:])


def _agent_note(finished: Finished, timeout: float) -> str:
    if finished.timed_out:
        return f"the agent timed out after {timeout:g} s; "
    if finished.returncode:
        return f"the agent exited {finished.returncode}; "
    return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
