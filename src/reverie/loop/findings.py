"""What one run's trace shows, read from the store after the run was captured and distilled.

The ledger is kept from these findings, not from the agent's closing message: which commands
failed (with the line of output that says why, and where in the transcript), which ran clean, and
which ``failed_approach`` / ``hazard`` lessons distill drew from the loop's sessions. Everything is
read through ``distill.session_view``, so context that reverie injected (the ledger summary at the
top of each prompt included) is never mistaken for something the run did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from reverie.distill import commands, signatures
from reverie.distill.session_view import Action, SessionView
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus
from reverie.store import Store

EXCERPT_CHARS = 200
MAX_EDITED_FILES = 20
_PATCHED_FILE = re.compile(r"^\*\*\* (?:Update|Add|Delete) File: (?P<path>.+?)\s*$", re.M)  # Codex apply_patch
LESSON_KINDS = (LessonKind.FAILED_APPROACH, LessonKind.HAZARD)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed tool call of the run."""

    subject: str  # the invocation (``npm run build --legacy``) or the tool's name
    command: str  # as typed, shortened
    signature: str  # the normalised error
    why: str  # the telling line of its output
    line: int | None  # in the run's transcript

    @property
    def key(self) -> str:
        return f"{self.subject}|{self.signature}"


@dataclass(frozen=True, slots=True)
class RunFindings:
    session_id: str | None
    project: str | None
    failures: tuple[Failure, ...] = ()  # every failed call, in order
    worked: frozenset[str] = frozenset()  # invocations that ran clean at some point of the run
    lessons: tuple[Lesson, ...] = ()
    edited: tuple[str, ...] = ()  # files the run's edit tools changed, relative to its folder when inside it

    @property
    def dead_ends(self) -> tuple[Failure, ...]:
        """Failures whose invocation never ran clean later in the run: approaches given up."""
        return tuple(failure for failure in self.failures if failure.subject not in self.worked)


def read_run(store: Store, session_id: str | None, loop_sessions: Iterable[str]) -> RunFindings:
    """The findings of one session (empty when it was not captured: the check still scores the run)."""
    session = store.session(session_id) if session_id else None
    if session is None:
        return RunFindings(session_id=session_id, project=None)
    view = SessionView.build(session, store.events(session.id))
    failures: list[Failure] = []
    worked: set[str] = set()
    edited: dict[str, None] = {}
    for action in view.actions:
        if action.call.sidechain:
            continue
        if action.is_edit and not action.failed and not action.declined:
            edited.update(dict.fromkeys(_edited_paths(action, session.cwd)))
        if action.failed:
            failures.append(_failure(action))
        elif action.ok and action.command:
            worked.update(_invocations(action.command))
    return RunFindings(
        session_id=session.id,
        project=view.project,
        failures=tuple(failures),
        worked=frozenset(worked),
        lessons=loop_lessons(store, view.project, {*loop_sessions, session.id}),
        edited=tuple(edited)[:MAX_EDITED_FILES],
    )


def loop_lessons(store: Store, project: str | None, sessions: set[str]) -> tuple[Lesson, ...]:
    """Failed-approach and hazard lessons with evidence in the loop's own sessions."""
    kept = [LessonStatus.ACTIVE, LessonStatus.CANDIDATE]
    return tuple(
        lesson
        for lesson in store.lessons(project=project, statuses=kept)
        if lesson.kind in LESSON_KINDS and sessions.intersection(lesson.sessions)
    )


def _failure(action: Action) -> Failure:
    if action.command:
        subject = commands.invocation(action.command) or action.command.strip()
        shown = action.command.strip()
    else:
        subject = shown = action.call.tool_name or "tool"
    output = action.output
    return Failure(
        subject=subject[:EXCERPT_CHARS],
        command=_short(shown),
        signature=signatures.signature(output) or "failed without output",
        why=_short(signatures.telling_line(output)) or "failed without output",
        line=action.call.transcript_line or (action.result.transcript_line if action.result else None),
    )


def _edited_paths(action: Action, cwd: str | None) -> list[str]:
    """The files one edit call changed: its path arguments, or the files an ``apply_patch`` names."""
    paths = list(action.paths)
    patch = (action.call.tool_input or {}).get("input")
    if isinstance(patch, str):
        paths += [match["path"] for match in _PATCHED_FILE.finditer(patch)]
    return [_relative(path, cwd) for path in paths]


def _relative(path: str, cwd: str | None) -> str:
    if cwd and PurePath(path).is_absolute():
        try:
            return str(PurePath(path).relative_to(cwd))
        except ValueError:
            return path
    return path


def _invocations(command: str) -> set[str]:
    """Every command a clean command line ran: all of ``a && b`` succeeded, not only ``a``."""
    parts = {commands.render([part[0], *commands.generalise(part)[1:]]) for part in commands.segments(command) if part}
    return {commands.invocation(command), *parts}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
