"""Before the mistake, and only then: lessons that the call they are about can stop wait for that call."""

from __future__ import annotations

import time

import pytest

from reverie.domain.lessons import Lesson, LessonKind
from reverie.recall import config, inject, lookup, verdicts
from reverie.recall import session_state as states
from reverie.workspace import Workspace
from tests.recall.builders import PROJECT, lesson, store_lessons

UPSTREAM = lesson(
    "fix:git push",
    "In this project: `git push` fails here (no upstream branch); use `git push --set-upstream origin <branch>` "
    "instead.",
    kind=LessonKind.FACT,
    commands=("git push",),
)
HEAP = lesson(
    "fix:make build",
    "In this project: `make build` fails here (a resource limit); use `NODE_OPTIONS=<value> make build` instead.",
    kind=LessonKind.FACT,
    commands=("make build",),
)


def chore_fact(command: str, *, chore: str = "test", purpose: str = "run the tests", stance: str = "") -> Lesson:
    """How the project does one of its chores, as distill files it ("run the tests with `nox -s tests`")."""
    return lesson(
        f"fact:{chore}:{command}",
        f"In this project: {purpose} with `{command}`.",
        kind=LessonKind.FACT,
        tools=("Bash",),
        keywords=(chore,),
        stance=stance,
    )


NOX = chore_fact("nox -s tests")
PNPM_FACT = lesson(
    "fact:package-manager:javascript:pnpm",
    "In this project: the javascript package manager is `pnpm`; use it for dependencies.",
    kind=LessonKind.FACT,
    commands=("bun", "npm", "pnpm", "yarn"),
    stance="pnpm",
)
STYLE = lesson("say:style", "In this project: keep functions short.", kind=LessonKind.RULE, keywords=("style",))


def decide(workspace: Workspace, command: str, state: states.SessionState | None = None) -> verdicts.Verdict | None:
    index = lookup.open_index(str(workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    state = state or states.SessionState(None)
    answer, _ = inject.call(index, state, config.Budget(), "claude-code", time.time(), "Bash", {"command": command})
    return verdicts.verdict(answer.hits, state, verdicts.DENY)


def test_a_failing_command_is_stopped_and_a_call_that_runs_the_advice_is_not(workspace: Workspace) -> None:
    store_lessons(workspace, [UPSTREAM, HEAP])
    stopped = decide(workspace, "git push origin main")
    assert stopped is not None and stopped.decision == "deny" and stopped.lessons == [UPSTREAM.id]
    assert decide(workspace, "git push --set-upstream origin feat/x") is None
    assert decide(workspace, "cd app && NODE_OPTIONS=--max-old-space-size=4096 make build") is None
    assert decide(workspace, "make build") is not None


def test_a_fact_about_a_chore_stops_a_call_that_does_it_another_way(workspace: Workspace) -> None:
    store_lessons(workspace, [NOX, PNPM_FACT])
    stopped = decide(workspace, "uv run pytest -q")
    assert stopped is not None and stopped.lessons == [NOX.id] and "`nox -s tests`" in stopped.reason
    assert decide(workspace, "nox -s tests") is None
    assert decide(workspace, "npm install left-pad") is not None  # another manager installing
    assert decide(workspace, "npm run build") is None  # not installing: the manager fact has nothing to say


def test_a_project_that_does_a_chore_two_ways_is_corrected_on_neither(workspace: Workspace) -> None:
    make_test = chore_fact("make test")
    store_lessons(workspace, [NOX, make_test])
    assert decide(workspace, "pytest -q") is None


@pytest.mark.parametrize("tagged_run", ["go test -tags=integration", "go test"])
def test_the_tests_of_a_build_tag_are_not_a_second_way_of_running_the_tests(
    workspace: Workspace, tagged_run: str
) -> None:
    """As distill reads them (``project_facts.selected_tag``): `go test -tags=integration` runs its own part of
    the suite, so it neither corrects a plain run nor is corrected by the plain test command; nor does a plain
    run "follow" it, which would make the project's test command look like one of several."""
    # as distill keeps it: the command's signature as the stance, a prefix of `go test ./...`
    tagged = chore_fact(tagged_run, purpose="run the tests tagged `integration`", stance="go test")
    gotestsum = chore_fact("gotestsum")
    integration = chore_fact("TEST_DATABASE_URL=<url> make test-integration")
    store_lessons(workspace, [gotestsum, tagged, integration])
    stopped = decide(workspace, "go test ./...")
    assert stopped is not None and stopped.lessons == [gotestsum.id]
    assert decide(workspace, "go test -tags=integration ./...") is None
    # the part is run its own way: its fact corrects it, not the plain suite's
    stopped = decide(workspace, "make test-integration")
    assert stopped is not None and stopped.lessons == [integration.id]


def test_a_part_of_the_suite_is_named_by_a_tag_or_a_target() -> None:
    from reverie.recall.rank import runs_a_part

    assert runs_a_part(["go", "test", "-tags=integration", "./..."])
    assert runs_a_part(["make", "test-integration"]) and runs_a_part(["npm", "run", "test:e2e"])
    assert runs_a_part(["just", "e2e-test"])
    assert not runs_a_part(["pytest", "tests/test_api.py", "-k", "test_login"])
    assert not runs_a_part(["go", "test", "./..."]) and not runs_a_part(["make", "test"])


def test_two_lessons_about_one_call_are_read_together(workspace: Workspace) -> None:
    ulimit = lesson(
        "fails:make build",
        "In this project: `make build` fails here (too many open files); `ulimit -n 4096 && make build` worked "
        "instead.",
        kind=LessonKind.HAZARD,
        commands=("make build",),
    )
    store_lessons(workspace, [HEAP, ulimit])
    stopped = decide(workspace, "make build")
    assert stopped is not None and set(stopped.lessons) == {HEAP.id, ulimit.id}
    assert HEAP.id in stopped.reason and ulimit.id in stopped.reason


def test_the_digest_keeps_only_what_no_call_will_say(workspace: Workspace) -> None:
    store_lessons(workspace, [UPSTREAM, NOX, PNPM_FACT, STYLE])
    index = lookup.open_index(str(workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    answer = inject.digest(index, states.SessionState(None), config.Budget(), "claude-code", time.time())
    assert [hit.row.id for hit in answer.shown] == [STYLE.id]
    assert {hit.row.id for hit in answer.hits if hit.decision == inject.LEFT_FOR_CALL} == {
        UPSTREAM.id,
        NOX.id,
        PNPM_FACT.id,
    }


FROZEN = lesson(
    "say:+:install dependency pnpm install frozen-lockfile",
    "In this project: Install dependencies with `pnpm install --frozen-lockfile`.",
    kind=LessonKind.RULE,
    commands=("pnpm install --frozen-lockfile",),
    keywords=("dependency", "frozen", "install", "lockfil", "pnpm"),
)


def test_a_rule_that_names_the_command_for_a_chore_stops_a_call_that_does_it_another_way(
    workspace: Workspace,
) -> None:
    store_lessons(workspace, [FROZEN, STYLE])
    stopped = decide(workspace, "npm install left-pad")
    assert stopped is not None and stopped.decision == "deny" and stopped.lessons == [FROZEN.id]
    assert decide(workspace, "pnpm install --frozen-lockfile") is None
    assert decide(workspace, "pnpm add left-pad") is None  # the same package manager, adding a package
    assert decide(workspace, "npm test") is None  # not the chore it is about
    index = lookup.open_index(str(workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    digest = inject.digest(index, states.SessionState(None), config.Budget(), "claude-code", time.time())
    assert [hit.row.id for hit in digest.shown] == [STYLE.id]  # the install call will say it


def test_the_hook_runner_a_project_used_to_lint_with_is_a_way_of_linting(workspace: Workspace) -> None:
    """`pre-commit run --all-files` lints: where the project now lints with `ruff check .`, it is corrected."""
    ruff = chore_fact("ruff check .", chore="lint", purpose="lint")
    store_lessons(workspace, [ruff])
    stopped = decide(workspace, "pre-commit run --all-files")
    assert stopped is not None and stopped.lessons == [ruff.id]


def test_one_decision_carries_at_most_three_lessons(workspace: Workspace) -> None:
    """Two hazards of one command and the project's own way of doing its chore fit in one decision."""
    hazards = [
        lesson(
            f"fails:go test:{n}",
            f"In this project: `go test` fails here (reason {n}); use `go test -p {n}` instead.",
            kind=LessonKind.HAZARD,
            commands=("go test",),
        )
        for n in range(1, 4)
    ]
    make_test = chore_fact("make test")
    store_lessons(workspace, [*hazards, make_test])
    stopped = decide(workspace, "go test ./...")
    assert stopped is not None and len(stopped.lessons) == verdicts.MAX_REASONS == 3


def test_context_a_decision_replaced_can_still_come_later(workspace: Workspace) -> None:
    """At `go test -race ./...` a hazard stops the call; a lesson that only joined the call's context never
    reaches the model (the decision takes the context's place), so the next call can still bring it, instead
    of its being "already shown"."""
    race = lesson(
        "fails:go test -race",
        "In this project: `go test -race ./...` fails here (a resource limit); use `go test -race -p 1 ./...` instead.",
        kind=LessonKind.HAZARD,
        commands=("go test -race",),
    )
    cgo = lesson(
        "say:go test -race",
        "In this project: read the race report in race.log after `go test -race`.",
        kind=LessonKind.RULE,
        commands=("go test -race",),
    )
    store_lessons(workspace, [race, cgo])
    index = lookup.open_index(str(workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    state = states.SessionState(None)

    def call(command: str) -> tuple[inject.Answer, verdicts.Verdict | None]:
        budget = config.Budget({"tool_lessons": 2})  # room for both in the call's context
        answer, _ = inject.call(index, state, budget, "claude-code", time.time(), "Bash", {"command": command})
        return answer, inject.call_decision(answer, state, verdicts.DENY)

    answer, stopped = call("go test -race ./...")
    assert stopped is not None and stopped.lessons == [race.id] and cgo.id in inject.lesson_ids(answer.shown)
    answer, stopped = call("go test -race -p 1 ./...")
    assert stopped is None and inject.lesson_ids(answer.shown) == [cgo.id]


def test_a_chore_fact_the_agent_ran_as_given_does_not_stop_its_next_way(workspace: Workspace) -> None:
    """The project moved its linter without a word: the agent runs the learned `golangci-lint run`, sees it
    fail, and turns to `staticcheck`. The same advice again would stop the way out. A call that only
    resembles the advice (a flag of its own) has not tried it."""
    store_lessons(workspace, [chore_fact("golangci-lint run", chore="lint", purpose="lint")])
    fresh = states.SessionState(None)
    assert decide(workspace, "staticcheck ./...", fresh) is not None  # before the advice is tried: corrected
    resembling = states.SessionState(None)
    assert decide(workspace, "golangci-lint run --fix", resembling) is None
    assert decide(workspace, "staticcheck ./...", resembling) is not None
    tried = states.SessionState.load(str(workspace.home), "s1")
    assert decide(workspace, "golangci-lint run ./pkg/...", tried) is None  # the advice, with an argument
    tried.save()  # each hook event is its own process: the session's state carries it to the next call
    assert decide(workspace, "staticcheck ./...", states.SessionState.load(str(workspace.home), "s1")) is None
