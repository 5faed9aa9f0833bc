"""The person's own edits to the memory: ``remember`` a lesson, ``forget`` one.

``remember`` parses the text with the same statement parser as typed corrections, so "use make
check, not pytest" becomes the same lesson (same key) that a correction in a session would have
formed, and both strengthen each other. It is an explicit user statement: active at once, unless
the reading model reads it as bounded to now ("skip the slow tests this time" stays a candidate
that expires tonight).

``forget`` writes a tombstone: a retired version with the reason. Earlier versions, the evidence
and the trace all stay; distillation never revives a forgotten lesson.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from reverie.capture.redact import redact_text
from reverie.distill.merge import Ledger
from reverie.distill.statements import ParsedStatement, Strength, parse_statements
from reverie.distill.triggers import trigger_from
from reverie.domain.events import Origin
from reverie.domain.lessons import (
    Basis,
    Evidence,
    Lesson,
    LessonStatus,
    Level,
    Observation,
    Scope,
    ScopeLevel,
)
from reverie.errors import InputError, NotFoundError
from reverie.store import Store

EXTRACTOR_NAME = "remember"


def remember(
    store: Store,
    text: str,
    *,
    scope: ScopeLevel | None = None,
    project: str | None = None,
    agent: str | None = None,
    now: datetime | None = None,
) -> list[Lesson]:
    """Store what the person asked to remember; returns the lessons as written."""
    moment = now or datetime.now(UTC)
    # Redacted before it is parsed: a statement cut out of its context (the closing tag of a private
    # span, the key of a JSON pair) no longer shows the store's gate that it held a secret.
    text = redact_text(text)
    parsed = parse_statements(text, explicit=True)
    if not parsed:
        raise InputError('nothing to remember: give a statement such as "use make check, not pytest"')
    ledger = Ledger(store=store, now=moment)
    for statement in parsed:
        ledger.fold(_observation(text, statement, _scope(statement, scope, project, agent), moment))
    batch = ledger.batch()
    store.write_lessons(batch)
    return list(batch.lessons)


def _scope(statement: ParsedStatement, requested: ScopeLevel | None, project: str | None, agent: str | None) -> Scope:
    level = requested or statement.scope
    if level is ScopeLevel.SESSION:
        level = ScopeLevel.PROJECT if project else ScopeLevel.GLOBAL
    if level is ScopeLevel.PROJECT and project is None:
        raise InputError(
            "a project lesson needs a project: run it inside the project, pass --project, or --scope global"
        )
    return Scope(level=level, project=project if level is ScopeLevel.PROJECT else None, agent=agent)


def _observation(text: str, statement: ParsedStatement, scope: Scope, moment: datetime) -> Observation:
    stamp = moment.isoformat(timespec="seconds")
    digest = hashlib.sha256(f"{stamp}\x1f{text}".encode()).hexdigest()[:16]
    one_off = statement.strength is Strength.ONE_OFF
    wording = statement.statement
    if scope.level is ScopeLevel.GLOBAL:
        wording = wording.removeprefix("In this project: ")
    return Observation(
        key=statement.key,
        kind=statement.kind,
        statement=wording,
        scope=scope,
        evidence=(
            Evidence(
                event_key=f"remember:{digest}",
                session_id=None,
                origin=Origin.USER,
                basis=Basis.USER_STATEMENT,
                role="statement",
                excerpt=" ".join(text.split())[:240],
                timestamp=stamp,
            ),
        ),
        extractor=EXTRACTOR_NAME,
        trigger=trigger_from(statement.code, statement.keywords),
        durable=not one_off,
        explicit=True,
        topic=statement.topic,
        stance=statement.stance,
        against=statement.against,
        max_status=LessonStatus.CANDIDATE if one_off else LessonStatus.ACTIVE,
        valid_to=_end_of_day(moment) if one_off else None,
    )


def _end_of_day(moment: datetime) -> str:
    end = datetime.combine(moment.date(), time.max, tzinfo=moment.tzinfo or UTC)
    return (end - timedelta(microseconds=end.microsecond)).isoformat(timespec="seconds")


def forget(store: Store, lesson_id: str, reason: str, *, now: datetime | None = None) -> Lesson:
    """Retire a lesson with the person's reason: a tombstone version. Returns it."""
    if not reason.strip():
        raise InputError("say why: --reason is required")
    current = store.lesson(lesson_id)
    if current is None:
        raise NotFoundError(f"no lesson {lesson_id!r}; `reverie lessons` lists them")
    if current.forgotten_reason is not None:
        return current
    moment = now or datetime.now(UTC)
    ledger = Ledger(store=store, now=moment)
    ledger.put(
        replace(
            current,
            status=LessonStatus.RETIRED,
            level=Level.MEMORY,
            forgotten_reason=reason.strip(),
            valid_to=moment.isoformat(timespec="seconds"),
        )
    )
    (tombstone,) = ledger.changes()
    store.write_lessons(ledger.batch())
    return tombstone
