"""A new session costs what it brings, not what is stored: within one session's distillation each stored
lesson is read from the store (with all its evidence) at most once, however many questions about it
the merge asks (is there a global lesson on this topic, what is the lesson now, what stands against it)."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

import pytest

from reverie.distill import distill
from reverie.domain.lessons import Lesson
from reverie.store import SQLiteStore, Store
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model


class CountingStore:
    """The store, counting every lesson it hands back by id."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.read: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)
        if name not in {"lesson", "lessons_on_topic", "contenders", "lessons"}:
            return method

        def counted(*args: Any, **kwargs: Any) -> Any:
            found = method(*args, **kwargs)
            for item in found if isinstance(found, list | tuple) else [found]:
                if isinstance(item, Lesson):
                    self.read[item.id] += 1
            return found

        return counted


def said(session_id: str, start: str) -> Trace:
    return Trace(session_id, start=start).prompt("start").run("ls").prompt("never force-push to main")


def test_a_lesson_said_again_is_read_once_for_the_new_session(store: SQLiteStore) -> None:
    for number in range(4):
        said(f"s{number}", day(number)).into(store)
        distill(store, now=NOW)
    (lesson,) = store.lessons()
    said("new", day(9)).into(store)
    counting = CountingStore(store)
    (outcome,) = distill(cast(Store, counting), now=NOW).sessions
    assert outcome.session_id == "new" and [changed.id for changed in outcome.lessons] == [lesson.id]
    assert counting.read[lesson.id] == 1
    stored = store.lesson(lesson.id)
    assert stored is not None and len(stored.sessions) == 5
