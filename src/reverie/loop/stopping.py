"""When the loop stops, and the one line that says why.

Checked after every run, first match wins:

1. the check passes (or, with no check, every task is done): the objective is met;
2. the last K runs made no progress (see ``bookkeeping.judge``): more runs would repeat them;
3. the token budget is spent: the runs so far used at least ``--budget-tokens``;
4. the run budget is spent: ``--max-runs`` runs have run.

Before each run only the budgets are checked, so a budget already spent does not start another run.
"""

from __future__ import annotations

from dataclasses import dataclass

from reverie.loop.ledger import Ledger, Stop, StopCode


@dataclass(frozen=True, slots=True)
class Limits:
    max_runs: int = 20
    budget_tokens: int | None = None
    no_progress_runs: int = 3


def after_run(ledger: Ledger, limits: Limits) -> Stop | None:
    runs = ledger.agent_runs
    if not runs:
        return None
    last = runs[-1]
    if ledger.check is not None and last.check is not None and last.check.passed:
        return Stop(StopCode.CHECK_PASSED, f"the check passes after run {last.number}: `{ledger.check}`", last.number)
    if ledger.check is None and ledger.tasks and not ledger.open_tasks:
        return Stop(StopCode.TASKS_DONE, f"every task is done after run {last.number}", last.number)
    stalled = runs[-limits.no_progress_runs :]
    if len(stalled) == limits.no_progress_runs and not any(run.progress for run in stalled):
        message = f"no progress in the last {limits.no_progress_runs} run(s): {last.note}"
        return Stop(StopCode.NO_PROGRESS, message, last.number)
    return before_run(ledger, limits)


def before_run(ledger: Ledger, limits: Limits) -> Stop | None:
    done = len(ledger.agent_runs)
    if limits.budget_tokens is not None and ledger.tokens >= limits.budget_tokens:
        message = f"the token budget is spent: {ledger.tokens:,} of {limits.budget_tokens:,} tokens in {done} run(s)"
        return Stop(StopCode.TOKEN_BUDGET, message, done)
    if done >= limits.max_runs:
        return Stop(StopCode.MAX_RUNS, f"the run budget is spent: {done} of {limits.max_runs} run(s)", done)
    return None
