"""The distill pass: incremental, one transaction per session, a clear outcome for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from reverie.distill import EXTRACTORS, Extractor, distill
from reverie.distill.session_view import SessionView
from reverie.domain.lessons import LessonStatus, Observation
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day
from tests.store import raw

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model


def correction(session_id: str, start: str, text: str = "never force-push to main") -> Trace:
    return Trace(session_id, start=start).prompt("start").run("ls").prompt(text)


def test_a_second_run_reads_only_new_sessions(store: SQLiteStore) -> None:
    correction("s1", day(0)).into(store)
    first = distill(store, now=NOW)
    assert [s.session_id for s in first.sessions] == ["s1"]
    assert distill(store, now=NOW).sessions == ()
    correction("s2", day(1), "always run the linter first").into(store)
    assert [p.session_id for p in store.pending_sessions()] == ["s2"]
    third = distill(store, now=NOW)
    assert [s.session_id for s in third.sessions] == ["s2"]
    assert len(store.lessons()) == 2


def test_a_session_that_grows_is_read_again_without_duplicating_anything(store: SQLiteStore) -> None:
    trace = correction("s1", day(0)).into(store)
    distill(store, now=NOW)
    (before,) = store.lessons()
    trace.run("git status").prompt("use pnpm, not npm").into(store)  # earlier events again: known keys
    report = distill(store, now=NOW)
    assert [s.session_id for s in report.sessions] == ["s1"]
    lessons = {lesson.key: lesson for lesson in store.lessons()}
    assert len(lessons) == 2
    assert lessons[before.key].version == before.version  # nothing new about it: no new version


def test_re_reading_a_session_is_idempotent(store: SQLiteStore) -> None:
    correction("s1", day(0)).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    raw.forget_distillation(store)
    distill(store, now=NOW)
    assert store.lesson_versions(lesson.id) == [lesson]


def test_a_session_without_typed_prompts_has_a_clear_outcome(store: SQLiteStore) -> None:
    Trace("s1").run("make build", "ok").into(store)
    (outcome,) = distill(store, now=NOW).sessions
    assert "no typed prompts" in outcome.outcome and not outcome.failed


def test_a_huge_prompt_is_read_in_part_and_reported(store: SQLiteStore) -> None:
    huge = "never use tabs\n" + "lorem ipsum dolor sit amet " * 40_000
    assert len(huge) > 1_000_000
    Trace("s1").prompt("go").run("ls").prompt(huge).into(store)
    (outcome,) = distill(store, now=NOW).sessions
    assert "only its first" in outcome.outcome
    (lesson,) = store.lessons()
    assert "tabs" in lesson.statement and len(lesson.evidence[0].excerpt) <= 240


def test_a_failing_extractor_writes_nothing_for_its_session_and_is_retried(store: SQLiteStore) -> None:
    def broken(view: SessionView) -> Iterator[Observation]:
        if view.session.id == "bad":
            raise RuntimeError("boom")
        yield from ()

    extractors = (*EXTRACTORS, Extractor("broken", "fails on one session", broken))
    correction("good", day(0)).into(store)
    correction("bad", day(1), "never commit secrets").into(store)
    report = distill(store, now=NOW, extractors=extractors)
    assert [s.session_id for s in report.failures] == ["bad"]
    assert "RuntimeError: boom" in report.failures[0].outcome
    assert [lesson.sessions for lesson in store.lessons()] == [("good",)]  # nothing partial from "bad"
    assert [p.session_id for p in store.pending_sessions()] == ["bad"]
    distill(store, now=NOW)
    assert store.pending_sessions() == [] and len(store.lessons()) == 2


def test_extractors_can_be_added_through_the_registry(store: SQLiteStore) -> None:
    def shouting(view: SessionView) -> Iterator[Observation]:
        from reverie.distill.corrections import observation
        from reverie.distill.statements import parse_statements

        for prompt in view.prompts:
            if prompt.text.isupper():
                for parsed in parse_statements(prompt.text.lower(), explicit=True):
                    yield replace(observation(view, prompt, parsed), extractor="shouting")

    Trace("s1").prompt("go").run("ls").prompt("THE DEPLOY KEY LIVES IN VAULT").into(store)
    distill(store, now=NOW, extractors=(*EXTRACTORS, Extractor("shouting", "all caps", shouting)))
    (lesson,) = store.lessons()
    assert lesson.extractor == "shouting" and lesson.status is LessonStatus.ACTIVE
