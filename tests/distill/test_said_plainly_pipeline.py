"""Instructions said plainly, one session each, through distill and a dream, as a person's machine runs
them: each is active after the first session it was said in, in the right scope, and survives the dream;
the tasks, questions and the one-off around them are not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from reverie.distill import distill
from reverie.domain.lessons import LessonStatus, ScopeLevel
from reverie.dream import DreamRequest, run_dream
from reverie.review import accept
from reverie.review.actor import Actor
from reverie.review.policy import Policy
from reverie.store import SQLiteStore
from tests.distill.trace import Trace, day

STANDING = {
    "hey can you set up the project? also fyi we use uv for dependencies here, not pip": "uv",
    "Please always run `make lint` before you commit anything.": "make lint",
    "the main branch is called trunk in this repo, not main": "trunk",
    "Don't edit anything under migrations/ by hand, those are generated": "migrations/",
    "ok that works. Use black for formatting please.": "black",
    "Never push directly to trunk; open a PR instead.": "push directly",
    "From now on, run the integration tests with `docker compose up -d db` first.": "docker compose",
    "Tests go in tests/unit, not next to the code.": "tests/unit",
}
GLOBAL = {"In all my projects I prefer f-strings over .format()": "f-strings"}
NOT_STANDING = [
    "for now just comment out the failing test, we'll fix it later",
    "add a health check endpoint to the api",
    "can you explain what this function does?",
]
NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_instructions_said_plainly_are_active_once_said_and_survive_a_dream(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    for number, text in enumerate([*STANDING, *GLOBAL, *NOT_STANDING]):
        Trace(f"s{number}", start=day(number)).prompt("next item").run("ls", "ok").prompt(text).into(store)
    distill(store, now=NOW)
    record = run_dream(store, tmp_path, DreamRequest(now=NOW, wait=0))
    approved = {item.change.id: item.change.content_hash for item in store.dream_changes(record.id)}
    accept(store, record.id, actor=Actor(name="person"), policy=Policy(), command="test", approved=approved)
    active = store.lessons(statuses=[LessonStatus.ACTIVE])
    for words in STANDING.values():
        found = [lesson for lesson in active if words in lesson.statement]
        assert found and all(lesson.scope.level is ScopeLevel.PROJECT for lesson in found), words
    (everywhere,) = [lesson for lesson in active if "f-strings" in lesson.statement]
    assert everywhere.scope.level is ScopeLevel.GLOBAL
    assert len(active) == len(STANDING) + len(GLOBAL)  # nothing from the task, the question or the one-off
    store.close()
