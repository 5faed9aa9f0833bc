"""Time order decides (issue 13, item 1): the newer fact or instruction supersedes the older one by
the time of its evidence, whatever order the sessions arrive in; a retirement stands until newer
evidence arrives; and what counts against a lesson is what it recommends, not what it warns against."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reverie.distill import distill
from reverie.distill.contradiction import HELD
from reverie.domain.lessons import Basis, Evidence, Lesson, LessonStatus, Level, lesson_id
from reverie.store import LessonBatch, SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

ENV_RUN = "TEST_DATABASE_URL=postgres://localhost:5433/test make test-integration"


def every(store: SQLiteStore) -> list[Lesson]:
    return list(store.lessons(statuses=list(LessonStatus)))


def one(store: SQLiteStore, words: str) -> Lesson:
    (found,) = [lesson for lesson in every(store) if words in lesson.statement]
    return found


@pytest.mark.parametrize("newer_first", [False, True], ids=["in-order", "out-of-order"])
def test_a_newer_choice_supersedes_a_plain_instruction_whatever_the_import_order(
    store: SQLiteStore, newer_first: bool
) -> None:
    old = Trace("old", start=day(0)).prompt("go").run("ls").prompt("In this repo, always single quotes.")
    new = Trace("new", start=day(5)).prompt("go").run("ls").prompt("use double quotes, not single quotes")
    for trace in (new, old) if newer_first else (old, new):
        trace.into(store)
        distill(store, now=NOW)
    winner, loser = one(store, "double quotes"), one(store, "Always single quotes")
    assert winner.status is LessonStatus.ACTIVE and winner.supersedes == loser.id
    assert loser.status is LessonStatus.RETIRED and loser.superseded_by == winner.id
    assert loser.valid_to == max(e.timestamp or "" for e in winner.evidence)  # its validity ends there
    assert loser.evidence  # history: it keeps its evidence


@pytest.mark.parametrize("newer_first", [False, True], ids=["in-order", "out-of-order"])
def test_the_project_fact_seen_working_last_holds_whatever_the_import_order(
    store: SQLiteStore, newer_first: bool
) -> None:
    tox = [Trace(f"tox{n}", start=day(n)).prompt("test").run("tox -e py312", "ok") for n in (0, 1)]
    pytest_runs = [Trace(f"pytest{n}", start=day(10 + n)).prompt("test").run("pytest -q", "ok") for n in (0, 1)]
    for trace in [*pytest_runs, *tox] if newer_first else [*tox, *pytest_runs]:
        trace.into(store)
        distill(store, now=NOW)
    (acting,) = [lesson for lesson in store.lessons(statuses=[LessonStatus.ACTIVE]) if lesson.topic == "command:test"]
    (old,) = [lesson for lesson in every(store) if lesson.topic == "command:test" and lesson.id != acting.id]
    assert "pytest" in acting.statement and acting.supersedes == old.id
    assert old.status is LessonStatus.RETIRED and old.superseded_by == acting.id and old.valid_to


def retire_as_a_dream_would(store: SQLiteStore, lesson: Lesson, at: str) -> None:
    retired = replace(
        lesson,
        version=lesson.version + 1,
        status=LessonStatus.RETIRED,
        level=Level.MEMORY,
        valid_to=at,
        uncertainty="not confirmed by the 40 session(s) of its project since",
    )
    store.write_lessons(LessonBatch(lessons=[retired]))


def test_a_retirement_stands_against_old_evidence_and_yields_to_new(store: SQLiteStore) -> None:
    for n in (0, 1):
        Trace(f"s{n}", start=day(n)).prompt("go").run("ls").prompt("use ruff format, not black").into(store)
    distill(store, now=NOW)
    lesson = one(store, "ruff format")
    assert lesson.status is LessonStatus.ACTIVE
    retire_as_a_dream_would(store, lesson, at=day(5))

    # An older session imported late (a backfill) says the same: recorded, but the decision stands.
    Trace("backfill", start=day(2)).prompt("go").run("ls").prompt("use ruff format, not black").into(store)
    distill(store, now=NOW)
    kept = one(store, "ruff format")
    assert kept.status is LessonStatus.RETIRED and "backfill" in kept.sessions

    # New evidence after the retirement: a new decision, and it says why it is back.
    Trace("later", start=day(9)).prompt("go").run("ls").prompt("use ruff format, not black").into(store)
    distill(store, now=NOW)
    back = one(store, "ruff format")
    assert back.status is LessonStatus.ACTIVE
    assert back.uncertainty and "after its retirement" in back.uncertainty
    assert back.valid_from and back.valid_from > day(5)


def test_the_command_a_lesson_warns_against_failing_is_not_evidence_against_it(store: SQLiteStore) -> None:
    (
        Trace("s1", start=day(0))
        .prompt("the events job crashes with more than 1000 rows, can you look!")
        .fail("make test-integration", "KeyError: 'TEST_DATABASE_URL'")
        .prompt(f"make test-integration  fails like that. In this repo, use `{ENV_RUN}`, not `make test-integration`!")
        .run(ENV_RUN, "ok")
        .into(store)
    )
    for n in (1, 2, 3):
        start = day(n)
        Trace(f"s{n + 1}", start=start).prompt("run it").fail("make test-integration", "KeyError").run(
            ENV_RUN, "ok"
        ).into(store)
    distill(store, now=NOW)
    said = one(store, "Use `TEST_DATABASE_URL")
    assert said.status is LessonStatus.ACTIVE and said.confidence.contradictions == 0
    # Canonical commands keep the variable that makes the difference (distill/canonical.py).
    fact = one(store, "run the tests with `TEST_DATABASE_URL=<url> make test-integration`")
    assert fact.status is LessonStatus.ACTIVE and fact.confidence.contradictions == 0


def test_a_word_in_passing_is_not_what_an_instruction_is_about(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("go").run("ls").prompt(
        "In this repo, always run npm audit before a release."
    ).into(store)
    Trace("s2", start=day(3)).prompt("go").run("ls").prompt("use pnpm, not npm").into(store)
    distill(store, now=NOW)
    assert one(store, "npm audit").status is LessonStatus.ACTIVE
    assert one(store, "pnpm").status is LessonStatus.ACTIVE


def test_a_superseded_lesson_said_again_after_its_successor_was_retired_comes_back(store: SQLiteStore) -> None:
    Trace("s0", start=day(0)).prompt("go").run("ls").prompt("use yarn, not npm").into(store)
    Trace("s1", start=day(1)).prompt("go").run("ls").prompt("use pnpm, not yarn").into(store)
    distill(store, now=NOW)
    yarn, pnpm = one(store, "Use `yarn`"), one(store, "Use `pnpm`")
    assert yarn.superseded_by == pnpm.id
    retire_as_a_dream_would(store, pnpm, at=day(2))
    Trace("s3", start=day(3)).prompt("go").run("ls").prompt("use yarn, not npm").into(store)
    distill(store, now=NOW)
    back = one(store, "Use `yarn`")
    assert back.status is LessonStatus.ACTIVE and back.superseded_by is None and back.valid_to is None


def test_turning_something_down_in_other_words_is_not_a_contradiction(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("go").run("ls").prompt("In this repo, quit adding `git push --force`.").into(store)
    Trace("s2", start=day(3)).prompt("go").run("ls").prompt(
        "use `git push --force-with-lease`, not `git push --force`"
    ).into(store)
    distill(store, now=NOW)
    assert {lesson.status for lesson in every(store)} == {LessonStatus.ACTIVE}
    assert all(lesson.confidence.contradictions == 0 for lesson in every(store))


def test_a_newer_choice_replaces_the_older_plain_wording_of_the_same_instruction(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("go").run("ls").prompt(
        "In this repo, quit putting `tabs`; 4 spaces is what I want."
    ).into(store)
    Trace("s2", start=day(3)).prompt("go").run("ls").prompt("use `4 spaces`, not `tabs`").into(store)
    distill(store, now=NOW)
    choice, plain = one(store, "Use `4 spaces`"), one(store, "tabs`; 4 spaces")
    assert choice.status is LessonStatus.ACTIVE and choice.supersedes == plain.id
    assert plain.status is LessonStatus.RETIRED and plain.superseded_by == choice.id
    assert plain.confidence.contradictions == 0  # replaced by its own restatement, not contradicted
    # The change of value later supersedes the choice, and nothing of the old value is left acting.
    Trace("s3", start=day(9)).prompt("go").run("ls").prompt("use `2 spaces`, not `4 spaces`").into(store)
    distill(store, now=NOW)
    acting = [lesson.statement for lesson in store.lessons(statuses=[LessonStatus.ACTIVE])]
    assert acting == ["In this project: Use `2 spaces`, not `4 spaces`."]


def test_a_newer_plain_wording_leaves_the_older_choice_in_place(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("go").run("ls").prompt("use `4 spaces`, not `tabs`").into(store)
    Trace("s2", start=day(3)).prompt("go").run("ls").prompt(
        "In this repo, quit putting `tabs`; 4 spaces is what I want."
    ).into(store)
    distill(store, now=NOW)
    assert {lesson.status for lesson in every(store)} == {LessonStatus.ACTIVE}


def test_a_lesson_a_dream_held_for_a_person_stays_held_until_the_person_settles_it(store: SQLiteStore) -> None:
    Trace("s0", start=day(0)).prompt("go").run("ls").prompt("use `flake8`, not `ruff check .`").into(store)
    for n in (1, 2):
        Trace(f"s{n}", start=day(n)).prompt("lint it").run("ruff check .", "ok").into(store)
    distill(store, now=NOW)
    (fact,) = [lesson for lesson in every(store) if lesson.topic == "command:lint"]
    assert fact.status is LessonStatus.ACTIVE and fact.confidence.contradictions == 1  # newer, but weaker
    held = replace(  # what accepting the contradictions pass's flag writes
        fact,
        version=fact.version + 1,
        status=LessonStatus.CANDIDATE,
        level=Level.MEMORY,
        uncertainty=HELD + "contradicts the person's choice, which rests on stronger evidence",
        recorded_at=day(3),
    )
    store.write_lessons(LessonBatch(lessons=[held]))

    Trace("more", start=day(4)).prompt("lint it").run("ruff check .", "ok").into(store)  # more of the same
    distill(store, now=NOW)
    still = store.lesson(fact.id)
    assert still is not None and still.status is LessonStatus.CANDIDATE and "more" in still.sessions
    assert still.uncertainty == held.uncertainty

    # The person settles it; the next time the fact is seen, nothing active disagrees with it.
    Trace("said", start=day(6)).prompt("use `ruff check .`, not `flake8`").run("ruff check .", "ok").into(store)
    distill(store, now=NOW)
    released = store.lesson(fact.id)
    assert released is not None and released.status is LessonStatus.ACTIVE
    assert one(store, "Use `flake8`").status is LessonStatus.RETIRED


def test_a_hold_stands_against_the_rivals_newer_runs_too(store: SQLiteStore) -> None:
    """Held for the person, a lesson is theirs to settle: the rival's runs do not retire it (only to see it
    come back active at its own next run), whatever the store says of when the hold was written."""
    Trace("s0", start=day(0)).prompt("go").run("ls").prompt("use `flake8`, not `ruff check .`").into(store)
    for n in (1, 2):
        Trace(f"s{n}", start=day(n)).prompt("lint it").run("ruff check .", "ok").into(store)
    distill(store, now=NOW)
    (fact,) = [lesson for lesson in every(store) if lesson.topic == "command:lint"]
    held = replace(
        fact,
        version=fact.version + 1,
        status=LessonStatus.CANDIDATE,
        level=Level.MEMORY,
        uncertainty=HELD + "contradicts the person's choice, which rests on stronger evidence",
        recorded_at=None,  # as a version distill has just put together has it
    )
    store.write_lessons(LessonBatch(lessons=[held]))
    for name, when in (("flake-a", 4), ("flake-b", 5), ("ruff-again", 6)):
        command = "ruff check ." if name == "ruff-again" else "flake8 ."
        Trace(name, start=day(when)).prompt("lint it").run(command, "ok").into(store)
        distill(store, now=NOW)
        still = store.lesson(fact.id)
        assert still is not None and still.status is LessonStatus.CANDIDATE, name
        assert still.uncertainty == held.uncertainty and still.superseded_by is None


def test_winning_over_one_rival_does_not_undo_a_loss_to_another(store: SQLiteStore) -> None:
    """`go test -race` was superseded by the person's `make test`; seen again, it replaces an older `gotestsum`
    fact, and that is no answer to `make test`, which still stands: it stays retired, not active beside it."""
    for n in (0, 1):
        Trace(f"g{n}", start=day(n)).prompt("test").run("go test -race -p 1 ./...", "ok").into(store)
    distill(store, now=NOW)
    (race,) = [lesson for lesson in every(store) if lesson.topic == "command:test"]
    seen = race.evidence[0]
    said = replace(seen, event_key="said", basis=Basis.USER_STATEMENT, role="statement", timestamp=day(3))

    def run_with(command: str, evidence: tuple[Evidence, ...]) -> Lesson:
        return replace(
            race,
            id=lesson_id(f"fact:test:{command}", race.scope),
            key=f"fact:test:{command}",
            statement=f"In this project: run the tests with `{command}`.",
            stance=command,
            evidence=evidence,
            version=1,
        )

    make_test = replace(
        run_with("make test", (replace(said, excerpt="run the tests with make test", session_id="m"),)),
        supersedes=race.id,
    )
    gotestsum = run_with(
        "gotestsum", tuple(replace(e, event_key=e.event_key + "-sum", timestamp=day(2)) for e in race.evidence)
    )
    lost = replace(
        race, version=race.version + 1, status=LessonStatus.RETIRED, level=Level.MEMORY,
        superseded_by=make_test.id, valid_to=day(3),
    )  # fmt: skip
    store.write_lessons(LessonBatch(lessons=[make_test, gotestsum, lost]))
    for n in (5, 6):
        Trace(f"again{n}", start=day(n)).prompt("test").run("go test -race -p 1 ./...", "ok").into(store)
        distill(store, now=NOW)
    still = store.lesson(race.id)
    assert still is not None and still.status is LessonStatus.RETIRED and still.superseded_by == make_test.id
    assert still.supersedes == gotestsum.id  # it did replace the older one
    assert [lesson.id for lesson in store.lessons(statuses=[LessonStatus.ACTIVE])] == [make_test.id]


@pytest.mark.parametrize("newer_first", [False, True], ids=["in-order", "out-of-order"])
def test_a_new_test_command_supersedes_the_fix_that_recommended_the_old_one(
    store: SQLiteStore, newer_first: bool
) -> None:
    """`make test` fails and `go test ./...` works (the fix "use `go test`, not `make test`", and the
    fact "run the tests with `go test`"); later `go test ./...` fails and `tparse ./...` (a runner no table
    knows) works. The
    newer test command answers the question the old fix answered: it retires both, not the fact alone."""
    no_target = "make: *** No rule to make target 'test'."
    old = [Trace(f"go{n}", start=day(n)).prompt("test").fail("make test", no_target) for n in (0, 1)]
    old = [trace.run("go test ./...", "ok") for trace in old]
    new = [Trace(f"sum{n}", start=day(10 + n)).prompt("test").fail("go test ./...", "FAIL: flaky") for n in (0, 1)]
    new = [trace.run("tparse ./...", "ok") for trace in new]
    for trace in [*new, *old] if newer_first else [*old, *new]:
        trace.into(store)
        distill(store, now=NOW)
    (acting,) = [lesson for lesson in store.lessons(statuses=[LessonStatus.ACTIVE]) if lesson.topic == "command:test"]
    assert "tparse" in acting.statement
    fix = one(store, "Use `go test`, not `make test`")
    assert fix.status is LessonStatus.RETIRED and fix.superseded_by == acting.id
    assert fix.valid_to and fix.valid_to <= max(e.timestamp or "" for e in acting.evidence)
