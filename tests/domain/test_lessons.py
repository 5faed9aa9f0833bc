"""The lesson model: identity, content hash, scope descriptions."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

from reverie.domain import Origin
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    Level,
    Scope,
    ScopeLevel,
    Trigger,
    lesson_id,
)

PROJECT = Scope(ScopeLevel.PROJECT, project="github.com/acme/app")
EVIDENCE = Evidence("s1:prompt:3", "s1", Origin.USER, Basis.USER_STATEMENT, "statement", "use pnpm")


def lesson(**changes: object) -> Lesson:
    base = Lesson(
        id="L1",
        key="use:pnpm|not:npm",
        statement="In this project: Use `pnpm`, not `npm`.",
        kind=LessonKind.PREFERENCE,
        scope=PROJECT,
        evidence=(EVIDENCE,),
        trigger=Trigger(commands=("npm",)),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_id_is_stable_for_a_key_in_a_scope() -> None:
    assert lesson_id("use:pnpm|not:npm", PROJECT) == lesson_id("use:pnpm|not:npm", PROJECT)
    assert lesson_id("use:pnpm|not:npm", PROJECT) != lesson_id("use:pnpm|not:npm", Scope(ScopeLevel.GLOBAL))
    other = Scope(ScopeLevel.PROJECT, project="github.com/acme/other")
    assert lesson_id("use:pnpm|not:npm", PROJECT) != lesson_id("use:pnpm|not:npm", other)
    assert lesson_id("k", PROJECT).startswith("L")


def test_the_content_hash_binds_meaning_not_evidence_or_confidence() -> None:
    original = lesson()
    assert original.content_hash == lesson(evidence=(EVIDENCE, EVIDENCE), confidence=Confidence(0.9)).content_hash
    assert original.content_hash != lesson(statement="Use yarn.").content_hash
    assert original.content_hash != lesson(scope=Scope(ScopeLevel.GLOBAL)).content_hash
    assert original.content_hash != lesson(level=Level.HOOK).content_hash
    assert original.content_hash != lesson(trigger=Trigger(commands=("yarn",))).content_hash
    assert len(original.content_hash) == 64


def test_lessons_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        lesson().statement = "x"  # type: ignore[misc]


def test_sessions_and_scope_descriptions() -> None:
    two = lesson(evidence=(EVIDENCE, replace(EVIDENCE, session_id="s2"), replace(EVIDENCE, session_id=None)))
    assert two.sessions == ("s1", "s2")
    assert PROJECT.describe() == "project github.com/acme/app"
    assert Scope(ScopeLevel.GLOBAL, agent="codex").describe() == "all projects, codex only"
    assert Trigger().is_empty() and not Trigger(keywords=("x",)).is_empty()
