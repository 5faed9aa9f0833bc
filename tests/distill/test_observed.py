"""What distill learns from the commands an agent ran (issue 11): one lesson per command whatever its
spelling, hazards that earn activation, and clean statements. The cases are the ones the issue
measured."""

from __future__ import annotations

from reverie.distill import distill
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace, day

NO_UPSTREAM = (
    "fatal: The current branch {branch} has no upstream branch.\nTo push the current branch and set the remote "
    "as upstream, use\n\n    git push --set-upstream origin {branch}\n"
)
NO_YAML = "Traceback (most recent call last):\n  File \"x.py\", line 1\nModuleNotFoundError: No module named 'yaml'"
EXUNIT_RED = (
    "  1) test greets the world (HelloTest)\n     test/hello_test.exs:5\n     Assertion with =~ failed\n"
    '     code:  assert output =~ "hi"\n\nFinished in 0.03 seconds\n1 test, 1 failure'
)
PROTECTED = "remote: error: GH006: Protected branch update failed\n! [remote rejected] main -> main (permission denied)"


def lessons(store: SQLiteStore, kind: LessonKind | None = None) -> list[Lesson]:
    return [lesson for lesson in store.lessons() if kind is None or lesson.kind is kind]


def sessions(store: SQLiteStore, count: int, build: object, start: int = 0) -> None:
    for number in range(start, start + count):
        trace = Trace(f"s{number}", start=day(number)).prompt("go on")
        build(trace, number)  # type: ignore[operator]
        trace.into(store)
        distill(store, now=NOW)


# -- one lesson per command, whatever its spelling ------------------------------------------------------


def test_set_upstream_spelled_two_ways_on_two_branches_is_one_active_lesson(store: SQLiteStore) -> None:
    def push(trace: Trace, number: int) -> None:
        branch = ("feature/login", "fix-typo")[number]
        flag = ("-u", "--set-upstream")[number]
        trace.fail("git push", NO_UPSTREAM.format(branch=branch)).run(f"git push {flag} origin {branch}", "ok")

    sessions(store, 2, push)
    (lesson,) = lessons(store)
    assert lesson.status is LessonStatus.ACTIVE and lesson.sessions == ("s0", "s1")
    assert "origin <branch>" in lesson.statement and "login" not in lesson.statement


def test_a_fix_with_a_different_file_each_time_is_one_lesson(store: SQLiteStore) -> None:
    def run(trace: Trace, number: int) -> None:
        files = ("scripts/a.py scripts/b.py", "tools/c.py")[number]
        trace.fail(f"python {files}", "bash: python: command not found").run(f"python3 {files}", "ok")

    sessions(store, 2, run)
    (lesson,) = lessons(store)
    assert lesson.status is LessonStatus.ACTIVE and "Use `python3`, not `python`" in lesson.statement


def test_the_test_command_keeps_its_module(store: SQLiteStore) -> None:
    sessions(store, 2, lambda trace, _: trace.run("python -m pytest tests/x.py -v", "3 passed"))
    (fact,) = lessons(store)
    assert fact.statement == "In this project: run the tests with `python -m pytest`."


def test_an_offline_install_is_never_just_the_package_manager_is_pip(store: SQLiteStore) -> None:
    def install(trace: Trace, number: int) -> None:
        trace.run(f"pip install --no-index --find-links ./vendor/wheels {('requests', 'httpx rich')[number]}", "ok")

    sessions(store, 2, install)
    (fact,) = lessons(store)
    assert "pip install --no-index --find-links ./vendor/wheels <package>" in fact.statement
    assert "package manager is" not in fact.statement and fact.status is LessonStatus.ACTIVE


# -- hazards earn activation ------------------------------------------------------------------------------


def test_expected_failures_are_never_hazards(store: SQLiteStore) -> None:
    def expected(trace: Trace, _: int) -> None:
        trace.fail("mix test", EXUNIT_RED)
        trace.fail("python -m pytest tests/test_a.py", "FAILED tests/test_a.py::test_x - assert 1 == 2\n1 failed")
        trace.tool("Read", {"file_path": "/w/app/missing.py"}, "File does not exist.", error=True)
        trace.fail("grep -rn TODO src/", "Exit code 1")
        trace.fail("rg needle", "Exit code 1")
        trace.fail("test -f .env", "Exit code 1")
        trace.fail("diff a.txt b.txt", "Exit code 1\n1c1\n< a\n---\n> b")
        trace.fail("ls notes.txt", "Exit code 2\nls: cannot access 'notes.txt': No such file or directory")

    sessions(store, 3, expected)
    assert lessons(store, LessonKind.HAZARD) == [] and lessons(store, LessonKind.FAILED_APPROACH) == []


def test_a_failure_that_ran_clean_later_in_its_session_is_no_hazard(store: SQLiteStore) -> None:
    def fixed_much_later(trace: Trace, _: int) -> None:
        trace.fail("npm run build", "TypeError: Cannot read properties of undefined (reading 'map')")
        for step in range(40):
            trace.run(f"cat src/file{step}.js", "...")
        trace.run("npm run build", "built in 2s")

    sessions(store, 2, fixed_much_later)
    assert lessons(store, LessonKind.HAZARD) == []


def test_a_failure_without_cause_or_fix_stays_a_candidate_with_a_clean_statement(store: SQLiteStore) -> None:
    error = 'Traceback (most recent call last):\\n  File "/w/app/deploy.py", line 3\\nRuntimeError: Deploy lock held'
    sessions(store, 2, lambda trace, _: trace.fail("./deploy.sh staging", error))
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.CANDIDATE
    assert hazard.statement == (
        "In this project: `./deploy.sh staging` has failed here in more than one session "
        '("RuntimeError: Deploy lock held").'
    )


def test_an_environmental_cause_earns_activation_and_a_clean_run_of_any_spelling_retires_it(
    store: SQLiteStore,
) -> None:
    sessions(store, 2, lambda trace, _: trace.fail("python scripts/sync.py", NO_YAML))
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.ACTIVE
    assert hazard.statement == "In this project: `python <file>` fails here: `yaml` is not installed."
    sessions(store, 1, lambda trace, _: trace.run("python scripts/other.py -v", "synced"), start=2)
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.RETIRED


def test_a_failure_stays_a_failure_when_a_different_variant_later_succeeds(store: SQLiteStore) -> None:
    sessions(store, 2, lambda trace, _: trace.fail("git push --force origin main", PROTECTED))
    sessions(store, 1, lambda trace, _: trace.run("git push origin main", "ok"), start=2)
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.ACTIVE
    assert hazard.statement.startswith("In this project: `git push --force origin <branch>` fails here (permission")


def test_a_variant_that_worked_long_after_is_the_observed_fix(store: SQLiteStore) -> None:
    def fixed_later(trace: Trace, _: int) -> None:
        trace.fail("cargo test", "thread 'main' panicked: Too many open files (os error 24)")
        for step in range(8):
            trace.run(f"cat src/m{step}.rs", "...")
        trace.run("ulimit -n 4096 && cargo test", "test result: ok. 12 passed")

    sessions(store, 2, fixed_later)
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.ACTIVE
    assert hazard.statement == (
        "In this project: `cargo test` fails here (a resource limit: \"thread 'main' panicked: Too many open files "
        '(os error 24)"); `ulimit -n 4096 && cargo test` worked instead.'
    )


def test_a_hazard_statement_is_a_sentence_not_an_error_dump(store: SQLiteStore) -> None:
    error = "Exit code 1\\nError: connect ECONNREFUSED 127.0.0.1:5432\\n    at TCPConnectWrap.afterConnect"
    sessions(store, 2, lambda trace, _: trace.fail("npm run migrate", error))
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert "\\n" not in hazard.statement and "\n" not in hazard.statement
    assert "check the cause first" not in hazard.statement and "econnrefused" not in hazard.statement
    assert hazard.statement.startswith("In this project: `npm run migrate` fails here (network error:")


def test_a_complaint_that_every_command_prints_is_not_the_cause(store: SQLiteStore) -> None:
    """A sandboxed Codex shell prints its profile's complaint on every command, failing or not."""
    profile = "Exit code: {code}\nWall time: 0.1 seconds\nOutput:\n/opt/brew/env.sh: /bin/ps: Operation not permitted\n"

    def codex(trace: Trace, _: int) -> None:
        trace.tool("shell_command", {"command": "node build.js"}, profile.format(code=0) + "built")
        failure = profile.format(code=1) + "SyntaxError: Unexpected token '}' in build.js"
        trace.tool("shell_command", {"command": "node check.js"}, failure, error=True)

    sessions(store, 2, codex)
    (hazard,) = lessons(store, LessonKind.HAZARD)
    assert hazard.status is LessonStatus.CANDIDATE and "permission" not in hazard.statement
    assert "SyntaxError: Unexpected token" in hazard.statement


def test_a_fix_by_another_program_names_both_commands_whole(store: SQLiteStore) -> None:
    def run(trace: Trace, _: int) -> None:
        trace.fail("make test", "make: *** No rule to make target 'test'.  Stop.").run("go test ./...", "ok")

    sessions(store, 1, run)
    (lesson,) = [lesson for lesson in lessons(store) if lesson.extractor == "command_fixes"]
    assert lesson.statement.startswith("In this project: Use `go test`, not `make test` (`make test` fails here")
