"""Lessons and stores for dream and review tests: written through the store's public API."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Level,
    Scope,
    ScopeLevel,
    Trigger,
    lesson_id,
)
from reverie.domain.sessions import Project
from reverie.store import Batch, LessonBatch, Store

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
APP = "github.com/acme/app"
WEB = "github.com/acme/web"


def scope(project: str | None = APP) -> Scope:
    return Scope(ScopeLevel.PROJECT, project=project) if project else Scope(ScopeLevel.GLOBAL)


def evidence(session: str, when: str, text: str = "", basis: Basis = Basis.USER_STATEMENT, line: int = 3) -> Evidence:
    key = "ev:" + hashlib.sha256(f"{session}{when}{text}{basis}".encode()).hexdigest()[:12]
    origin = {Basis.USER_STATEMENT: Origin.USER, Basis.OBSERVED: Origin.TOOL, Basis.AGENT_CLAIM: Origin.AGENT}.get(
        basis, Origin.TOOL
    )
    role = "statement" if basis is Basis.USER_STATEMENT else "fix"
    return Evidence(key, session, origin, basis, role, text, when, f"/t/{session}.jsonl", line)


def make(
    statement: str,
    *,
    key: str | None = None,
    project: str | None = APP,
    when: str = "2026-03-01T10:00:00Z",
    sessions: Sequence[str] = ("s1",),
    basis: Basis = Basis.USER_STATEMENT,
    status: LessonStatus = LessonStatus.ACTIVE,
    **fields: object,
) -> Lesson:
    where = scope(project)
    identity = key or "say:" + statement.lower()
    base = Lesson(
        id=lesson_id(identity, where),
        key=identity,
        statement=statement,
        kind=LessonKind.PREFERENCE,
        scope=where,
        evidence=tuple(evidence(s, when, statement, basis) for s in sessions),
        version=1,
        confidence=Confidence(0.76, sessions=len(sessions), user_statements=1),
        status=status,
        level=Level.INSTINCT if status is LessonStatus.ACTIVE else Level.MEMORY,
        valid_from=when,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def run_tests_fact(command: str, **fields: object) -> Lesson:
    """An observed fact: "run the tests with `<command>`" (topic ``command:test``)."""
    return make(
        f"In this project: run the tests with `{command}`.",
        key=f"fact:test:{command}",
        kind=LessonKind.FACT,
        topic="command:test",
        stance=command,
        basis=Basis.OBSERVED,
        **fields,
    )


def choice(use: str, instead: str, **fields: object) -> Lesson:
    return make(
        f"Use `{use}`, not `{instead}`.",
        key=f"use:{use}|not:{instead}",
        topic="choice:" + "|".join(sorted((use, instead))),
        stance=use,
        against=instead,
        trigger=Trigger(commands=(instead,)),
        **fields,
    )


def put(store: Store, *lessons: Lesson) -> list[Lesson]:
    """Write lessons as their next version at the head (as distill does)."""
    written = []
    for lesson in lessons:
        current = store.lesson(lesson.id)
        written.append(replace(lesson, version=(current.version if current else 0) + 1))
    store.write_lessons(LessonBatch(lessons=written))
    return written


def session_with_runs(store: Store, session_id: str, runs: Sequence[tuple[str, bool, str]], project: str = APP) -> None:
    """A session whose shell commands ran as given: (command, ok, timestamp)."""
    events = []
    for number, (command, ok, when) in enumerate(runs):
        call_id = f"{session_id}-t{number}"
        events.append(
            Event(
                f"{call_id}:call",
                session_id,
                EventKind.TOOL_CALL,
                Origin.AGENT,
                Source.TRANSCRIPT,
                when,
                tool_name="Bash",
                tool_use_id=call_id,
                tool_input={"command": command},
                transcript_line=2 * number + 1,
            )
        )
        events.append(
            Event(
                f"{call_id}:result",
                session_id,
                EventKind.TOOL_RESULT,
                Origin.TOOL,
                Source.TRANSCRIPT,
                when,
                text="ok" if ok else "error: command failed",
                tool_use_id=call_id,
                is_error=not ok,
                transcript_line=2 * number + 2,
            )
        )
    session = Session(
        id=session_id,
        agent="claude-code",
        project=Project(key=project, name=project),
        started_at=runs[0][2] if runs else None,
    )
    store.write(Batch(events=events, sessions=[session]))


def busy(store: Store, count: int, *, start: str, project: str = APP, prefix: str = "w") -> list[str]:
    """``count`` sessions of work in ``project``, one a day from ``start`` (a date): activity that ages lessons."""
    first = datetime.fromisoformat(start).replace(tzinfo=UTC)
    sessions = [
        Session(
            id=f"{prefix}{n}",
            agent="claude-code",
            project=Project(key=project, name=project),
            started_at=(first + timedelta(days=n)).isoformat().replace("+00:00", "Z"),
        )
        for n in range(count)
    ]
    store.write(Batch(sessions=sessions))
    return [session.id for session in sessions]


def active(store: Store) -> list[Lesson]:
    return list(store.lessons(statuses=[LessonStatus.ACTIVE]))
