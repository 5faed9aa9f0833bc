"""``reverie demo``: the whole pipeline in one run, on generated sample sessions, in a throw-away home.

Each step calls the same public functions as the real commands, so the demo shows what reverie
does, not a mock-up of it. It grows with every capability: capture, distill, recall, eval today;
dream, review and compile as they land.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from reverie.capture.importer import import_paths
from reverie.cli.output import emit_table
from reverie.cli.traces import timeline_line
from reverie.distill import distill
from reverie.domain.lessons import LessonStatus
from reverie.evals import generator, report, runner
from reverie.workspace import HOME_ENV, Workspace

SAMPLE_SEED = 7


@click.command()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".reverie-demo"),
    show_default=True,
    help="A throw-away reverie home for the demo (replaced on every run).",
)
@click.option("--sessions", default=40, show_default=True, type=click.IntRange(5, 2000), help="Sample sessions.")
@click.option("--eval-sessions", default=120, show_default=True, type=click.IntRange(0, 5000), help="0 skips eval.")
def demo(home: Path, sessions: int, eval_sessions: int) -> None:
    """Run capture, distill, recall and eval on generated sample sessions."""
    home = home.resolve()
    if home.exists():
        shutil.rmtree(home)
    with _home(home):
        workspace = Workspace.open(home)
        try:
            samples = _capture(workspace, sessions)
            _distill(workspace, samples)
            _recall(workspace, samples)
        finally:
            workspace.close()
        if eval_sessions:
            _eval(home, eval_sessions)
    click.echo(f"\nEverything is in {home}. Look around with: REVERIE_HOME={home} reverie lessons")


def _capture(workspace: Workspace, sessions: int) -> generator.Scenario:
    _step(f"1. capture: {sessions} sample Claude Code sessions, imported like your own transcripts")
    samples = generator.generate(sessions, SAMPLE_SEED, workspace.home / "samples")
    imported = import_paths(workspace.store, [samples.root / generator.TRANSCRIPTS])
    click.echo(
        f"imported {imported.files} transcripts ({imported.bytes / 1e6:.1f} MB): {imported.events_new} events in "
        f"{imported.sessions} sessions, {len(imported.problems)} problems"
    )
    summaries = workspace.store.sessions()
    rows = [
        (s.session.project.name if s.session.project else "-", s.session.id[:8], s.prompts, s.tool_calls, s.errors)
        for s in summaries[:6]
    ]
    emit_table(("project", "session", "prompts", "tools", "errors"), rows)
    first = summaries[0].session
    click.echo(f"\nreverie trace {first.id[:8]} (first lines):")
    for event in workspace.store.events(first.id)[:8]:
        click.echo("  " + timeline_line(event, 110))
    return samples


def _distill(workspace: Workspace, samples: generator.Scenario) -> None:
    _step("2. distill: small, scoped, evidence-backed lessons")
    finished = datetime.now(UTC)
    outcome = distill(workspace.store, now=finished)
    lessons = workspace.store.lessons()
    active = sorted((x for x in lessons if x.status is LessonStatus.ACTIVE), key=lambda x: -x.confidence.value)
    click.echo(f"{len(outcome.sessions)} sessions distilled: {len(lessons)} lessons, {len(active)} active")
    rows = [
        (x.id, x.kind.value, x.scope.describe()[:28], f"{x.confidence.value:.2f}", x.statement[:70]) for x in active
    ]
    emit_table(("lesson", "kind", "scope", "conf", "statement"), rows[:10])
    if active:
        click.echo(f"\nEvery lesson shows its evidence: reverie show {active[0].id}")


def _recall(workspace: Workspace, samples: generator.Scenario) -> None:
    try:
        from reverie.recall import session_start_digest
    except ImportError:
        return
    _step("3. recall: what a new session in the first project would be shown")
    project = samples.truth.meta["projects"][0]
    cwd = samples.root / project["folder"]
    click.echo(session_start_digest(workspace, cwd=str(cwd)) or "(nothing relevant yet)")


def _eval(home: Path, sessions: int) -> None:
    _step(f"4. eval: memory quality on a {sessions}-session benchmark, against baselines")
    result = runner.benchmark(sessions, SAMPLE_SEED, home / "eval")
    headers, rows = report.table_rows(result)
    emit_table(headers, rows)
    click.echo("The full benchmark: reverie eval --sessions 1000 --report out/")


def _step(title: str) -> None:
    click.echo("")
    click.secho(title, bold=True)


@contextmanager
def _home(home: Path) -> Iterator[None]:
    """Every step, including the ones that open their own workspace, uses the demo home."""
    before = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(home)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(HOME_ENV, None)
        else:
            os.environ[HOME_ENV] = before


COMMANDS = (demo,)
