"""Staleness: lessons the world has moved past.

* **A command that now fails.** An active project lesson that recommends a command (its stance, or a
  command in its trigger) is proposed for retirement when, in the sessions in range, that command
  failed in its project at least ``MIN_FAILURES`` times after the lesson's newest evidence and never
  ran clean after the last failure. The failing runs are the evidence, with session and line.
* **Unconfirmed over much work.** An active lesson that rests on one session, with no statement by
  the person, that ``DECAY_SESSIONS`` sessions of its project went by without confirming, is
  proposed for retirement: confidence decays with activity (docs/confidence.md) and nothing has
  confirmed it since. Days do not count: a project left alone keeps its lessons.

What counts against a lesson is what it recommends failing, never what it warns against: "use
``TEST_DATABASE_URL=... make test-integration``, not ``make test-integration``" is confirmed, not
disproved, by the plain ``make test-integration`` failing.

Lessons contradicted by newer evidence are the contradiction pass's: it supersedes them.
"""

from __future__ import annotations

from reverie.domain.changes import Change, ChangeType
from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Lesson, LessonKind, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import CommandRun, Snapshot

MIN_FAILURES = 2
DECAY_SESSIONS = 40
_RECOMMENDING = (LessonKind.FACT, LessonKind.PREFERENCE, LessonKind.PROCEDURE)


def propose(snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    runs = _runs_by_project(snapshot)
    for lesson in snapshot.active():
        if lesson.id in snapshot.changed:
            continue
        failing = _now_failing(lesson, runs.get(lesson.scope.project or "", []))
        if failing:
            changes.append(_stale_command(lesson, failing, snapshot))
        elif _decayed(lesson, snapshot):
            changes.append(_decay(lesson, snapshot))
    return changes


def recommended_commands(lesson: Lesson) -> tuple[str, ...]:
    """The commands a lesson tells the agent to run. Its trigger also names what it advises against
    (it fires when the agent is about to run that): those are left out, or the failing plain command
    that the lesson exists to prevent would count against it."""
    if lesson.kind not in _RECOMMENDING:
        return ()
    fixes = [e.excerpt for e in lesson.evidence if e.role == "fix" and e.excerpt]
    if fixes and not lesson.stance:
        # "`go test <file>` fails here; use `go test -tags=integration <file>` instead": its trigger is the
        # failing form, which it warns about; what it recommends is the fix, as it ran
        return tuple(dict.fromkeys(fixes))
    stance = lesson.stance if len(lesson.stance.split()) >= 2 else ""  # "make test", not "tabs"
    found = [c for c in lesson.trigger.commands if not _warned_against(lesson, c) and not _a_rival(lesson, c)]
    if stance and (not found or lesson.against):
        found.insert(0, stance)
    return tuple(dict.fromkeys(c for c in found if c))


def _a_rival(lesson: Lesson, command: str) -> bool:
    """A lesson that takes a side on a topic watches its rivals too: "the python package manager is `pip`"
    fires when the agent is about to run `uv` or `poetry`. A rival failing says nothing against it."""
    if not (lesson.topic and lesson.stance) or not command.split():
        return False
    return not _runs(command, lesson.stance.split()[0])


def _warned_against(lesson: Lesson, command: str) -> bool:
    if not lesson.against or _runs(lesson.stance, command):
        return False
    return _runs(lesson.against, command) or _runs(command, lesson.against)


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
    wanted = command.lower().split()  # a lesson's stance is stored lower-case
    for segment in command_line.lower().replace("&&", ";").replace("||", ";").split(";"):
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


def _decayed(lesson: Lesson, snapshot: Snapshot) -> bool:
    spoken = any(e.basis is Basis.USER_STATEMENT for e in lesson.evidence)
    idle = snapshot.idle_sessions(lesson) >= DECAY_SESSIONS
    return not spoken and len(lesson.sessions) <= 1 and bool(edits.newest(lesson)) and idle


def _decay(lesson: Lesson, snapshot: Snapshot) -> Change:
    idle = snapshot.idle_sessions(lesson)
    retired = edits.retire(lesson, f"not confirmed by the {idle} session(s) of its project since", at=snapshot.stamp)
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" rests on one session, the person never stated it, and none of the '
        f"{idle} session(s) of work in its project since {edits.newest(lesson)[:10]} confirmed it: it has decayed.",
        before=(lesson,),
        after=(retired,),
        evidence=edits.excerpts((lesson,), limit=2),
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="staleness",
        qualifier="decayed",
    )
