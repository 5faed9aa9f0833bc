"""Staleness: lessons the world has moved past.

* **A command that now fails.** An active project lesson that recommends a command (its stance, or a
  command in its trigger) is proposed for retirement when, in the sessions in range, that command
  failed in its project at least ``MIN_FAILURES`` times after the lesson's newest evidence and never
  ran clean after the last failure. The failing runs are the evidence, with session and line.
* **Unconfirmed and old.** An active lesson that rests on one session, with no statement by the
  person, and nothing newer than ``DECAY_DAYS``, is proposed for retirement: confidence decays with
  age (docs/confidence.md) and nothing has confirmed it since.

Lessons contradicted by newer evidence are the contradiction pass's: it supersedes them.
"""

from __future__ import annotations

from datetime import timedelta

from reverie.domain.changes import Change, ChangeType
from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Lesson, LessonKind, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import CommandRun, Snapshot

MIN_FAILURES = 2
DECAY_DAYS = 90
_RECOMMENDING = (LessonKind.FACT, LessonKind.PREFERENCE, LessonKind.PROCEDURE)


def propose(snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    runs = _runs_by_project(snapshot)
    horizon = (snapshot.now - timedelta(days=DECAY_DAYS)).isoformat(timespec="seconds")
    for lesson in snapshot.active():
        if lesson.id in snapshot.changed:
            continue
        failing = _now_failing(lesson, runs.get(lesson.scope.project or "", []))
        if failing:
            changes.append(_stale_command(lesson, failing, snapshot))
        elif _decayed(lesson, horizon):
            changes.append(_decay(lesson, snapshot))
    return changes


def recommended_commands(lesson: Lesson) -> tuple[str, ...]:
    if lesson.kind not in _RECOMMENDING:
        return ()
    found = list(lesson.trigger.commands)
    if not found and len(lesson.stance.split()) >= 2:  # "make test", not "tabs"
        found.append(lesson.stance)
    return tuple(dict.fromkeys(c for c in found if c))


def _runs_by_project(snapshot: Snapshot) -> dict[str, list[CommandRun]]:
    grouped: dict[str, list[CommandRun]] = {}
    for session in snapshot.sessions:
        grouped.setdefault(session.project or "", []).extend(session.runs)
    for runs in grouped.values():
        runs.sort(key=lambda run: run.timestamp)
    return grouped


def _now_failing(lesson: Lesson, runs: list[CommandRun]) -> list[CommandRun]:
    if lesson.scope.level is not ScopeLevel.PROJECT or not runs:
        return []
    since = edits.newest(lesson)
    for command in recommended_commands(lesson):
        mine = [run for run in runs if run.timestamp > since and _runs(run.command, command)]
        failures = [run for run in mine if not run.ok]
        if len(failures) >= MIN_FAILURES and not mine[-1].ok:
            return failures
    return []


def _runs(command_line: str, command: str) -> bool:
    """``command_line`` runs ``command`` (token prefix of some segment of a compound line)."""
    wanted = command.split()
    for segment in command_line.replace("&&", ";").replace("||", ";").split(";"):
        if segment.split()[: len(wanted)] == wanted:
            return True
    return False


def _stale_command(lesson: Lesson, failures: list[CommandRun], snapshot: Snapshot) -> Change:
    last = failures[-1]
    retired = edits.retire(lesson, f"`{last.command}` now fails here", at=failures[0].timestamp or snapshot.stamp)
    evidence = tuple(
        edits.run_evidence(run, role="failure", origin=Origin.TOOL, excerpt=f"$ {run.command}  ->  {run.excerpt}")
        for run in failures[-3:]
    )
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" recommends `{last.command.split()[0]}`..., which failed {len(failures)} '
        f"time(s) in this project after the lesson was last confirmed, and has not run clean since.",
        before=(lesson,),
        after=(retired,),
        evidence=evidence,
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="staleness",
        qualifier="stale",
    )


def _decayed(lesson: Lesson, horizon: str) -> bool:
    newest = edits.newest(lesson)
    spoken = any(e.basis is Basis.USER_STATEMENT for e in lesson.evidence)
    return not spoken and len(lesson.sessions) <= 1 and bool(newest) and newest < horizon


def _decay(lesson: Lesson, snapshot: Snapshot) -> Change:
    retired = edits.retire(lesson, f"unconfirmed for over {DECAY_DAYS} days", at=snapshot.stamp)
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" rests on one session, the person never stated it, and nothing has '
        f"confirmed it since {edits.newest(lesson)[:10]}: it has decayed.",
        before=(lesson,),
        after=(retired,),
        evidence=edits.excerpts((lesson,), limit=2),
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="staleness",
        qualifier="decayed",
    )
