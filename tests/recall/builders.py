"""Lessons for recall tests, written through the real store, and the recall index built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from reverie.domain.events import Origin
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Scope,
    ScopeLevel,
    Trigger,
    lesson_id,
)
from reverie.recall.index import refresh_index
from reverie.store import LessonBatch
from reverie.workspace import Workspace

PROJECT = "github.com/acme/shop"
OTHER_PROJECT = "github.com/acme/blog"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def lesson(
    key: str,
    statement: str,
    *,
    project: str | None = PROJECT,
    scope: ScopeLevel | None = None,
    session: str | None = None,
    agent: str | None = None,
    kind: LessonKind = LessonKind.PREFERENCE,
    status: LessonStatus = LessonStatus.ACTIVE,
    confidence: float = 0.8,
    commands: Sequence[str] = (),
    paths: Sequence[str] = (),
    tools: Sequence[str] = (),
    keywords: Sequence[str] = (),
    stance: str = "",
    topic: str = "",
    age_days: float = 1.0,
    valid_to: str | None = None,
) -> Lesson:
    level = scope or (ScopeLevel.SESSION if session else ScopeLevel.PROJECT if project else ScopeLevel.GLOBAL)
    where = Scope(
        level=level, project=project if level is not ScopeLevel.GLOBAL else None, agent=agent, session=session
    )
    stamp = (NOW - timedelta(days=age_days)).isoformat()
    evidence = Evidence(
        event_key=f"event:{key}",
        session_id=session or "s-earlier",
        origin=Origin.USER,
        basis=Basis.USER_STATEMENT,
        role="statement",
        excerpt=statement,
        timestamp=stamp,
    )
    return Lesson(
        id=lesson_id(key, where),
        key=key,
        statement=statement,
        kind=kind,
        scope=where,
        evidence=(evidence,),
        trigger=Trigger(tools=tuple(tools), commands=tuple(commands), paths=tuple(paths), keywords=tuple(keywords)),
        confidence=Confidence(value=confidence, sessions=1, user_statements=1),
        status=status,
        stance=stance,
        topic=topic,
        valid_to=valid_to,
        recorded_at=stamp,
    )


def store_lessons(workspace: Workspace, lessons: Sequence[Lesson], *, refresh: bool = True) -> list[Lesson]:
    """Write each lesson as the next version of its id, then rebuild the recall index."""
    written = []
    for item in lessons:
        current = workspace.store.lesson(item.id)
        version = replace(item, version=current.version + 1) if current else item
        workspace.store.write_lessons(LessonBatch(lessons=[version]))
        written.append(version)
    if refresh:
        refresh_index(workspace, now=NOW)
    return written


PNPM = lesson(
    "use:pnpm|not:npm",
    "In this project: Use `pnpm`, not `npm` (`npm` fails here: lockfile is pnpm-lock.yaml).",
    commands=("npm",),
    tools=("Bash",),
    stance="pnpm",
    topic="choice:npm|pnpm",
    confidence=0.82,
)
TESTS = lesson(
    "fact:test:make check",
    "In this project: run the tests with `make check`.",
    kind=LessonKind.FACT,
    tools=("Bash",),
    keywords=("test",),
    confidence=0.7,
)
MIGRATIONS = lesson(
    "rule:migrations",
    "Never edit the generated files under migrations/; write a new migration instead.",
    kind=LessonKind.RULE,
    paths=("migrations/**",),
    confidence=0.76,
)
PYTHON3 = lesson(
    "use:python3|not:python",
    "Use `python3`, not `python`.",
    project=None,
    commands=("python",),
    stance="python3",
    confidence=0.77,
)
STYLE = lesson(
    "say:functions short",
    "In this project: keep functions under forty lines.",
    kind=LessonKind.RULE,
    keywords=("function",),
    confidence=0.75,
)
BLOG_YARN = lesson(
    "use:yarn|not:npm",
    "In this project: Use `yarn`, not `npm`.",
    project=OTHER_PROJECT,
    commands=("npm",),
    stance="yarn",
    confidence=0.9,
)
