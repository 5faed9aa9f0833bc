"""Staleness, continued: lessons about a file or folder that the project has since removed.

A lesson whose trigger names paths ("do not edit `src/generated/`") loses its object when the path is
deleted or moved away. The dream has no view of anyone's checkout (a worktree may be gone, and a
pass must stay a pure function of its snapshot), so it reads the removal from the trace: a command
that ran clean in the lesson's project after the lesson's newest evidence and removed or moved every
path the lesson is about (``rm``, ``git rm``, ``mv``, ``git mv``). The removing commands are the
evidence; a person decides, since a folder can come back (``make codegen`` regenerates it).
"""

from __future__ import annotations

import fnmatch
import shlex

from reverie.domain.changes import Change, ChangeType
from reverie.domain.events import Origin
from reverie.domain.lessons import Lesson, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import CommandRun, Snapshot

_REMOVERS = {("rm",): 1, ("git", "rm"): 2, ("mv",): 1, ("git", "mv"): 2}


def propose(snapshot: Snapshot) -> list[Change]:
    removals = _removals_by_project(snapshot)
    changes = []
    for lesson in snapshot.active():
        if lesson.id in snapshot.changed or lesson.scope.level is not ScopeLevel.PROJECT or not lesson.trigger.paths:
            continue
        since = edits.newest(lesson)
        runs = [(run, paths) for run, paths in removals.get(lesson.scope.project or "", []) if run.timestamp > since]
        if runs and all(_removed(pattern, runs) for pattern in lesson.trigger.paths):
            changes.append(_gone(lesson, [run for run, paths in runs if _covers(lesson, paths)], snapshot))
    return changes


def removed_paths(command_line: str) -> list[str]:
    """The paths a clean run of ``command_line`` removed or moved away (its sources, not a destination)."""
    found: list[str] = []
    for segment in command_line.replace("&&", ";").replace("||", ";").split(";"):
        try:
            words = shlex.split(segment)
        except ValueError:
            continue
        for prefix, skip in _REMOVERS.items():
            if tuple(words[:skip]) == prefix:
                operands = [w for w in words[skip:] if not w.startswith("-")]
                found += operands[:-1] if prefix[-1] == "mv" else operands
    return [path.removeprefix("./").rstrip("/") for path in found if path]


def _removals_by_project(snapshot: Snapshot) -> dict[str, list[tuple[CommandRun, list[str]]]]:
    grouped: dict[str, list[tuple[CommandRun, list[str]]]] = {}
    for session in snapshot.sessions:
        for run in session.runs:
            paths = removed_paths(run.command) if run.ok else []
            if paths:
                grouped.setdefault(session.project or "", []).append((run, paths))
    return grouped


def _removed(pattern: str, runs: list[tuple[CommandRun, list[str]]]) -> bool:
    """A removed path is the glob's folder itself, or a file the glob names."""
    folder = pattern.removesuffix("/**").removeprefix("**/")
    return any(_matches(path, pattern, folder) for _, paths in runs for path in paths)


def _matches(path: str, pattern: str, folder: str) -> bool:
    return path == folder or path.endswith("/" + folder) or fnmatch.fnmatch(path, pattern)


def _covers(lesson: Lesson, paths: list[str]) -> bool:
    return any(_removed(pattern, [(CommandRun("", True, "", "", ""), paths)]) for pattern in lesson.trigger.paths)


def _gone(lesson: Lesson, runs: list[CommandRun], snapshot: Snapshot) -> Change:
    last = runs[-1]
    retired = edits.retire(lesson, f"`{last.command}` removed what it is about", at=last.timestamp or snapshot.stamp)
    evidence = tuple(
        edits.run_evidence(run, role="removal", origin=Origin.AGENT, excerpt=f"$ {run.command}") for run in runs[-3:]
    )
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" is about {", ".join(f"`{p}`" for p in lesson.trigger.paths)}, which '
        f"`{last.command}` removed in this project after the lesson was last confirmed. If it comes back, so can "
        "the lesson.",
        before=(lesson,),
        after=(retired,),
        evidence=evidence,
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="staleness",
        qualifier="gone",
    )
