"""What each hook event injects, decided against a real store and a real recall index."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.distill.explicit import forget
from reverie.domain.lessons import LessonKind, LessonStatus, ScopeLevel
from reverie.recall import config, inject, intents, lookup
from reverie.recall import session_state as states
from reverie.recall.index import refresh_index
from reverie.workspace import Workspace
from tests.recall.builders import (
    BLOG_YARN,
    MIGRATIONS,
    OTHER_PROJECT,
    PNPM,
    PROJECT,
    PYTHON3,
    STYLE,
    TESTS,
    lesson,
    store_lessons,
)

SESSION = "session-1"


def index_for(workspace: Workspace, project: str | None = PROJECT, session: str | None = SESSION) -> lookup.RecallIndex:
    opened = lookup.open_index(str(workspace.home), lookup.scope_tokens(project, session))
    assert opened is not None
    return opened


def fresh_state() -> states.SessionState:
    state = states.SessionState(None)
    state.new_turn()
    return state


def prompt(
    workspace: Workspace, text: str, *, state: states.SessionState | None = None, **scope: str | None
) -> inject.Answer:
    return inject.prompt(
        index_for(workspace, **scope), state or fresh_state(), config.Budget(), "claude-code", time.time(), text
    )


def before(
    workspace: Workspace, tool: str, tool_input: dict[str, object], *, state: states.SessionState | None = None
) -> inject.Answer:
    answer, _ = inject.call(
        index_for(workspace), state or fresh_state(), config.Budget(), "claude-code", time.time(), tool, tool_input
    )
    return answer


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS, MIGRATIONS, PYTHON3, STYLE, BLOG_YARN])
    return workspace


def shown(answer: inject.Answer) -> list[str]:
    return [hit.row.id for hit in answer.shown]


# --- prompts ------------------------------------------------------------------------------------------


def test_a_prompt_about_running_tests_gets_the_test_command(stocked: Workspace) -> None:
    answer = prompt(stocked, "how do I run the tests here?")
    assert shown(answer) == [TESTS.id]
    assert "make check" in answer.text and answer.text.startswith('<reverie-context kind="prompt">')
    hit = answer.shown[0]
    assert hit.matched == ["run", "test"] and hit.relevance > 0.5


def test_a_prompt_about_something_else_gets_nothing(stocked: Workspace) -> None:
    answer = prompt(stocked, "Summarise the design of the payment webhook retries in the README")
    assert answer.text == "" and shown(answer) == []


def test_a_prompt_naming_a_triggering_command_gets_that_lesson(stocked: Workspace) -> None:
    answer = prompt(stocked, "run `npm install` for me")
    assert PNPM.id in shown(answer)
    assert next(h for h in answer.hits if h.row.id == PNPM.id).trigger_reason == "the prompt names `npm`"


def test_another_projects_lesson_never_reaches_this_project(stocked: Workspace) -> None:
    answer = prompt(stocked, "use yarn, not npm")
    assert BLOG_YARN.id not in {hit.row.id for hit in answer.hits}
    other = prompt(stocked, "use yarn, not npm", project=OTHER_PROJECT)
    assert BLOG_YARN.id in shown(other) and PNPM.id not in {hit.row.id for hit in other.hits}


def test_per_prompt_count_and_turn_budget_hold(workspace: Workspace) -> None:
    many = [lesson(f"k{n}", f"Deploy checklist item {n}: verify the deploy target", confidence=0.9) for n in range(8)]
    store_lessons(workspace, many)
    answer = prompt(workspace, "verify the deploy target checklist")
    assert len(answer.shown) == config.DEFAULTS["prompt_lessons"]
    assert {hit.decision for hit in answer.hits} == {"shown", "over budget"}
    tight = inject.prompt(
        index_for(workspace),
        fresh_state(),
        config.Budget({"turn_tokens": 40}),
        "",
        time.time(),
        "verify the deploy target checklist",
    )
    assert len(tight.shown) == 1


# --- tool calls ---------------------------------------------------------------------------------------


def test_before_npm_test_in_a_pnpm_project_the_pnpm_lesson(stocked: Workspace) -> None:
    answer = before(stocked, "Bash", {"command": "cd web && npm test 2>&1 | tail"})
    assert shown(answer) == [PNPM.id]
    assert "before `npm test`" in answer.text


def test_a_call_that_already_follows_the_lesson_is_not_reminded(workspace: Workspace) -> None:
    manager = lesson(
        "fact:package-manager:javascript:pnpm",
        "In this project: the javascript package manager is `pnpm`; use it for dependencies.",
        kind=LessonKind.FACT,
        commands=("bun", "npm", "pnpm", "yarn"),
        stance="pnpm",
    )
    store_lessons(workspace, [manager])
    assert shown(before(workspace, "Bash", {"command": "yarn add left-pad"})) == [manager.id]
    answer = before(workspace, "Bash", {"command": "pnpm add left-pad"})
    assert shown(answer) == []
    assert answer.hits[0].decision == "below threshold (the call already follows it (`pnpm`))"


def test_before_an_edit_under_a_path_with_a_lesson_that_lesson(stocked: Workspace) -> None:
    assert shown(before(stocked, "Edit", {"file_path": "/work/shop/migrations/0002_add.py"})) == [MIGRATIONS.id]
    assert shown(before(stocked, "Edit", {"file_path": "/work/shop/src/models.py"})) == []


def test_python_is_not_python3(stocked: Workspace) -> None:
    assert shown(before(stocked, "Bash", {"command": "python manage.py migrate"})) == [PYTHON3.id]
    assert shown(before(stocked, "Bash", {"command": "python3 manage.py migrate"})) == []


def test_a_tool_and_keyword_trigger_fires_for_that_tool_only(stocked: Workspace) -> None:
    assert shown(before(stocked, "Bash", {"command": "cargo test"})) == [TESTS.id]
    assert shown(before(stocked, "Read", {"file_path": "/x/test_plan.md"})) == []


# --- repeats ------------------------------------------------------------------------------------------


def test_no_lesson_twice_in_a_session_whatever_the_channel(stocked: Workspace) -> None:
    state = fresh_state()
    assert shown(before(stocked, "Bash", {"command": "npm test"}, state=state)) == [PNPM.id]
    for _ in range(20):
        state.new_turn()
    assert shown(before(stocked, "Bash", {"command": "npm ci"}, state=state)) == []
    assert shown(prompt(stocked, "should we use pnpm or npm here?", state=state)) == []


CONTEXT_ONLY = config.Budget({"call_decision": 0})  # no call is stopped: the digest holds every lesson


def test_a_digest_lesson_is_not_repeated_just_in_time(stocked: Workspace) -> None:
    state = states.SessionState(None)
    digest = inject.digest(index_for(stocked), state, CONTEXT_ONLY, "claude-code", time.time())
    assert PNPM.id in shown(digest)
    state.new_turn()
    answer = before(stocked, "Bash", {"command": "npm test"}, state=state)
    assert PNPM.id not in shown(answer)
    assert next(h for h in answer.hits if h.row.id == PNPM.id).decision.startswith("already shown this session")


def test_one_token_budget_covers_the_whole_session(workspace: Workspace) -> None:
    facts = [
        lesson(f"s{n}", f"Deploy step {n} uses the `deploy{n}` script " + "detail " * 15, commands=(f"deploy{n}",))
        for n in range(12)
    ]
    store_lessons(workspace, facts)
    budget = config.Budget({"session_tokens": 120, "session_start_tokens": 0, "turn_tokens": 400})
    state = fresh_state()
    seen = 0
    for n in range(12):
        state.new_turn()
        answer, _ = inject.call(index_for(workspace), state, budget, "", time.time(), "Bash", {"command": f"deploy{n}"})
        seen += len(answer.shown)
    assert 0 < seen < 12 and state.spent_total <= 120


# --- the digest ---------------------------------------------------------------------------------------


def test_the_digest_holds_this_project_and_global_lessons_strongest_first(stocked: Workspace) -> None:
    answer = inject.digest(index_for(stocked), states.SessionState(None), CONTEXT_ONLY, "claude-code", time.time())
    ids = shown(answer)
    assert set(ids) == {PNPM.id, TESTS.id, MIGRATIONS.id, PYTHON3.id, STYLE.id}
    assert BLOG_YARN.id not in answer.text
    scores = [hit.score for hit in answer.shown]
    assert scores == sorted(scores, reverse=True)
    assert "(project github.com/acme/shop; confidence 0.82;" in answer.text and "(all projects;" in answer.text
    assert "In this project:" not in answer.text  # the scope is said once, plainly


def test_the_digest_leaves_a_lesson_that_stops_its_call_to_that_call(stocked: Workspace) -> None:
    answer = inject.digest(index_for(stocked), states.SessionState(None), config.Budget(), "claude-code", time.time())
    assert set(shown(answer)) == {STYLE.id}
    left = {hit.row.id for hit in answer.hits if hit.decision == inject.LEFT_FOR_CALL}
    assert left == {PNPM.id, MIGRATIONS.id, PYTHON3.id, TESTS.id}  # each is said where its call is stopped


def test_the_digest_leaves_a_procedure_to_the_prompt_that_asks_for_its_work(workspace: Workspace) -> None:
    bug = lesson("bug-first", "In this project: When fixing a bug, write a failing test for it first.")
    release = lesson("release-steps", "Bump the version, tag it, then publish the wheel.", kind=LessonKind.PROCEDURE)
    always = lesson("short", "Keep answers short and plain.")
    store_lessons(workspace, [bug, release, always])
    state = states.SessionState(None)
    digest = inject.digest(index_for(workspace), state, CONTEXT_ONLY, "claude-code", time.time())
    assert set(shown(digest)) == {always.id, bug.id}  # a rule for a situation may meet it with no prompt
    left = {hit.row.id for hit in digest.hits if hit.decision == inject.LEFT_FOR_PROMPT}
    assert left == {release.id}
    state.new_turn()
    assert release.id in shown(prompt(workspace, "bump the version and publish the wheel", state=state))


def test_a_prompt_that_enters_a_rules_situation_brings_it(workspace: Workspace) -> None:
    bug = lesson("bug-first", "In this project: When fixing a bug, write a failing test for it first.")
    store_lessons(workspace, [bug])
    answer = prompt(workspace, "please fix the bug in the invoice rounding")
    assert shown(answer) == [bug.id]
    assert answer.shown[0].trigger_reason == "the prompt enters its situation (fix, bug)"
    assert shown(prompt(workspace, "please fix the typo in the invoice footer")) == []


def test_the_digest_stays_within_its_token_budget(workspace: Workspace) -> None:
    store_lessons(workspace, [lesson(f"d{n}", f"Fact number {n} about the build " + "detail " * 20) for n in range(60)])
    budget = config.Budget({"session_start_tokens": 300})
    answer = inject.digest(index_for(workspace), states.SessionState(None), budget, "", time.time())
    assert 0 < len(answer.shown) < 60
    assert len(answer.text) // 4 <= 300 + 40  # the header and the "more apply" line are counted too
    assert f"({60 - len(answer.shown)} more apply here" in answer.text


# --- scope and status ---------------------------------------------------------------------------------


def test_session_lessons_stay_in_their_session(workspace: Workspace) -> None:
    one_off = lesson("skip-lint", "Skip the linter for this session only.", session=SESSION, keywords=("linter",))
    store_lessons(workspace, [one_off])
    assert one_off.id in shown(prompt(workspace, "should I skip the linter?"))
    assert one_off.id not in {
        h.row.id for h in prompt(workspace, "should I skip the linter?", session="session-2").hits
    }


def test_only_active_lessons_are_indexed(workspace: Workspace) -> None:
    kept = [replace(PNPM, status=status) for status in (LessonStatus.CANDIDATE, LessonStatus.QUARANTINED)]
    store_lessons(workspace, [kept[0]])
    quarantined = replace(TESTS, status=LessonStatus.QUARANTINED)
    store_lessons(workspace, [quarantined])
    assert shown(before(workspace, "Bash", {"command": "npm test"})) == []
    assert shown(prompt(workspace, "how do I run the tests")) == []


def test_expired_and_other_agent_lessons_are_left_out(workspace: Workspace) -> None:
    expired = lesson(
        "once", "Use the staging database today.", keywords=("database",), valid_to="2020-01-01T00:00:00+00:00"
    )
    codex_only = lesson("codex", "Approve database migrations by hand.", agent="codex", keywords=("database",))
    store_lessons(workspace, [codex_only])
    store_lessons(workspace, [expired], refresh=False)  # written after the build: the index does not hold it
    refresh_index(workspace)
    answer = prompt(workspace, "migrate the database")
    assert expired.id not in {h.row.id for h in answer.hits}
    assert next(h for h in answer.hits if h.row.id == codex_only.id).decision == "for codex only"


def test_a_forgotten_lesson_is_never_shown_even_before_the_index_is_rebuilt(stocked: Workspace) -> None:
    forget(stocked.store, PNPM.id, "we moved back to npm")
    index = index_for(stocked)
    assert index.stale and PNPM.id in index.excluded
    assert PNPM.id not in shown(before(stocked, "Bash", {"command": "npm test"}))
    refresh_index(stocked)
    fresh = index_for(stocked)
    assert not fresh.stale and PNPM.id not in {row.id for row in fresh.in_scope()}


def test_no_index_means_nothing_to_recall(reverie_home: Path) -> None:
    assert lookup.open_index(str(reverie_home), ["g"]) is None


def test_scope_tokens_cover_global_project_and_session() -> None:
    tokens = lookup.scope_tokens(PROJECT, SESSION)
    assert tokens == [
        "g",
        lookup.scope_token(ScopeLevel.PROJECT.value, project=PROJECT),
        lookup.scope_token("session", session=SESSION),
    ]
    assert lookup.scope_tokens(None, None) == ["g"]


# --- relevance beyond literal words -------------------------------------------------------------------


def test_run_the_tests_finds_the_lesson_about_the_projects_test_command(workspace: Workspace) -> None:
    pytest_lesson = lesson("use:pytest", "Use `pytest -q`, not `python -m unittest`.", commands=("pytest",))
    ruff_lesson = lesson("use:ruff", "Use `ruff check` before committing.", commands=("ruff check",))
    store_lessons(workspace, [pytest_lesson, ruff_lesson])
    assert shown(prompt(workspace, "run the tests please")) == [pytest_lesson.id]
    assert shown(prompt(workspace, "can you lint this file?")) == [ruff_lesson.id]


def test_a_word_inside_a_path_is_not_what_the_prompt_asks_for(stocked: Workspace) -> None:
    """A word in a file name names the file: "test" there is not a wish to run the tests."""
    for text in (
        "give me the example command to call scripts/test/test_single_pusher.py",
        r"compare it with @\home\me\ws\scripts\test\test_magnum.py please",
        "show me the diff of tests/poi_validator.test.ts",
    ):
        assert TESTS.id not in shown(prompt(stocked, text)), text
    assert shown(prompt(stocked, "the test in tests/test_api.py fails, run it")) == [TESTS.id]


def test_a_lesson_about_pushing_is_not_one_about_committing(workspace: Workspace) -> None:
    push = lesson(
        "fix:git push",
        "In this project: `git push` fails here (no upstream branch); use `git push --set-upstream origin <branch>`"
        " instead.",
        kind=LessonKind.FACT,
        commands=("git push",),
    )
    store_lessons(workspace, [push])
    assert shown(prompt(workspace, "commit changes")) == []
    assert shown(prompt(workspace, "I ran commit and the git tree still has changes")) == []
    assert shown(prompt(workspace, "push it to the remote")) == [push.id]


def test_one_word_in_common_is_not_a_topic_in_common(workspace: Workspace) -> None:
    upstream = lesson(
        "fix:git push upstream",
        "In this project: `git push` fails here (no upstream branch); use `git push --set-upstream origin <branch>`"
        " instead.",
        kind=LessonKind.FACT,
        commands=("git push",),
    )
    store_lessons(workspace, [upstream])
    answer = prompt(workspace, "How do I set this project up?")
    assert shown(answer) == [] and answer.hits[0].trigger_reason == "one word in common (set)"
    assert shown(prompt(workspace, "why is there no upstream branch on origin?")) == [upstream.id]


def test_a_runner_has_the_purpose_of_what_it_runs(workspace: Workspace) -> None:
    """`uv run pytest` tests: a lesson about it is not one about installing dependencies, and a call
    to `make test` does not build."""
    nox = lesson(
        "use:nox|not:uv run pytest",
        "In this project: Use `nox -s tests`, not `uv run pytest`.",
        kind=LessonKind.PREFERENCE,
        commands=("uv run pytest",),
    )
    store_lessons(workspace, [nox])
    assert shown(prompt(workspace, "install the dependencies please")) == []
    assert shown(prompt(workspace, "run the tests please")) == [nox.id]
    assert intents.roles_of(["make", "test"]) == ["test"]


def test_recall_json_says_which_match_came_from_what_a_tool_is_for(workspace: Workspace) -> None:
    from reverie.recall import search

    pytest_lesson = lesson("use:pytest", "Use `pytest -q`, not `python -m unittest`.", commands=("pytest",))
    store_lessons(workspace, [pytest_lesson])
    report = search.for_prompt(workspace, "run the tests please", PROJECT)
    hit = next(h for h in report.hits if h.lesson_id == pytest_lesson.id)
    assert hit.matched_intents == ("test",) and "which the lesson's tool is for" in hit.trigger_reason
