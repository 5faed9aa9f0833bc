"""A correction read with the command it corrects: "no, use pnpm" right after `npm install`."""

from __future__ import annotations

import pytest

from reverie.distill import distill
from reverie.distill.redirects import forbids, redirect
from reverie.domain.lessons import LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace

pytestmark = pytest.mark.usefixtures("grammar_reader")


@pytest.mark.parametrize(
    ("command", "said", "choice"),
    [
        ("npm install", "no, use pnpm", ("pnpm", "npm")),
        ("npm install", "no, pnpm", ("pnpm", "npm")),
        ("pip install requests", "we use poetry for dependencies", ("poetry", "pip")),
        ("python script.py", "use python3 here", ("python3", "python")),
        ("docker-compose up -d", "it's docker compose now", ("docker compose", "docker-compose")),
        ("black .", "no, we format with ruff format", ("ruff format", "black")),
        ("pytest tests/", "use tox", ("tox", "pytest")),
        ("uv run pytest tests/", "run them with make test", ("make test", "uv run pytest")),
        ("npm test", "use `make test`", ("make test", "npm test")),
    ],
)
def test_a_short_turn_naming_another_way_to_do_the_job_is_a_choice(
    command: str, said: str, choice: tuple[str, str]
) -> None:
    assert redirect(said, command) == choice


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("npm install", "use yarn for now"),  # bounded: read as usual, a one-off
        ("npm install", "now run the tests with pytest"),  # another job
        ("npm install", "no, run npm ci"),  # the same program
        ("ls", "use pnpm"),  # listing files is no package manager's job
        ("pip install x", "use npm"),  # another ecosystem
        ("pytest", "run it with -v"),  # a flag, not a program
        ("cargo build", "why did you use cargo?"),
        ("npm install", "let's use yarn workspaces for the monorepo"),  # a new request
        ("npm install", "ok so what I would like is that we use yarn from here and also set up the workspaces"),
    ],
)
def test_other_turns_after_a_command_are_not_choices(command: str, said: str) -> None:
    assert redirect(said, command) is None


def test_the_choice_is_active_and_the_corrected_command_is_not_learned(store: SQLiteStore) -> None:
    Trace("s1").prompt("set up the project").run("npm install", "added 120 packages").prompt("no, use pnpm").into(store)
    distill(store, now=NOW)
    active = {lesson.statement for lesson in store.lessons(statuses=[LessonStatus.ACTIVE])}
    assert active == {"In this project: Use `pnpm`, not `npm`."}


def test_only_what_the_agent_did_since_the_person_spoke_is_corrected(store: SQLiteStore) -> None:
    Trace("s1").prompt("set up the project").run("npm install", "ok").prompt("thanks").prompt("use pnpm").into(store)
    distill(store, now=NOW)
    assert not [lesson for lesson in store.lessons() if lesson.against == "npm"]


def test_the_feedback_of_a_refused_command_is_read_with_it(store: SQLiteStore) -> None:
    refused = {"error": True, "data": {"rejected": True}}
    trace = Trace("s1").prompt("add the dependency")
    trace.tool("Bash", {"command": "npm install left-pad"}, "The user doesn't want to proceed", **refused)
    trace.prompt("use yarn", data={"feedback": True}).into(store)
    distill(store, now=NOW)
    (lesson,) = [lesson for lesson in store.lessons() if lesson.key.startswith("use:")]
    assert lesson.statement == "In this project: Use `yarn`, not `npm`." and lesson.status is LessonStatus.ACTIVE


@pytest.mark.parametrize(
    ("command", "said", "forbidden"),
    [
        ("git push origin main", "don't push to main, open a PR", True),
        ("git commit -am wip", "never commit the lock file", True),
        ("git push", "don't push it yet", False),  # about the moment
        ("npm install", "don't install anything else", False),
        ("ls", "don't push to main", False),  # not what the agent did
    ],
)
def test_a_prohibition_of_what_the_agent_just_ran(command: str, said: str, forbidden: bool) -> None:
    assert forbids(said, command) is forbidden


def test_a_prohibition_of_what_the_agent_just_ran_waits_for_review(store: SQLiteStore) -> None:
    Trace("s1").prompt("ship it").run("git push --force origin dev", "ok").prompt("don't force push").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == "In this project: Do not force push."
    assert lesson.status is LessonStatus.CANDIDATE


def test_a_prohibition_that_names_the_main_branch_is_a_rule_at_once(store: SQLiteStore) -> None:
    Trace("s1").prompt("ship it").run("git push origin main", "ok").prompt("don't push to main, open a PR").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == "In this project: Do not push to main, open a PR."
    assert lesson.status is LessonStatus.ACTIVE


@pytest.mark.parametrize("command", ['echo "unterminated', "", "   ", "\x00\x01", "a" * 5000, "$(npm install)"])
def test_a_command_that_cannot_be_read_corrects_nothing(command: str) -> None:
    assert redirect("no, use pnpm", command) is None and not forbids("don't install it globally", command)


def test_the_command_is_found_inside_its_wrappers() -> None:
    assert redirect("no, use pnpm", "cd web && sudo npm install") == ("pnpm", "npm")


def test_a_call_a_permission_denied_is_what_the_next_words_correct(store: SQLiteStore) -> None:
    denied = "Permission to use Bash with command npm install has been denied."
    trace = Trace("s1").prompt("set up the project").run("ls", "package.json")
    trace.tool("Bash", {"command": "npm install"}, denied, error=True)
    trace.prompt("use pnpm").into(store)
    distill(store, now=NOW)
    assert "In this project: Use `pnpm`, not `npm`." in {lesson.statement for lesson in store.lessons()}
