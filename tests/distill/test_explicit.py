"""``remember`` and ``forget``: the person's own edits to the memory."""

from __future__ import annotations

import pytest

from reverie.distill import distill, forget, remember
from reverie.domain import Origin
from reverie.domain.lessons import Basis, LessonStatus, ScopeLevel
from reverie.errors import InputError, NotFoundError
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import PROJECT, Trace

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

KEY = PROJECT.key


def test_remember_writes_an_active_user_lesson(store: SQLiteStore) -> None:
    (lesson,) = remember(store, "use make check, not pytest", project=KEY, now=NOW)
    assert lesson.statement == "In this project: Use `make check`, not `pytest`."
    assert lesson.status is LessonStatus.ACTIVE and lesson.scope.project == KEY
    (evidence,) = lesson.evidence
    assert evidence.origin is Origin.USER and evidence.basis is Basis.USER_STATEMENT
    assert evidence.excerpt == "use make check, not pytest"


def test_remember_and_a_correction_of_the_same_thing_are_one_lesson(store: SQLiteStore) -> None:
    (remembered,) = remember(store, "use make check, not pytest", project=KEY, now=NOW)
    Trace("s1").prompt("test").run("ls").prompt("no, use `make check`, not `pytest`").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.id == remembered.id and len(lesson.evidence) == 2


def test_remember_globally_and_one_off(store: SQLiteStore) -> None:
    (everywhere,) = remember(store, "never commit .env files", scope=ScopeLevel.GLOBAL, now=NOW)
    assert everywhere.scope.level is ScopeLevel.GLOBAL and everywhere.statement == "Never commit .env files."
    (once,) = remember(store, "skip the slow tests just this once", project=KEY, now=NOW)
    assert not once.durable and once.status is LessonStatus.CANDIDATE and once.valid_to


def test_remember_refuses_nothing_and_a_project_lesson_without_a_project(store: SQLiteStore) -> None:
    with pytest.raises(InputError):
        remember(store, "   ", project=KEY, now=NOW)
    with pytest.raises(InputError):
        remember(store, "should we use pnpm?", project=KEY, now=NOW)
    with pytest.raises(InputError, match="needs a project"):
        remember(store, "use pnpm", now=NOW)
    assert store.lessons() == []


def test_forget_writes_a_tombstone_and_keeps_history_and_evidence(store: SQLiteStore) -> None:
    Trace("s1").prompt("go").run("ls").prompt("never force-push").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    tombstone = forget(store, lesson.id, "we force-push feature branches all the time", now=NOW)
    assert tombstone.status is LessonStatus.RETIRED and tombstone.forgotten_reason
    assert tombstone.valid_to == NOW.isoformat(timespec="seconds")
    assert [v.status for v in store.lesson_versions(lesson.id)] == [LessonStatus.ACTIVE, LessonStatus.RETIRED]
    assert tombstone.evidence == lesson.evidence
    assert len(store.events("s1")) == 4  # the trace is untouched
    assert store.lessons(statuses=[LessonStatus.ACTIVE]) == []


def test_a_forgotten_lesson_is_not_relearned(store: SQLiteStore) -> None:
    Trace("s1").prompt("go").run("ls").prompt("never force-push").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    forget(store, lesson.id, "wrong", now=NOW)
    Trace("s2", start="2026-03-05T10:00:00+00:00").prompt("go").run("ls").prompt("never force-push").into(store)
    distill(store, now=NOW)
    (current,) = store.lessons(statuses=[LessonStatus.RETIRED])
    assert current.forgotten_reason == "wrong" and current.version == 2


def test_forget_needs_a_known_lesson_and_a_reason(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        forget(store, "Lnope", "because", now=NOW)
    (lesson,) = remember(store, "use pnpm, not npm", project=KEY, now=NOW)
    with pytest.raises(InputError):
        forget(store, lesson.id, "  ", now=NOW)
