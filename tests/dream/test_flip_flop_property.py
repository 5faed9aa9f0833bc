"""Property: distill respects a dream's decision (issue 13, item 1). Across any sequence of new
sessions, late-imported old sessions and accepted dreams, a lesson that an accepted dream retired
is brought back by distill only with evidence newer than its retirement, and then says so; evidence
from before (a backfill, a session read again) never undoes the decision, so dream -> distill ->
dream cannot flip it back and forth."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reverie.distill import distill
from reverie.domain.lessons import Lesson, LessonStatus
from reverie.dream import DreamRequest, run_dream
from reverie.review import accept
from reverie.review.actor import Actor
from reverie.review.policy import Policy
from reverie.store import SQLiteStore
from tests.distill.trace import Trace

PERSON = Actor(name="ada")
ORIGIN = datetime.fromisoformat("2025-01-06T09:00:00+00:00")
SAID = (
    "use pnpm, not npm",
    "use npm, not pnpm",
    "don't add docstrings to tests",
    "In this repo, always single quotes.",
    "use double quotes, not single quotes",
)
FIX = ("python gen.py", "python3 gen.py")  # a command fix, observed
KEEP_OUT = {"promote", "demote", "evolve"}  # a person's call, as in the eval's review policy

new = st.tuples(st.just("new"), st.integers(min_value=0, max_value=len(SAID)))
old = st.tuples(st.just("old"), st.integers(min_value=0, max_value=len(SAID)))
quiet = st.tuples(st.just("work"), st.integers(min_value=1, max_value=25))
dream = st.tuples(st.just("dream"), st.just(0))


def session(store: SQLiteStore, name: str, when: datetime, choice: int) -> None:
    trace = Trace(name, start=when.isoformat()).prompt("carry on").run("ls", "ok")
    if choice == len(SAID):
        trace.fail(FIX[0], "bash: python: command not found").run(FIX[1], "ok")
    else:
        trace.prompt(SAID[choice])
    trace.into(store)


def states(store: SQLiteStore) -> dict[str, Lesson]:
    return {lesson.id: lesson for lesson in store.lessons(statuses=list(LessonStatus))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(new, old, quiet, dream), min_size=2, max_size=16))
@example(
    [("new", 2), ("work", 25), ("dream", 0), ("old", 2), ("dream", 0), ("new", 2)]
)  # retired, backfilled, said again
def test_a_dream_retirement_is_undone_only_by_newer_evidence(ops: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as home:
        store = SQLiteStore(Path(home) / "store.db")
        late = ORIGIN + timedelta(days=400)  # new sessions run forward from here
        early = ORIGIN  # late imports of old transcripts run forward from here, always before
        retired_by_dream: dict[str, str] = {}  # lesson id -> the end of its validity
        for number, (kind, choice) in enumerate([*ops, ("dream", 0)]):
            before = states(store)
            if kind == "dream":
                record = run_dream(store, Path(home), DreamRequest(now=late, wait=0))
                assert record.status == "completed", record.error
                chosen = {
                    i.change.id: i.change.content_hash
                    for i in store.dream_changes(record.id)
                    if i.change.type.value not in KEEP_OUT
                }
                if chosen:
                    accept(
                        store, record.id, actor=PERSON, policy=Policy(), command="t", only=list(chosen), approved=chosen
                    )
                for lesson in states(store).values():
                    if (
                        lesson.status is LessonStatus.RETIRED
                        and before.get(lesson.id, lesson).status is not lesson.status
                    ):
                        retired_by_dream[lesson.id] = lesson.valid_to or ""
                continue
            if kind == "work":
                for n in range(choice):
                    late += timedelta(hours=6)
                    Trace(f"w{number}-{n}", start=late.isoformat()).prompt("work").run("ls", "ok").into(store)
            elif kind == "new":
                late += timedelta(days=1)
                session(store, f"n{number}", late, choice)
            else:
                early += timedelta(days=1)
                session(store, f"o{number}", early, choice)
            distill(store, now=late)
            for identifier, ended in retired_by_dream.items():
                after = states(store)[identifier]
                if after.status is LessonStatus.RETIRED:
                    continue
                newest = max(e.timestamp or "" for e in after.evidence)
                assert kind == "new" and newest > ended, (identifier, kind, ended, newest)
                assert after.uncertainty and "after its retirement" in after.uncertainty
            retired_by_dream = {
                i: end for i, end in retired_by_dream.items() if states(store)[i].status is LessonStatus.RETIRED
            }
        store.close()
