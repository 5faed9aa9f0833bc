"""Property: after any sequence of lesson writes and accepted dreams, no two contradictory lessons are
both active (issue 5, item 7)."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reverie.domain.lessons import Basis, Lesson
from reverie.dream import DreamRequest, run_dream, wording
from reverie.dream.passes.contradictions import contradicts
from reverie.review import accept, discard
from reverie.review.actor import Actor
from reverie.review.policy import Policy
from reverie.store import SQLiteStore
from tests.dream.factory import APP, NOW, WEB, active, choice, make, put

VALUES = ("npm", "pnpm", "yarn")
PERSON = Actor(name="ada")

write = st.tuples(
    st.just("write"),
    st.sampled_from(VALUES),
    st.sampled_from((APP, WEB, None)),
    st.integers(min_value=1, max_value=28),  # day of February: equal days make unordered pairs
    st.sampled_from((Basis.USER_STATEMENT, Basis.OBSERVED, Basis.AGENT_CLAIM)),
    st.booleans(),  # a free statement with a polarity instead of a choice
)
dream = st.tuples(st.sampled_from(("accept", "discard")))


def lesson_for(op: tuple[object, ...], counter: int) -> Lesson:
    _, value, project, day, basis, free = op
    when = f"2026-02-{day:02d}T10:00:00Z"
    session = f"s{counter}"
    if free:
        verb = "Always" if value == "pnpm" else "Never"
        return make(
            f"{verb} squash merge commits.",
            key=f"say:{verb}",
            project=project,
            when=when,  # type: ignore[arg-type]
            sessions=(session,),
            basis=basis,
        )  # type: ignore[arg-type]
    other = next(v for v in VALUES if v != value)
    return choice(str(value), other, project=project, when=when, sessions=(session,), basis=basis)  # type: ignore[arg-type]


def contradictory_active_pairs(store: SQLiteStore) -> list[tuple[str, str]]:
    lessons = active(store)
    return [
        (a.id, b.id)
        for a, b in itertools.combinations(lessons, 2)
        if a.scope == b.scope and contradicts(a, b, wording.read(a), wording.read(b))
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(write, dream), min_size=1, max_size=14))
def test_contradictory_lessons_are_never_both_active_after_an_accepted_dream(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as home:
        store = SQLiteStore(":memory:")
        for counter, op in enumerate([*ops, ("accept",)]):
            if op[0] == "write":
                put(store, lesson_for(op, counter))
                continue
            record = run_dream(store, Path(home), DreamRequest(now=NOW, wait=0))
            assert record.status == "completed", record.error
            if op[0] == "discard":
                discard(store, record.id, actor=PERSON, command="t")
                continue
            approved = {item.change.id: item.change.content_hash for item in store.dream_changes(record.id)}
            done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved=approved)
            assert not done.refused, done.refused
            assert contradictory_active_pairs(store) == []
        store.close()
