"""``reverie demo``: the whole pipeline in one run, on generated sample sessions, in a throw-away home.

Each step calls the same public functions as the real commands, so the demo shows what reverie
does, not a mock-up of it: capture, distill, dream, review, recall, compile, eval. Everything it
writes stays under ``--home``: the agents' user folders are pointed there too while it compiles.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from reverie.app import capture, dreams
from reverie.app.recall import lessons_changed
from reverie.artifacts import compiler
from reverie.artifacts.places import resolve
from reverie.cli.output import emit_table, plural, steps
from reverie.cli.traces import timeline_line
from reverie.distill import distill
from reverie.domain.changes import ChangeType
from reverie.domain.lessons import LessonStatus
from reverie.errors import InputError
from reverie.evals import generator, report, runner, spoken
from reverie.recall import search, session_start_digest
from reverie.review import NotApprover, render
from reverie.review import actor as actors
from reverie.workspace import HOME_ENV, Workspace

SAMPLE_SEED = 7
REVIEW_SHOWN = 3


@click.command()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(tempfile.gettempdir()) / "reverie-demo",
    show_default="reverie-demo in the temporary folder",
    help="A throw-away reverie home for the demo, replaced on every run; a folder that holds anything else is"
    " refused, never deleted.",
)
@click.option("--sessions", default=40, show_default=True, type=click.IntRange(5, 2000), help="Sample sessions.")
@click.option("--eval-sessions", default=120, show_default=True, type=click.IntRange(0, 5000), help="0 skips eval.")
def demo(home: Path, sessions: int, eval_sessions: int) -> None:
    """Run capture, distill, dream, review, recall, compile and eval on generated sample sessions."""
    home = home.resolve()
    _replace(home)
    with _home(home):
        workspace = Workspace.open(home)
        try:
            samples = _capture(workspace, sessions)
            _distill(workspace, samples)
            _dream_and_review(workspace)
            _recall(workspace, samples)
            _compile(workspace, samples)
        finally:
            workspace.close()
        if eval_sessions:
            _eval(home, eval_sessions)
    command = _reverie_command()
    click.echo(f"\nEverything is in {home}, apart from your own reverie home. Look around:")
    for what in ("lessons", "stats --over-time", "dreams", "history", "artifacts", "ui"):
        click.echo(f"  REVERIE_HOME={home} {command} {what}")
    click.echo(f"Next, in a project of your own: {command} init   (then work as usual; lessons appear as you go)")


def _capture(workspace: Workspace, sessions: int) -> generator.Scenario:
    _step(f"1. capture: {sessions} sample Claude Code sessions, imported like your own transcripts")
    # The sample people speak with real, held-out words (corpus/turns/holdout) when the corpus is here.
    samples = generator.generate(sessions, SAMPLE_SEED, workspace.home / "samples", turns=spoken.default_folder())
    imported = capture.import_transcripts(workspace, [samples.root / generator.TRANSCRIPTS])
    click.echo(
        f"imported {imported.files} transcripts ({imported.bytes / 1e6:.1f} MB): {imported.events_new} events in "
        f"{plural(imported.sessions, 'session')}, {plural(len(imported.problems), 'problem')}"
    )
    summaries = workspace.store.sessions()
    rows = [
        (s.session.project.key if s.session.project else "-", s.session.id[:8], s.prompts, s.tool_calls, s.errors)
        for s in summaries[:6]
    ]
    emit_table(("project", "session", "prompts", "tools", "errors"), rows)
    if len(summaries) > len(rows):
        click.echo(f"({len(rows)} of {len(summaries)} sessions shown; `reverie sessions` lists them all)")
    first = summaries[0].session
    click.echo(f"\nreverie trace {first.id[:8]} (first lines):")
    for event in workspace.store.events(first.id)[:8]:
        click.echo("  " + timeline_line(event, 110))
    return samples


def _distill(workspace: Workspace, samples: generator.Scenario) -> None:
    _step("2. distill: small, scoped, evidence-backed lessons")
    finished = datetime.now(UTC)
    outcome = distill(workspace.store, now=finished)
    lessons_changed(workspace)
    lessons = workspace.store.lessons()
    active = sorted((x for x in lessons if x.status is LessonStatus.ACTIVE), key=lambda x: -x.confidence.value)
    click.echo(f"{len(outcome.sessions)} sessions distilled: {len(lessons)} lessons, {len(active)} active")
    rows = [
        (x.id, x.kind.value, x.scope.project or x.scope.level.value, f"{x.confidence.value:.2f}", _cut(x.statement, 70))
        for x in active
    ]
    emit_table(("lesson", "kind", "scope", "conf", "statement"), rows[:10])
    if len(rows) > 10:
        click.echo(f"(10 of {len(rows)} active lessons shown; `reverie lessons` lists them all)")
    candidates = len(lessons) - len(active)
    if candidates:
        click.echo(
            f"{plural(candidates, 'other lesson')} wait as candidates or were retired:"
            " `reverie lessons` shows each status."
        )
    if active:
        click.echo(f"\nEvery lesson shows its evidence: reverie show {active[0].id}")


def _dream_and_review(workspace: Workspace) -> None:
    _step("3. dream: an offline pass writes a new store version and a typed change-set; you review it")
    # The samples are dated in the past: dream at the time of the newest one, as a replay would.
    done = dreams.dream(workspace, dreams.DreamOrder(now=_newest_session_end(workspace)), command="reverie demo")
    if done.record is None:  # only an ``auto`` dream that is not due comes back without one
        return
    record = done.record
    changes = workspace.store.dream_changes(record.id)
    kinds = Counter(item.change.type.value for item in changes)
    click.echo(
        f"dream {record.id}: {len(changes)} proposed changes ({', '.join(f'{n} {k}' for k, n in kinds.items())})"
    )
    for item in changes[:REVIEW_SHOWN]:
        click.echo("")
        for line in render.change_lines(item):
            click.echo("  " + line)
    click.echo(f"\n... the rest: reverie review {record.id}")
    # In its throw-away home the demo approves the consolidation on behalf of the person running it; on
    # a real store, `reverie review` and `reverie accept` are where a person decides. Whether something
    # said once was meant to last (an activation) only the person who said it can tell: left undecided.
    approved = {
        item.change.id: item.change.content_hash for item in changes if item.change.type is not ChangeType.ACTIVATE
    }
    left = len(changes) - len(approved)
    if not approved:  # `only` empty would mean every change
        click.echo(f"\nNothing for the demo to accept: reverie review {record.id}")
        _waiting(left, record.id)
        return
    try:
        accepted = dreams.accept(
            workspace, record.id, actor=actors.current(), command="reverie demo", only=list(approved), approved=approved
        )
    except NotApprover as refusal:
        click.echo(f"\nNot accepted: {refusal}")
        return
    click.echo(f"\nThe demo approved and accepted {len(accepted.accepted)} changes as {actors.current().describe()}.")
    _waiting(left, record.id)
    click.echo("On your own store you decide: reverie accept <dream> [--only C1,C4]; reverie rollback undoes it.")


def _waiting(left: int, dream_id: str) -> None:
    if left:
        click.echo(
            f"{plural(left, 'proposal')} to make a candidate active {'waits' if left == 1 else 'wait'} for the "
            f"person who said it (only they know whether it was meant to last): reverie review {dream_id}"
        )


def _recall(workspace: Workspace, samples: generator.Scenario) -> None:
    _step("4. recall: what a new session in the first project is shown, and what a question brings")
    project_dir = _first_project(samples)
    click.echo(session_start_digest(workspace, cwd=str(project_dir)) or "(no lesson for the session's start)")
    # A lesson about a command waits for the call it is about: show the test run being asked about.
    asked = "How do I run the tests here?"
    answer = search.for_prompt(workspace, asked, search.project_key(project_dir))
    click.echo(f"\nThe person asks {asked!r}; the agent is told:")
    click.echo(answer.text or "(nothing)")


def _compile(workspace: Workspace, samples: generator.Scenario) -> None:
    _step("5. compile: accepted rules and hooks, written where the agents load them")
    users = workspace.home / "agent-user-folders"
    with _environment(CLAUDE_CONFIG_DIR=users / "claude", CODEX_HOME=users / "codex", HOME=users):
        planned = compiler.apply(workspace.store, compiler.plan(workspace.store, resolve(str(_first_project(samples)))))
    for action in planned.actions:
        described = action.to_json()
        for index, path in enumerate(described["files"]):  # whole paths, one a line: never cut mid-name
            click.echo(f"  {action.verb if not index else '':<9} {described['kind'] if not index else '':<8} {path}")
        if action.reason or action.problems:
            click.echo(f"            {_cut('; '.join((action.reason, *action.problems)).strip('; '), 110)}")
    if not planned.actions:
        click.echo("  nothing at level rule or above yet: `reverie evolve <lesson-id> --to hook` proposes one")
    for note in planned.notes:
        click.echo(f"  note: {note}")


def _first_project(samples: generator.Scenario) -> Path:
    folder: str = samples.truth.meta["projects"][0]["folder"]
    return samples.root / folder


def _newest_session_end(workspace: Workspace) -> datetime:
    stamps = [s.session.ended_at or s.session.started_at or "" for s in workspace.store.sessions()]
    return datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))


def _eval(home: Path, sessions: int) -> None:
    _step(f"6. eval: memory quality on a {sessions}-session benchmark, against baselines")
    with steps("generating and replaying", sessions * 2) as tick:
        result = runner.benchmark(sessions, SAMPLE_SEED, home / "eval", generated=tick, replayed=tick)
    headers, rows = report.table_rows(result)
    emit_table(headers, rows)
    click.echo(
        "Read it honestly: the benchmark is generated, and the targets reverie misses here are listed with their"
        " reasons in docs/eval.md. What counts more is the real corpus: reverie eval --real corpus/turns/holdout"
    )
    # Where `reverie ui` looks for a report by default, so its Eval page shows this one with its plots.
    written = report.write(result, home / "eval" / "report")
    plots = [path.name for path in written if path.suffix == ".svg"]
    click.echo(f"This report, with its plots ({', '.join(plots)}): {written[0]}, and on the Eval page of `reverie ui`.")
    click.echo("The full benchmark: reverie eval --sessions 1000 --report out/")


def _cut(text: str, width: int) -> str:
    """Cut at a word and say so: a statement cut mid-word reads as a broken one."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "\u2026"


def _reverie_command() -> str:
    """How to run reverie again from here: ``reverie`` when it is on PATH, else the script that runs now."""
    if shutil.which("reverie"):
        return "reverie"
    script = Path(sys.argv[0])
    return str(script.resolve()) if script.name == "reverie" and script.exists() else f"{sys.executable} -m reverie"


def _step(title: str) -> None:
    click.echo("")
    click.secho(title, bold=True)


MARK = ".reverie-demo"  # in every demo home: the only kind of folder the demo deletes


def _replace(home: Path) -> None:
    """Start from an empty demo home. A folder that holds something other than an earlier demo (your
    own reverie home given as --home by mistake) is refused, never deleted."""
    if home.exists() and any(home.iterdir()):
        # Demos before the mark left their generated samples beside the store.
        if not (home / MARK).is_file() and not (home / "samples").is_dir():
            raise InputError(
                "is not empty and is not a demo home; the demo replaces its --home on every run, so give a new"
                " folder (or none: a folder in the temporary directory)",
                path=str(home),
            )
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / MARK).write_text("A throw-away home written by `reverie demo`; the next demo replaces it.\n")


def _home(home: Path) -> AbstractContextManager[None]:
    """Every step, including the ones that open their own workspace, uses the demo home."""
    return _environment(**{HOME_ENV: home})


@contextmanager
def _environment(**values: Path) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update({name: str(value) for name, value in values.items()})
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


COMMANDS = (demo,)
