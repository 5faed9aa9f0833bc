"""Misfires of compiled global lessons: a hook that keeps blocking what a person wants in one project.

A compiled hook blocks a call with a message that names its lesson (``artifacts/enforce.py``), and the
agent records that as a failed tool result. Such a block is a **misfire** when, in the same session,

* the person **overrode** it: a later command carries ``REVERIE_ALLOW=<the lesson id>`` (or ``all``),
  the documented way to get past the hook; or
* the person **corrected** it: a later statement of theirs in that session (the evidence of any live
  lesson, typed by the person, at or after the block) is about the blocked command.

A global lesson at level ``rule`` or ``hook`` that misfires in a project is proposed for **demotion**:
the global lesson retires, and a project copy takes its place in each project where it was learned
and did not misfire, so it keeps holding where it came from and stops firing where it is in the way.
The blocked calls and what answered them are the evidence. Demotion shapes behaviour: a person accepts
it in review. The pass sees only what the snapshot holds, shell calls and lessons' evidence; a block
of a file edit is not a shell run and is not seen here.
"""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Evidence, Lesson, Level, Scope, ScopeLevel, lesson_id
from reverie.dream.passes import edits
from reverie.dream.snapshot import CommandRun, Snapshot

NAME = "misfires"
ENFORCED_LEVELS = (Level.RULE, Level.HOOK)
_ALLOW = re.compile(r"""\bREVERIE_ALLOW=(?:'([^']*)'|"([^"]*)"|([^\s;&|'"]*))""")


@dataclass(frozen=True, slots=True)
class Misfire:
    """One blocked call of ``lesson`` in ``project``, and how the person answered it."""

    lesson: str
    project: str
    blocked: CommandRun
    answer: Evidence  # the overriding command, or the person's correction

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        run = self.blocked
        block = Evidence(
            run.event_key,
            run.session_id,
            Origin.TOOL,
            Basis.OBSERVED,
            "blocked",
            f"`{run.command}` -> {run.excerpt}",
            run.timestamp,
            run.transcript_path,
            run.transcript_line,
        )
        return (block, self.answer)


def propose(snapshot: Snapshot) -> list[Change]:
    enforced = {
        lesson.id: lesson
        for lesson in snapshot.active()
        if lesson.scope.level is ScopeLevel.GLOBAL
        and lesson.level in ENFORCED_LEVELS
        and lesson.id not in snapshot.changed
    }
    grouped: dict[str, list[Misfire]] = defaultdict(list)
    for found in misfires(snapshot, enforced.values()):
        grouped[found.lesson].append(found)
    return [_demote(enforced[lesson], found, snapshot) for lesson, found in sorted(grouped.items())]


def misfires(snapshot: Snapshot, lessons: Iterable[Lesson]) -> list[Misfire]:
    """Every overridden or corrected block of one of ``lessons`` in the sessions in range."""
    wanted = list(lessons)
    statements = _statements(snapshot)
    found = []
    for session in snapshot.sessions:
        if session.project is None:
            continue  # a misfire is "in a project": without one there is nowhere to demote it from
        for index, run in enumerate(session.runs):
            for lesson in wanted:
                if run.ok or not _blocked_by(run, lesson):
                    continue
                answer = _override(session.runs[index + 1 :], lesson) or _correction(
                    statements.get(session.id, ()), run, lesson
                )
                if answer is not None:
                    found.append(Misfire(lesson.id, session.project, run, answer))
    return found


def _blocked_by(run: CommandRun, lesson: Lesson) -> bool:
    """The hook's message names the lesson id (``Blocked by reverie lesson <id>: ...``)."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(lesson.id)}(?![A-Za-z0-9])", run.excerpt) is not None


def _override(later: Sequence[CommandRun], lesson: Lesson) -> Evidence | None:
    for run in later:
        for match in _ALLOW.finditer(run.command):
            value = next((group for group in match.groups() if group is not None), "")
            allowed = {item.strip() for item in value.split(",")}
            if lesson.id in allowed or "all" in allowed:
                return Evidence(
                    run.event_key,
                    run.session_id,
                    Origin.USER,
                    Basis.OBSERVED,
                    "override",
                    f"`{run.command}`",
                    run.timestamp,
                    run.transcript_path,
                    run.transcript_line,
                )
    return None


def _statements(snapshot: Snapshot) -> dict[str, list[Evidence]]:
    """What the person typed in each session in range, as the evidence of the live lessons it taught."""
    in_range = snapshot.session_ids
    found: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for lesson in snapshot.live():
        for item in lesson.evidence:
            if item.basis is Basis.USER_STATEMENT and item.session_id in in_range:
                found[item.session_id or ""][item.event_key] = item
    return {session: list(items.values()) for session, items in found.items()}


def _correction(statements: Sequence[Evidence], blocked: CommandRun, lesson: Lesson) -> Evidence | None:
    """A statement of the person's at or after the block that names the command the hook blocked."""
    programs = _programs(blocked.command, lesson.trigger.commands)
    for item in sorted(statements, key=lambda e: e.timestamp or ""):
        if (item.timestamp or "") < blocked.timestamp or item.excerpt == lesson.statement:
            continue
        said = " ".join(item.excerpt.lower().split())
        if any(program in said for program in programs):
            return replace(item, role="correction")
    return None


def _programs(command: str, patterns: Sequence[str]) -> list[str]:
    """How a person would name the blocked command: each pattern's program and first argument
    (``git push``), when the blocked command runs it."""
    names = []
    for pattern in patterns:
        try:
            words = shlex.split(pattern)
        except ValueError:
            words = pattern.split()
        plain = [word for word in words if not word.startswith("-")][:2]
        if plain and plain[0] in command:
            names.append(" ".join(plain).lower())
    return names


def _demote(wide: Lesson, found: Sequence[Misfire], snapshot: Snapshot) -> Change:
    where = sorted({misfire.project for misfire in found})
    homes = sorted(
        {project for session in wide.sessions if (project := snapshot.session_projects.get(session))} - set(where)
    )
    copies = tuple(_project_copy(wide, home) for home in homes)
    successor = copies[0].id if len(copies) == 1 else None
    retired = edits.retire(wide, f"misfires in {', '.join(where)}", at=snapshot.stamp, superseded_by=successor)
    overrides = sum(1 for misfire in found if misfire.answer.role == "override")
    how = f"{overrides} overridden, {len(found) - overrides} followed by the person's correction"
    kept = f"kept for {', '.join(homes)}, where it was learned" if homes else "no project of its own is left to keep it"
    evidence = edits.union((), (item for misfire in found for item in misfire.evidence))
    return Change(
        id="",
        type=ChangeType.DEMOTE,
        rationale=f'"{wide.statement}" is compiled as a {wide.level.value} everywhere but misfires in '
        f"{', '.join(where)}: its hook blocked {len(found)} call(s) there ({how}); {kept}.",
        before=(wide,),
        after=(retired, *copies),
        evidence=tuple(evidence),
        confidence_delta=edits.delta((wide,), (retired, *copies)),
        proposed_by=NAME,
    )


def _project_copy(wide: Lesson, project: str) -> Lesson:
    scope = Scope(level=ScopeLevel.PROJECT, project=project, agent=wide.scope.agent)
    return replace(
        wide, id=lesson_id(wide.key, scope), version=0, scope=scope, statement=f"In this project: {wide.statement}"
    )
