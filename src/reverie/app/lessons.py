"""Lessons as use cases: distill (with or without a model), remember and forget.

Each one that changes what is active ends with ``lessons_changed``. ``remember`` and ``forget`` asked
from inside an agent session change nothing: they become agent proposals (``app.proposals``) for a
person to decide on, and the attempt is audited either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reverie.app.authority import audit
from reverie.app.models import ModelRun
from reverie.app.proposals import propose_forget, propose_lesson
from reverie.app.recall import lessons_changed
from reverie.distill import EXTRACTORS, DistillReport, distill, forget, remember
from reverie.distill.lock import single_flight
from reverie.domain import timeline
from reverie.domain.lessons import Lesson, ScopeLevel
from reverie.domain.timeline import Period
from reverie.review.actor import Actor
from reverie.store.recall_index import ProposalRow
from reverie.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Written:
    """What ``remember`` / ``forget`` did: lessons written by a person, or a proposal by an agent."""

    lessons: Sequence[Lesson] = ()
    proposal: ProposalRow | None = None


def distill_with(
    workspace: Workspace, model_run: ModelRun, progress: Callable[[int, int], None] | None = None
) -> DistillReport | None:
    """Distill the new sessions, with the model the run chose (its extractors added, or as the
    reader); None when another distill holds the lock."""
    with single_flight(workspace.home / "distill.lock") as ours:
        if not ours:
            return None
        if model_run.extractors:
            extra = model_run.extractors
            chosen = extra if model_run.replaces else (*EXTRACTORS, *extra)
            report = distill(workspace.store, extractors=chosen, progress=progress)
        else:
            report = distill(workspace.store, progress=progress)
        model_run.finish()
        lessons_changed(workspace)
        return report


def distill_quietly(workspace: Workspace) -> DistillReport | None:
    """The offline distill that runs by itself after a session ends; None when another one is running."""
    return distill_with(workspace, ModelRun.off())


def forget_lesson(workspace: Workspace, lesson: Lesson, reason: str, *, actor: Actor, command: str) -> Written:
    if actor.is_agent:
        proposal = propose_forget(workspace, lesson.id, reason, actor=actor, via="cli", command=command)
        return Written(proposal=proposal)
    tombstone = forget(workspace.store, lesson.id, reason)
    audit(workspace, "forget", actor, f"{lesson.id}: {reason[:200]}", command=command)
    lessons_changed(workspace)
    return Written(lessons=(tombstone,))


def remember_text(
    workspace: Workspace, text: str, *, scope: ScopeLevel | None, project: str | None, actor: Actor, command: str
) -> Written:
    if actor.is_agent:
        where = (scope or ScopeLevel.PROJECT).value
        proposal = propose_lesson(
            workspace, text, scope=where, project=project, actor=actor, via="cli", command=command
        )
        return Written(proposal=proposal)
    written = remember(workspace.store, text, scope=scope, project=project)
    audit(workspace, "remember", actor, ", ".join(lesson.id for lesson in written), command=command)
    lessons_changed(workspace)
    return Written(lessons=tuple(written))


def learned_over_time(workspace: Workspace, *, project: str | None = None, by: str = "week") -> list[Period]:
    """Lessons added, activated and retired per week or month, and those standing at each period's
    end (``domain.timeline``); ``project`` keeps the lessons scoped to that project."""
    chosen = [lesson for lesson in workspace.store.lessons() if project is None or lesson.scope.project == project]
    return timeline.periods((workspace.store.lesson_versions(lesson.id) for lesson in chosen), by=by)
