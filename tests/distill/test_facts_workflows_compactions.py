"""Project facts from commands that worked, workflows across sessions, compaction summaries."""

from __future__ import annotations

from reverie.distill import distill
from reverie.domain.lessons import Basis, LessonKind, LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day


def facts(store: SQLiteStore) -> dict[str, object]:
    return {lesson.key: lesson for lesson in store.lessons() if lesson.kind is LessonKind.FACT}


def test_commands_that_worked_are_project_facts(store: SQLiteStore) -> None:
    trace = Trace("s1").prompt("check it").run("cd /w && uv run pytest -q 2>&1 | tail -5", "12 passed")
    trace.run("uv run ruff check src", "All checks passed").fail("npm run build", "error").into(store)
    distill(store, now=NOW)
    found = facts(store)
    assert "fact:test:uv run pytest" in found and "fact:lint:uv run ruff" in found
    assert "fact:package-manager:python:uv" in found
    assert not any("npm" in key for key in found)  # it failed: not a fact


def test_a_fact_seen_in_two_sessions_is_active(store: SQLiteStore) -> None:
    for number in range(2):
        Trace(f"s{number}", start=day(number)).prompt("test").run("cargo test", "ok").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == "In this project: run the tests with `cargo test`."
    assert lesson.status is LessonStatus.ACTIVE and lesson.confidence.outcomes == 2


def test_a_new_package_manager_supersedes_the_old_one(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("install").run("yarn install", "ok").into(store)
    Trace("s2", start=day(5)).prompt("install").run("pnpm install", "ok").into(store)
    distill(store, now=NOW)
    (current,) = [lesson for lesson in store.lessons() if lesson.status is not LessonStatus.RETIRED]
    (old,) = store.lessons(statuses=[LessonStatus.RETIRED])
    assert current.stance == "pnpm" and old.stance == "yarn" and old.superseded_by == current.id


def test_a_runner_no_table_knows_takes_the_role_of_the_failing_command_it_replaced(store: SQLiteStore) -> None:
    Trace("s1", start=day(0)).prompt("test").run("go test ./...", "ok").into(store)
    Trace("s2", start=day(5)).prompt("test").fail("go test ./...", "found packages main and api").run(
        "tparse ./...", "ok  pkg/api"
    ).into(store)
    distill(store, now=NOW)
    tests = [lesson for lesson in store.lessons() if lesson.topic == "command:test"]
    (current,) = [lesson for lesson in tests if lesson.status is not LessonStatus.RETIRED]
    (old,) = [lesson for lesson in tests if lesson.status is LessonStatus.RETIRED]
    assert current.statement == "In this project: run the tests with `tparse`." and old.superseded_by == current.id


def test_a_command_after_a_failure_of_another_kind_keeps_no_role(store: SQLiteStore) -> None:
    Trace("s1").prompt("test").fail("pytest -q", "ModuleNotFoundError: foo").run("pip install foo", "ok").into(store)
    Trace("s2").prompt("lint").fail("ruff check .", "command not found").run("ls src", "a.py").into(store)
    distill(store, now=NOW)
    assert [key for key in facts(store) if key.startswith(("fact:test", "fact:lint"))] == []


def test_a_step_before_the_same_command_is_not_a_new_test_runner(store: SQLiteStore) -> None:
    """`ulimit -n 4096 && cargo test` fixes `cargo test`; "run the tests with `ulimit -n 4096`" would
    answer the test question and fight the real test command in every session."""
    Trace("s1").prompt("test").fail("cargo test", "Too many open files (os error 24)").run(
        "ulimit -n 4096 && cargo test", "test result: ok"
    ).into(store)
    distill(store, now=NOW)
    assert not [key for key in facts(store) if key.startswith("fact:test:ulimit")]


def test_the_repair_of_a_chosen_variant_does_not_replace_the_test_command(store: SQLiteStore) -> None:
    """`go test -race -p 1 ./...` gets a race run through; it is not how the project runs its tests."""
    for number in range(2):
        Trace(f"s{number}", start=day(number)).prompt("test").run("make test", "ok").into(store)
    race = Trace("s2", start=day(2)).prompt("race check").fail("go test -race ./...", "race: limit on 8128 goroutines")
    race.run("go test -race -p 1 ./...", "ok").into(store)
    distill(store, now=NOW)
    live = {lesson.topic: lesson for lesson in store.lessons() if lesson.status is LessonStatus.ACTIVE}
    assert live["command:test"].statement == "In this project: run the tests with `make test`."
    assert not [key for key in facts(store) if key.startswith("fact:test:go test")]


def test_the_repair_of_the_plain_command_is_how_the_project_does_the_chore(store: SQLiteStore) -> None:
    Trace("s1").prompt("build").fail("make build", "FATAL ERROR: heap limit").run(
        "NODE_OPTIONS=--max-old-space-size=4096 make build", "built"
    ).into(store)
    distill(store, now=NOW)
    assert "fact:build:make build" in facts(store)


def test_a_tagged_run_is_its_own_question_beside_the_plain_test_command(store: SQLiteStore) -> None:
    for number in range(2):
        trace = Trace(f"s{number}", start=day(number)).prompt("test").run("go test ./...", "ok")
        trace.run("go test -tags=integration ./integration/...", "ok").into(store)
    distill(store, now=NOW)
    live = {lesson.topic: lesson for lesson in store.lessons() if lesson.status is LessonStatus.ACTIVE}
    tagged = live["command:test:tags=integration"]
    assert tagged.statement == "In this project: run the tests tagged `integration` with `go test -tags=integration`."
    assert "command:test" in live and tagged.confidence.contradictions == 0  # neither replaces the other


def test_a_lockfile_the_agent_read_names_the_package_manager(store: SQLiteStore) -> None:
    Trace("s1").prompt("look").tool("Read", {"file_path": "/w/app/pnpm-lock.yaml"}, "lockfileVersion: 9").into(store)
    distill(store, now=NOW)
    assert "fact:package-manager:javascript:pnpm" in facts(store)


def release(trace: Trace) -> Trace:
    return trace.run("git status").run("npm run build", "ok").run("npm test", "ok").run("git tag v1", "").run("ls")


def test_a_workflow_repeated_across_sessions_is_a_candidate_procedure(store: SQLiteStore) -> None:
    for number in range(3):
        release(Trace(f"s{number}", start=day(number)).prompt("release")).into(store)
    distill(store, now=NOW)
    (workflow,) = [lesson for lesson in store.lessons() if lesson.kind is LessonKind.PROCEDURE]
    assert workflow.statement == "In this project, a recurring workflow: `npm run build` → `npm test` → `git tag`."
    assert workflow.status is LessonStatus.CANDIDATE  # a hint for a command or skill, never an instruction
    assert len(workflow.sessions) == 3


def test_a_sequence_in_one_session_is_not_a_workflow(store: SQLiteStore) -> None:
    release(Trace("s1").prompt("release")).into(store)
    distill(store, now=NOW)
    assert [lesson for lesson in store.lessons() if lesson.kind is LessonKind.PROCEDURE] == []


SUMMARY = """Summary:
4. Errors and fixes:
   - Error: "python: command not found" (exit code 127)
     - Fix: Retried using `python3` instead of `python`
   - Solved: switching from `python` to `python3`
"""


def test_a_compaction_summary_alone_stays_a_candidate_with_agent_trust(store: SQLiteStore) -> None:
    Trace("s1").prompt("go").compaction(SUMMARY).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.key == "use:python3|not:python" and lesson.status is LessonStatus.CANDIDATE
    assert {e.basis for e in lesson.evidence} == {Basis.AGENT_CLAIM}
    assert lesson.confidence.value <= 0.3
    assert "agent's own account" in (lesson.uncertainty or "")


def test_a_compaction_claim_joins_the_observed_fix_of_the_same_thing(store: SQLiteStore) -> None:
    trace = Trace("s1").prompt("go").fail("python a.py", "bash: python: command not found").run("python3 a.py", "ok")
    trace.compaction(SUMMARY).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert {e.basis for e in lesson.evidence} == {Basis.OBSERVED, Basis.AGENT_CLAIM}
    assert lesson.extractor == "command_fixes"  # the observed fix leads; the claim only adds
