"""``reverie loop`` and ``reverie progress``: repeated agent runs against one objective, and their ledger.

``loop`` exits 0 when the objective is met (the check passes, or every task is done without a check),
3 when it stopped for another reason (no progress, a budget spent), 130 on Ctrl-C, and 1 on an error
(the agent CLI could not start a session, with its own message); the last line it prints says why it
stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reverie.cli.output import emit_json, emit_table, json_option
from reverie.errors import NotFoundError
from reverie.loop import Ledger, Limits, LoopConfig, StopCode, run_loop
from reverie.loop.agents import AgentName, resolve
from reverie.loop.files import LedgerBook
from reverie.loop.ledger import ledger_paths, to_json
from reverie.workspace import Workspace

EXIT_FAILED = 1
EXIT_STOPPED = 3
EXIT_INTERRUPTED = 130
MET = (StopCode.CHECK_PASSED, StopCode.TASKS_DONE)

workspace_option = click.option(
    "--workspace",
    "workdir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="The folder the agent works in; the ledger is kept in its .reverie/ folder.",
)


@click.command()
@click.option("--agent", type=click.Choice([name.value for name in AgentName]), required=True, help="Which agent CLI.")
@click.option(
    "--objective",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="A markdown file with the objective; its `- [ ]` items become tasks.",
)
@click.option("--check", metavar="CMD", help='A shell command whose exit code is the score, e.g. "make test".')
@click.option(
    "--max-runs", type=click.IntRange(min=1), default=20, show_default=True, help="Stop after this many runs."
)
@click.option("--budget-tokens", type=click.IntRange(min=1), help="Stop once the runs have used this many tokens.")
@click.option(
    "--no-progress-runs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Stop after this many runs in a row without fewer open items.",
)
@workspace_option
@click.option("--agent-bin", metavar="PATH", help="The agent's binary (default: claude or codex on PATH).")
@click.option(
    "--agent-arg",
    "agent_args",
    multiple=True,
    metavar="ARG",
    help="An extra argument for every run, e.g. --agent-arg=--permission-mode --agent-arg=acceptEdits.",
)
@click.option("--run-timeout", type=click.FloatRange(min=1), default=3600, show_default=True, help="Seconds per run.")
@click.option(
    "--check-timeout", type=click.FloatRange(min=1), default=1800, show_default=True, help="Seconds per check."
)
@click.option("--force", is_flag=True, help="Run even when the check already passes.")
@json_option
def loop(
    agent: str,
    objective: Path,
    check: str | None,
    max_runs: int,
    budget_tokens: int | None,
    no_progress_runs: int,
    workdir: Path,
    agent_bin: str | None,
    agent_args: tuple[str, ...],
    run_timeout: float,
    check_timeout: float,
    force: bool,
    as_json: bool,
) -> None:
    """Run the agent headless on the objective again and again, each run fresh, until the check passes,
    runs stop making progress, or a budget is spent.

    Between runs reverie captures and distills the run, runs the check, and keeps the progress ledger
    (.reverie/PROGRESS.md, which you may edit, and progress.json). Each run starts with the ledger at
    the top of its prompt; lessons arrive through the recall hooks (`reverie init`).
    """
    config = LoopConfig(
        agent=resolve(AgentName(agent), agent_bin, agent_args),
        objective=objective.resolve(),
        workdir=workdir.resolve(),
        check=check,
        limits=Limits(max_runs=max_runs, budget_tokens=budget_tokens, no_progress_runs=no_progress_runs),
        run_timeout=run_timeout,
        check_timeout=check_timeout,
        force=force,
    )
    say = (lambda line: click.echo(line, err=True)) if as_json else click.echo
    workspace = Workspace.open()
    try:
        ledger = run_loop(config, workspace, say=say)
    except KeyboardInterrupt:
        click.echo("reverie loop: interrupted; the ledger is as of the last finished step", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        workspace.close()
    if as_json:
        emit_json(to_json(ledger))
    if ledger.stop is not None:
        click.echo(f"reverie loop: stopped after run {ledger.stop.after_run}: {ledger.stop.message}", err=as_json)
    if ledger.stop is not None and ledger.stop.code is StopCode.AGENT_FAILED:
        sys.exit(EXIT_FAILED)
    if ledger.stop is None or ledger.stop.code not in MET:
        sys.exit(EXIT_STOPPED)


@click.command()
@workspace_option
@json_option
def progress(workdir: Path, as_json: bool) -> None:
    """The loop's ledger: tasks, blockers, failed approaches, and the score after every run."""
    ledger = LedgerBook(workdir).open()
    if ledger is None:
        where = ledger_paths(workdir)[1].parent
        raise NotFoundError(f"no progress ledger in {where}; `reverie loop` keeps one")
    if as_json:
        emit_json(to_json(ledger))
        return
    _print_ledger(ledger)


COMMANDS = (loop, progress)


def _print_ledger(ledger: Ledger) -> None:
    click.echo(f"Objective {ledger.objective} · {ledger.agent} · check: {ledger.check or 'none'}")
    if ledger.stop:
        click.echo(f"Stopped after run {ledger.stop.after_run}: {ledger.stop.message}")
    click.echo("\nTasks:")
    for task in ledger.tasks:
        if task.closed_by != "person (removed)":
            closed = f"  (closed by {task.closed_by}, run {task.closed_run})" if task.done else ""
            click.echo(f"  [{'x' if task.done else ' '}] {task.text}{closed}")
    click.echo("\nBlockers:" if ledger.blockers else "\nBlockers: none")
    for blocker in ledger.blockers:
        cites = "; ".join(s.cite() for s in blocker.sightings[-3:])
        click.echo(f'  "{blocker.example}" from {blocker.subject} ({cites})')
    shown = [item for item in ledger.failed_approaches if not item.dismissed]
    click.echo("\nFailed approaches:" if shown else "\nFailed approaches: none")
    for item in shown:
        state = f"  [ran clean in run {item.worked_run}]" if item.worked_run else ""
        click.echo(f"  {item.what}{': ' + item.why if item.why else ''}{state}")
    click.echo("")
    rows = [
        (
            "baseline" if run.number == 0 else run.number,
            run.check.describe() if run.check else "-",
            run.open_items,
            f"{run.tokens:,}",
            "-" if run.number == 0 else ("yes" if run.progress else "no"),
            run.note + (f"; the agent said: {run.agent_error}" if run.agent_error else ""),
        )
        for run in ledger.runs
    ]
    emit_table(("run", "check", "open", "tokens", "progress", "note"), rows)
