"""Command fixes: a failure followed right after by a close variant that works."""

from __future__ import annotations

import pytest

from reverie.distill import command_fixes, distill
from reverie.distill.command_fixes import find_fixes
from reverie.distill.session_view import SessionView
from reverie.domain import Project
from reverie.domain.lessons import LessonKind, LessonStatus, ScopeLevel
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

NOT_FOUND = "Exit code 127\n/bin/bash: line 1: python: command not found"
NO_UPSTREAM = (
    "fatal: The current branch {branch} has no upstream branch.\n"
    "To push the current branch and set the remote as upstream, use\n\n"
    "    git push --set-upstream origin {branch}\n"
)


def python_session(session_id: str, start: str, project: Project | None = None) -> Trace:
    return (
        Trace(session_id, start=start, project=project or Trace.project)
        .prompt("run the generator")
        .fail("python gen.py", NOT_FOUND)
        .run("ls -la", "gen.py")
        .run("python3 gen.py", "done")
    )


def fixes(trace: Trace) -> list[tuple[str | None, str | None]]:
    view = SessionView.build(trace.session(), trace.events)
    return [(fix.failed.command, fix.fixed.command) for fix in find_fixes(view)]


def test_a_missing_python_fixed_by_python3_becomes_a_lesson_of_the_machine(store: SQLiteStore) -> None:
    python_session("s1", day(0)).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.key == "use:python3|not:python"
    assert lesson.kind is LessonKind.PREFERENCE
    assert lesson.statement.startswith("On this machine: Use `python3`, not `python`")
    assert lesson.scope.level is ScopeLevel.GLOBAL  # the machine lacks `python`, whatever the project
    assert lesson.status is LessonStatus.CANDIDATE  # one session is not enough to act on
    assert [e.role for e in lesson.evidence] == ["failure", "failure_output", "fix", "success"]
    assert all(e.transcript_path == "/transcripts/s1.jsonl" and e.transcript_line for e in lesson.evidence)
    assert lesson.trigger.commands == ("python",)


def test_the_same_fix_in_a_second_session_strengthens_the_same_lesson(store: SQLiteStore) -> None:
    python_session("s1", day(0)).into(store)
    distill(store, now=NOW)
    (first,) = store.lessons()
    python_session("s2", day(1)).into(store)
    distill(store, now=NOW)
    (second,) = store.lessons()
    assert second.id == first.id and second.version == first.version + 1
    assert second.status is LessonStatus.ACTIVE
    assert second.sessions == ("s1", "s2")
    assert second.confidence.value > first.confidence.value


def test_a_machine_fix_seen_in_two_projects_is_one_active_lesson(store: SQLiteStore) -> None:
    python_session("s1", day(0)).into(store)
    python_session("s2", day(1), Project(key="github.com/acme/other", name="acme/other")).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.status is LessonStatus.ACTIVE and lesson.sessions == ("s1", "s2")


def test_the_agents_summary_of_a_machine_fix_adds_to_it_in_its_scope(store: SQLiteStore) -> None:
    python_session("s1", day(0)).compaction("- `python` was missing; retried with `python3` instead of `python`").into(
        store
    )
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.scope.level is ScopeLevel.GLOBAL
    assert {e.role for e in lesson.evidence} >= {"fix", "summary"}


def test_a_missing_program_the_project_provides_stays_the_projects(store: SQLiteStore) -> None:
    missing = "Exit code 127\n/bin/bash: line 1: {name}: command not found"
    (
        Trace("s1", start=day(0))
        .prompt("run the tests and build it")
        .fail("pytest -q", missing.format(name="pytest"))
        .run("uv run pytest -q", "3 passed")
        .fail("gradle build", missing.format(name="gradle"))
        .run("./gradlew build", "BUILD SUCCESSFUL")
        .into(store)
    )
    distill(store, now=NOW)
    fixed = [lesson for lesson in store.lessons() if lesson.extractor == "command_fixes"]
    assert {lesson.key for lesson in fixed} == {"use:uv run pytest|not:pytest", "use:gradlew|not:gradle"}
    assert all(lesson.scope.level is ScopeLevel.PROJECT for lesson in fixed)
    assert all(lesson.statement.startswith("In this project: ") for lesson in fixed)


def test_git_push_without_upstream_is_generalised_not_the_branch_of_the_day(store: SQLiteStore) -> None:
    for number, branch in enumerate(("feature/login", "fix-typo")):
        (
            Trace(f"s{number}", start=day(number))
            .prompt("push it")
            .fail("git push", NO_UPSTREAM.format(branch=branch))
            .run(f"git push --set-upstream origin {branch}", "ok")
            .into(store)
        )
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert "git push --set-upstream origin <branch>" in lesson.statement
    assert "feature/login" not in lesson.statement and "fix-typo" not in lesson.statement
    assert "no upstream branch" in lesson.statement
    assert lesson.status is LessonStatus.ACTIVE and len(lesson.sessions) == 2
    assert lesson.scope.level is ScopeLevel.GLOBAL  # the person's git settings, not the project's


def test_the_fix_of_a_test_command_can_be_a_different_command_with_the_same_role(store: SQLiteStore) -> None:
    trace = Trace("s1").prompt("test it").fail("pytest", "ImportError: cannot import name 'app'")
    trace.run("make check", "ok").into(store)
    distill(store, now=NOW)
    (lesson,) = [lesson for lesson in store.lessons() if lesson.extractor == "command_fixes"]
    assert lesson.key == "use:make check|not:pytest"
    assert lesson.statement.startswith("In this project: Use `make check`, not `pytest`")


def test_what_is_not_a_fix() -> None:
    edited = Trace("s").fail("python a.py", NOT_FOUND).edit("/w/a.py").run("python3 a.py", "ok")
    retried = Trace("s").fail("npm test", "ECONNRESET").run("npm test", "ok")
    unrelated = Trace("s").fail("cat notes.txt", "No such file or directory").run("ls notes.txt", "notes.txt")
    failed_again = Trace("s").fail("python a.py", NOT_FOUND).fail("python3 a.py", "SyntaxError")
    declined = (
        Trace("s")
        .tool("Bash", {"command": "python a.py"}, "declined", error=True, data={"rejected": True})
        .run("python3 a.py", "ok")
    )
    respelled = Trace("s").fail("git push -u origin x", "fatal: unable to access")
    respelled.run("git push --set-upstream origin x", "ok")
    for trace in (edited, retried, respelled, unrelated, failed_again, declined):
        assert fixes(trace) == [], trace.events


def test_a_fix_made_after_the_person_spoke_still_counts() -> None:
    trace = Trace("s").fail("python a.py", NOT_FOUND).prompt("try python3").run("python3 a.py", "ok")
    assert fixes(trace) == [("python a.py", "python3 a.py")]


def test_a_fix_a_few_commands_later_still_counts() -> None:
    trace = Trace("s").fail("python a.py", NOT_FOUND).run("ls", "").run("pwd", "/w").run("python3 a.py", "ok")
    assert fixes(trace) == [("python a.py", "python3 a.py")]


def test_a_machine_fix_retires_the_same_fix_a_store_learned_per_project(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a store distilled before fixes of the machine were learned for every project: one lesson per project
    with monkeypatch.context() as before:
        before.setattr(command_fixes, "_on_the_machine", lambda fix, error: False)
        python_session("s1", day(0)).into(store)
        python_session("s2", day(1)).into(store)
        distill(store, now=NOW)
    (old,) = store.lessons()
    assert old.scope.level is ScopeLevel.PROJECT and old.status is LessonStatus.ACTIVE
    python_session("s3", day(2)).into(store)
    python_session("s4", day(3)).into(store)
    distill(store, now=NOW)
    by_scope = {lesson.scope.level: lesson for lesson in store.lessons()}
    machine, project = by_scope[ScopeLevel.GLOBAL], by_scope[ScopeLevel.PROJECT]
    assert machine.status is LessonStatus.ACTIVE
    assert project.status is LessonStatus.RETIRED and project.superseded_by == machine.id
