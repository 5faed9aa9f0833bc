"""Hazards (the same failure across sessions) and failed approaches (repeated, abandoned, reverted)."""

from __future__ import annotations

import pytest

from reverie.distill import distill
from reverie.domain.lessons import LessonKind, LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

JQ_MISSING = "Exit code 127\n/usr/bin/bash: line {n}: jq: command not found"
RPC_FAILED = "error: RPC failed; curl {n} schannel: failed to read data from server\nfatal: the remote end hung up"


def test_one_failure_in_one_session_is_not_a_hazard(store: SQLiteStore) -> None:
    Trace("s1").prompt("show the config").fail("jq . config.json", JQ_MISSING.format(n=1)).into(store)
    distill(store, now=NOW)
    assert [lesson for lesson in store.lessons() if lesson.kind is LessonKind.HAZARD] == []


def test_the_same_failure_in_two_sessions_is_a_hazard_with_evidence_from_both(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("show it").fail("jq . a.json", JQ_MISSING.format(n=1)).into(store)
    distill(store, now=NOW)
    Trace("s2", start=day(3)).prompt("parse it").fail("cat b.json | jq .x", JQ_MISSING.format(n=4)).into(store)
    distill(store, now=NOW)
    (hazard,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.HAZARD]
    assert hazard.statement.startswith("In this project: `jq` is not installed here")
    assert hazard.sessions == ("s1", "s2")
    assert hazard.status is LessonStatus.ACTIVE
    assert {e.transcript_path for e in hazard.evidence} == {"/transcripts/s1.jsonl", "/transcripts/s2.jsonl"}


def test_a_failure_fixed_right_after_is_a_fix_not_a_hazard(store: SQLiteStore) -> None:
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("run")
        trace.fail("python x.py", "bash: python: command not found").run("python3 x.py", "ok").into(store)
    distill(store, now=NOW)
    kinds = {lesson.kind for lesson in store.lessons()}
    assert LessonKind.HAZARD not in kinds and LessonKind.PREFERENCE in kinds


def test_a_step_before_the_same_command_is_the_fix_not_the_next_command_that_worked(store: SQLiteStore) -> None:
    """`ulimit -n 4096 && cargo test` fixed the failing `cargo test`; the `cargo test --workspace` that
    the agent ran next for other work did not, and must not be learned as its fix."""
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("run the tests")
        trace.fail("cargo test", "thread 'main' panicked: Too many open files (os error 24)")
        trace.run("ulimit -n 4096 && cargo test", "").run("cargo test --workspace", "test result: ok").into(store)
    distill(store, now=NOW)
    statements = [lesson.statement for lesson in store.lessons()]
    assert not [s for s in statements if "use `cargo test --workspace` instead" in s], statements
    (hazard,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.HAZARD]
    assert "`ulimit -n 4096 && cargo test` worked instead" in hazard.statement


def test_a_failing_action_repeated_and_given_up_is_a_failed_approach(store: SQLiteStore) -> None:
    (
        Trace("s1")
        .prompt("push to the remote")
        .fail("git push origin master", RPC_FAILED.format(n=65))
        .fail("git -c http.postBuffer=524288000 push origin master", RPC_FAILED.format(n=56))
        .say("The push keeps failing; let's stop here.")
        .into(store)
    )
    distill(store, now=NOW)
    (lesson,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.FAILED_APPROACH]
    assert "`git push` failed 2 times" in lesson.statement and "network error" in lesson.statement
    assert "http.postBuffer" in lesson.statement
    assert [e.role for e in lesson.evidence].count("failure") == 2


def test_repeated_failures_that_finally_worked_are_not_abandoned(store: SQLiteStore) -> None:
    trace = Trace("s1").prompt("push").fail("git push", RPC_FAILED.format(n=1)).fail("git push", RPC_FAILED.format(n=2))
    trace.run("git push", "ok").into(store)
    distill(store, now=NOW)
    assert [lesson for lesson in store.lessons() if lesson.kind is LessonKind.FAILED_APPROACH] == []


def test_an_edit_reverted_with_git_is_a_candidate_failed_approach(store: SQLiteStore) -> None:
    Trace("s1").prompt("try caching").edit("/w/app/cache.py").run("git checkout -- app/cache.py", "").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.kind is LessonKind.FAILED_APPROACH and "`cache.py` was reverted" in lesson.statement
    assert lesson.status is LessonStatus.CANDIDATE
    assert [e.role for e in lesson.evidence] == ["change", "revert"]


def test_a_package_upgrade_that_broke_the_build_and_was_undone_is_a_failed_approach(store: SQLiteStore) -> None:
    trace = Trace("s1").prompt("upgrade the linter").run("npm install -D eslint@9", "added 12 packages")
    trace = trace.fail("npx tsc --noEmit", "src/app.ts(3,1): error TS2307: Cannot find module 'x'.")
    trace.run("git checkout -- package.json package-lock.json", "").into(store)
    distill(store, now=NOW)
    (lesson,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.FAILED_APPROACH]
    assert lesson.statement.startswith("In this project: `eslint@9` has failed here: it broke `npx tsc --noEmit`")
    assert [e.role for e in lesson.evidence] == ["change", "failure", "failure_output", "revert"]
    assert lesson.trigger.commands == ("npm install -D eslint@9",) and "eslint@9" in lesson.trigger.keywords


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ("npm install", "npx tsc --noEmit"),  # a plain install changes no package
        ("npm install -D eslint@9", None),  # nothing failed: undone for another reason
    ],
)
def test_an_undone_change_without_a_named_package_or_a_failure_is_no_lesson(
    store: SQLiteStore, change: str, check: str | None
) -> None:
    trace = Trace("s1").prompt("deps").run(change, "ok")
    trace = trace.fail(check, "error TS2307: Cannot find module 'x'.") if check else trace.run("npx tsc --noEmit", "")
    trace.run("git checkout -- package.json", "").into(store)
    distill(store, now=NOW)
    assert [lesson for lesson in store.lessons() if lesson.kind is LessonKind.FAILED_APPROACH] == []


def test_the_person_saying_stop_doing_it_is_a_failed_approach(store: SQLiteStore) -> None:
    Trace("s1").prompt("fix the bug").run("ls").prompt("stop rewriting the whole file every time").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.kind is LessonKind.FAILED_APPROACH and lesson.status is LessonStatus.ACTIVE


def test_a_hazard_is_retired_once_the_command_runs_clean_and_returns_if_it_fails_again(store: SQLiteStore) -> None:
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("show")
        trace.fail("jq . a.json", JQ_MISSING.format(n=1)).into(store)
    distill(store, now=NOW)
    (hazard,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.HAZARD]
    Trace("s2", start=day(5)).prompt("show").run("jq . a.json", "{}").into(store)
    distill(store, now=NOW)
    cleared = store.lesson(hazard.id)
    assert cleared is not None and cleared.status is LessonStatus.RETIRED and cleared.valid_to
    Trace("s3", start=day(6)).prompt("show").fail("jq . b.json", JQ_MISSING.format(n=2)).into(store)
    distill(store, now=NOW)
    back = store.lesson(hazard.id)
    assert back is not None and back.status is LessonStatus.ACTIVE and len(back.sessions) == 3
