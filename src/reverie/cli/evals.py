"""``reverie eval``: the memory-quality scorecard, on the built-in benchmark or on labelled history."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click

from reverie.app import evals
from reverie.app.models import BACKENDS, READERS
from reverie.cli.output import emit_json, emit_table, json_option, steps
from reverie.errors import InputError
from reverie.evals import real_report, report
from reverie.evals.baselines import BASELINES
from reverie.evals.injector import DEFAULT_BUDGET
from reverie.evals.replay import RunResult
from reverie.workspace import Workspace, private_files


@click.command(name="eval")
@click.option(
    "--sessions",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Size of the generated benchmark.",
)
@click.option("--seed", default=1, show_default=True, help="Seed of the generated benchmark.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write report.md, report.json and SVG plots into this folder.",
)
@click.option(
    "--replay",
    "replay_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Replay your own transcripts from this folder instead of the benchmark (needs --labels).",
)
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Labels for --replay (YAML or JSON; see docs/eval.md).",
)
@click.option(
    "--turns",
    type=click.Path(exists=True, path_type=Path),
    help="Real labelled turns the benchmark's person speaks with (default: $REVERIE_EVAL_TURNS, or "
    "corpus/turns/holdout here).",
)
@click.option(
    "--real",
    "real_dir",
    type=click.Path(exists=True, path_type=Path),
    help="Score on a labelled real corpus: any folder of turn files (corpus/README.md), e.g. corpus/turns/holdout.",
)
@click.option(
    "--reader",
    type=click.Choice(READERS),
    default="rules",
    show_default=True,
    help="With --real: who reads what the person typed (llm: a model, through --llm).",
)
@click.option("--llm", "backend_name", type=click.Choice(BACKENDS), help="The model backend for --reader llm.")
@click.option("--model", help="The model name for --reader llm.")
@click.option("--base-url", help="The server for --reader llm with anthropic or openai.")
@click.option(
    "--tokens", default=2_000_000, show_default=True, type=click.IntRange(0), help="What --reader llm may spend."
)
@click.option(
    "--memory",
    "memories",
    multiple=True,
    type=click.Choice(list(BASELINES)),
    help="Only these memories (repeatable). Default: all.",
)
@click.option(
    "--budget",
    default=DEFAULT_BUDGET,
    show_default=True,
    type=click.IntRange(0),
    help="Injection budget per session, in tokens.",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where scenarios and the replay store go. Default: <reverie home>/eval.",
)
@json_option
def eval_(
    sessions: int,
    seed: int,
    report_dir: Path | None,
    replay_dir: Path | None,
    labels: Path | None,
    turns: Path | None,
    real_dir: Path | None,
    reader: str,
    backend_name: str | None,
    model: str | None,
    base_url: str | None,
    tokens: int,
    memories: tuple[str, ...],
    budget: int,
    workdir: Path | None,
    as_json: bool,
) -> None:
    """Score memories on the failure labels of docs/eval.md and on future behaviour, each metric
    against its target.

    Every memory (no memory, remember everything, a keyword detector, reverie) learns from the same
    sessions in time order, and is scored on what it keeps and on what it would have shown each later
    session. See docs/eval.md for what each number means.
    """
    if (replay_dir is None) != (labels is None):
        raise InputError("--replay and --labels go together")
    folder = workdir or _default_workdir()
    folder.mkdir(parents=True, exist_ok=True)
    if real_dir is not None:
        _real(real_dir, folder / "real", reader, (backend_name, model, base_url, tokens), report_dir, as_json)
        return
    private = private_files() if workdir is None else nullcontext()  # the home's own tree is private
    replayed = sessions * 2 if replay_dir is None else 0  # each session generated, then replayed
    with private, steps("generating and replaying", replayed, quiet=as_json) as tick:
        result = evals.scorecard(
            folder,
            sessions=sessions,
            seed=seed,
            turns=turns,
            replay_dir=replay_dir,
            labels=labels,
            memories=list(memories) or None,
            budget=budget,
            progress=tick,
        )
    written = report.write(result, report_dir) if report_dir else []
    if as_json:
        emit_json(report.as_json(result))
        return
    _print(result, written)


def _real(
    folder: Path,
    workdir: Path,
    reader: str,
    backend: tuple[str | None, str | None, str | None, int],
    report_dir: Path | None,
    as_json: bool,
) -> None:
    with steps("replaying the real corpus", real_report.sessions(folder), quiet=as_json) as tick:
        result = evals.replay_real(folder, workdir, reader=reader, backend=backend, progress=tick)
    written = real_report.write(result, report_dir) if report_dir else []
    if as_json:
        emit_json(real_report.as_json(result))
        return
    emit_table(*real_report.table_rows(result))
    click.echo(
        f"\n{result.turns} turns, {result.sources} sources, {result.sessions} sessions in {result.seconds:.0f} s "
        f"(reader: {reader}); {len(result.import_problems)} import problems."
    )
    for path in written:
        click.echo(f"wrote {path}")
    if result.meta.get("distill_failures"):
        click.echo(f"distill failed on {result.meta['distill_failures']} session(s): {result.meta['first_failure']}")


def _default_workdir() -> Path:
    workspace = Workspace.open()
    try:
        return workspace.home / "eval"
    finally:
        workspace.close()


def _print(result: RunResult, written: list[Path]) -> None:
    headers, rows = report.table_rows(result)
    emit_table(headers, rows)
    for memory in result.memories:
        if not memory.available:
            click.echo(f"\n{memory.name}: not available ({memory.reason})")
    click.echo(
        f"\n{result.sessions} sessions in {result.seconds:.0f} s; {len(result.import_problems)} import problems."
    )
    spoken_meta = result.meta.get("turns")
    if isinstance(spoken_meta, dict) and not spoken_meta.get("spoken"):
        click.echo("No real turns: the simulated person said nothing (pass --turns DIR); behaviour only.")
    for path in written[:2]:
        click.echo(f"wrote {path}")


COMMANDS = (eval_,)
