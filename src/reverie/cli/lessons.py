"""Lessons at the command line: ``distill``, ``lessons``, ``show``, ``forget``, ``remember``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reverie.app.models import BACKENDS, READERS, chosen
from reverie.capture.project import identify
from reverie.cli import guard
from reverie.cli.output import emit_json, emit_table, json_option, progress
from reverie.domain.lessons import Lesson, LessonStatus, ScopeLevel
from reverie.errors import NotFoundError
from reverie.store.lesson_codec import confidence_to_dict, evidence_to_dict, trigger_to_dict
from reverie.workspace import Workspace

if TYPE_CHECKING:
    from reverie.distill import DistillReport
    from reverie.review.actor import Actor
    from reverie.store.recall_index import ProposalRow

_STATUSES = [status.value for status in LessonStatus]
_SCOPES = [ScopeLevel.PROJECT.value, ScopeLevel.GLOBAL.value, ScopeLevel.SESSION.value]
_LISTED_BY_DEFAULT = (LessonStatus.ACTIVE, LessonStatus.CANDIDATE, LessonStatus.QUARANTINED)


@click.command(name="distill")
@click.option(
    "--reader",
    type=click.Choice(READERS),
    help="Who reads what the person typed: rules (default) or llm (a model; see [reader] in config.toml).",
)
@click.option(
    "--llm", "backend_name", type=click.Choice(BACKENDS), help="Also let a model propose lessons (off by default)."
)
@click.option("--model", help="The model name for --llm.")
@click.option("--base-url", help="The server for --llm anthropic/openai (a local OpenAI-compatible one, say).")
@click.option("--budget", default=50_000, show_default=True, help="Tokens the model may spend in this run.")
@click.option("--cooldown", default=60, show_default=True, help="Minutes between model-backed runs.")
@click.option("--price", default="0,0", show_default=True, help="Dollars per million input,output tokens.")
@json_option
def distill_command(
    reader: str | None,
    backend_name: str | None,
    model: str | None,
    base_url: str | None,
    budget: int,
    cooldown: int,
    price: str,
    as_json: bool,
) -> None:
    """Turn new sessions into lessons. Reads only sessions with events it has not seen.

    Offline and deterministic by default. With --llm, a model also proposes lessons; with --reader llm
    (or [reader] kind = "llm" in config.toml) the model reads what the person typed instead of the
    rules (backend from --llm or [reader] backend, default claude-cli). The same guards decide on what
    it proposes, within a token budget, at most once per cooldown, and every call is recorded in
    usage.jsonl in the reverie home."""
    from reverie.app import lessons as use

    with _workspace() as workspace:
        model_run = chosen(workspace.home, backend_name, model, base_url, budget, cooldown, price, reader)
        with progress("distilling sessions", quiet=as_json) as tick:
            report = use.distill_with(workspace, model_run, tick)
    if report is None:
        click.echo("Another `reverie distill` is running; nothing to do.")
        return
    if as_json:
        emit_json({**_report_json(report), "llm": model_run.summary()})
        return
    _print_report(report)
    if model_run.note:
        click.echo(model_run.note)


@click.command(name="lessons")
@click.option("--scope", type=click.Choice(_SCOPES), help="Only lessons of this scope.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(_STATUSES),
    help="Only lessons with this status (repeatable). Default: all but retired.",
)
@click.option("--project", help="Only lessons of this project key (github.com/owner/repo or path:/dir).")
@json_option
def lessons_command(scope: str | None, statuses: tuple[str, ...], project: str | None, as_json: bool) -> None:
    """What reverie has learned: statement, kind, scope, status, confidence."""
    with _workspace() as workspace:
        found = workspace.store.lessons(
            project=project,
            scope=ScopeLevel(scope) if scope else None,
            statuses=[LessonStatus(s) for s in statuses] or _LISTED_BY_DEFAULT,
        )
    if as_json:
        emit_json([lesson_json(lesson) for lesson in found])
        return
    if not found:
        click.echo("No lessons yet. Import or capture sessions, then run `reverie distill`.")
        return
    rows = [
        (
            lesson.id,
            lesson.status.value,
            lesson.kind.value,
            _where(lesson),
            f"{lesson.confidence.value:.2f}",
            _cut(lesson.statement),
        )
        for lesson in found
    ]
    emit_table(("id", "status", "kind", "scope", "conf", "statement"), rows)


@click.command(name="show")
@click.argument("lesson_id")
@json_option
def show_command(lesson_id: str, as_json: bool) -> None:
    """One lesson: statement, scope, trigger, confidence breakdown and provenance down to transcript lines."""
    with _workspace() as workspace:
        lesson = _resolve(workspace, lesson_id)
        versions = workspace.store.lesson_versions(lesson.id)
    if as_json:
        emit_json({**lesson_json(lesson), "versions": [_version_json(v) for v in versions]})
        return
    for line in _describe(lesson, versions):
        click.echo(line)


@click.command(name="forget")
@click.argument("lesson_id")
@click.option("--reason", required=True, help="Why it is wrong or no longer wanted (kept with the tombstone).")
@json_option
def forget_command(lesson_id: str, reason: str, as_json: bool) -> None:
    """Retire a lesson: a tombstone with your reason. Nothing is deleted from the trace.

    From inside an agent session this records a proposal for a person to decide on (`reverie proposals`)."""
    from reverie.app import lessons as use

    who = guard.actor()
    with _workspace() as workspace:
        lesson = _resolve(workspace, lesson_id)
        done = use.forget_lesson(workspace, lesson, reason, actor=who, command=guard.command_line())
    if done.proposal is not None:
        _proposed(done.proposal, who, as_json)
        return
    (tombstone,) = done.lessons
    if as_json:
        emit_json(lesson_json(tombstone))
        return
    click.echo(f"Forgot {tombstone.id} (version {tombstone.version}): {tombstone.statement}")


@click.command(name="remember")
@click.argument("text")
@click.option(
    "--scope", type=click.Choice([ScopeLevel.PROJECT.value, ScopeLevel.GLOBAL.value]), help="Default: project."
)
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The project folder (default: the current one).",
)
@json_option
def remember_command(text: str, scope: str | None, project_dir: Path | None, as_json: bool) -> None:
    """Remember something you want agents to know: "use make check, not pytest".

    From inside an agent session this records a proposal for a person to decide on (`reverie proposals`)."""
    level = ScopeLevel(scope) if scope else None
    project = None if level is ScopeLevel.GLOBAL else identify(str((project_dir or Path.cwd()).resolve())).key
    from reverie.app import lessons as use

    who = guard.actor()
    with _workspace() as workspace:
        done = use.remember_text(workspace, text, scope=level, project=project, actor=who, command=guard.command_line())
    if done.proposal is not None:
        _proposed(done.proposal, who, as_json)
        return
    written = done.lessons
    if as_json:
        emit_json([lesson_json(lesson) for lesson in written])
        return
    for lesson in written:
        click.echo(f"Remembered {lesson.id} [{lesson.status.value}, {_where(lesson)}]: {lesson.statement}")


def _proposed(proposal: ProposalRow, who: Actor, as_json: bool) -> None:
    if as_json:
        emit_json({"proposal": proposal.id, "kind": proposal.kind, "status": proposal.status, "by": who.describe()})
        return
    click.echo(
        f"Proposed {proposal.id} ({proposal.kind}): this runs inside an agent session ({who.evidence}), so nothing"
        " changed. A person decides with `reverie proposals`."
    )


COMMANDS = (distill_command, lessons_command, show_command, forget_command, remember_command)


# -- JSON ---------------------------------------------------------------------------------------


def lesson_json(lesson: Lesson) -> dict[str, Any]:
    """The public shape of a lesson (``reverie lessons --json``)."""
    return {
        "id": lesson.id,
        "version": lesson.version,
        "statement": lesson.statement,
        "kind": lesson.kind.value,
        "scope": lesson.scope.level.value,
        "project": lesson.scope.project,
        "agent": lesson.scope.agent,
        "session": lesson.scope.session,
        "status": lesson.status.value,
        "level": lesson.level.value,
        "confidence": lesson.confidence.value,
        "confidence_breakdown": confidence_to_dict(lesson.confidence),
        "durable": lesson.durable,
        "trigger": trigger_to_dict(lesson.trigger),
        "evidence": [evidence_to_dict(e) for e in lesson.evidence],
        "valid_from": lesson.valid_from,
        "valid_to": lesson.valid_to,
        "supersedes": lesson.supersedes,
        "superseded_by": lesson.superseded_by,
        "uncertainty": lesson.uncertainty,
        "forgotten_reason": lesson.forgotten_reason,
        "key": lesson.key,
        "topic": lesson.topic,
        "stance": lesson.stance,
        "against": lesson.against,
        "extractor": lesson.extractor,
        "content_hash": lesson.content_hash,
        "recorded_at": lesson.recorded_at,
    }


def _version_json(lesson: Lesson) -> dict[str, Any]:
    return {
        "version": lesson.version,
        "status": lesson.status.value,
        "statement": lesson.statement,
        "confidence": lesson.confidence.value,
        "evidence": len(lesson.evidence),
        "recorded_at": lesson.recorded_at,
        "content_hash": lesson.content_hash,
    }


def _report_json(report: DistillReport) -> dict[str, Any]:
    return {
        "sessions": [
            {
                "session_id": s.session_id,
                "events": s.events,
                "observations": s.observations,
                "lessons": [lesson.id for lesson in s.lessons],
                "outcome": s.outcome,
                "failed": s.failed,
            }
            for s in report.sessions
        ],
        "events": report.events,
        "lessons": [lesson_json(lesson) for lesson in report.lessons],
    }


# -- text ---------------------------------------------------------------------------------------


def _print_report(report: DistillReport) -> None:
    if not report.sessions:
        click.echo("Nothing new to distill.")
        return
    click.echo(f"Distilled {len(report.sessions)} session(s), {report.events:,} events.")
    for outcome in report.sessions:
        mark = "✗" if outcome.failed else "·"
        click.echo(f"  {mark} {outcome.session_id[:12]}  {outcome.outcome}")
    for lesson in report.lessons:
        click.echo(f"  {lesson.id} [{lesson.status.value}] {lesson.statement}")
    if report.failures:
        click.echo(f"{len(report.failures)} session(s) failed and stay pending; they are retried next time.")


def _describe(lesson: Lesson, versions: Any) -> Iterator[str]:
    yield f"{lesson.id}  v{lesson.version}  {lesson.status.value}  {lesson.kind.value}  level {lesson.level.value}"
    yield f"  {lesson.statement}"
    yield f"scope       {lesson.scope.describe()}{'' if lesson.durable else ' (one-off)'}"
    yield f"valid       {lesson.valid_from or '?'} .. {lesson.valid_to or 'now'}"
    trigger = trigger_to_dict(lesson.trigger)
    yield "trigger     " + (", ".join(f"{k}: {', '.join(v)}" for k, v in trigger.items() if v) or "(whenever in scope)")
    terms = ", ".join(f"{name} {value}" for name, value in lesson.confidence.terms)
    yield f"confidence  {lesson.confidence.value:.2f}  ({terms})"
    yield (
        f"            sessions {lesson.confidence.sessions}, user statements {lesson.confidence.user_statements}, "
        f"outcomes {lesson.confidence.outcomes}, agent claims {lesson.confidence.agent_claims}, "
        f"contradictions {lesson.confidence.contradictions}, age {lesson.confidence.age_days} days"
    )
    if lesson.uncertainty:
        yield f"uncertain   {lesson.uncertainty}"
    for name, other in (("supersedes", lesson.supersedes), ("superseded by", lesson.superseded_by)):
        if other:
            yield f"{name:<12}{other}"
    if lesson.forgotten_reason:
        yield f"forgotten   {lesson.forgotten_reason}"
    yield f"provenance  ({len(lesson.evidence)} evidence items, extractor {lesson.extractor})"
    for item in lesson.evidence:
        where = f"{item.transcript_path}:{item.transcript_line}" if item.transcript_path else item.event_key
        yield f"  - {item.role:<14} {item.origin.value:<6} {item.basis.value:<14} session {item.session_id or '-'}"
        yield f"      {where}"
        if item.excerpt:
            yield f"      “{_cut(item.excerpt, 110)}”"
    yield "versions    " + ", ".join(f"v{v.version} {v.status.value} ({v.recorded_at or '?'})" for v in versions)


def _where(lesson: Lesson) -> str:
    if lesson.scope.level is ScopeLevel.PROJECT:
        return lesson.scope.project or "project"
    return lesson.scope.level.value


def _cut(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- plumbing -----------------------------------------------------------------------------------


def _resolve(workspace: Workspace, lesson_id: str) -> Lesson:
    exact = workspace.store.lesson(lesson_id)
    if exact is not None:
        return exact
    matches = workspace.store.find_lessons(lesson_id)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no lesson starts with {lesson_id!r}; `reverie lessons` lists them")
    raise NotFoundError(f"{lesson_id!r} matches {len(matches)} lessons; give more of the id")


@contextmanager
def _workspace() -> Iterator[Workspace]:
    workspace = Workspace.open()
    try:
        yield workspace
    finally:
        workspace.close()
