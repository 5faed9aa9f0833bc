"""Shell commands as distill reads them: segments, signatures, generalisation, similarity, roles."""

from __future__ import annotations

import pytest

from reverie.distill import commands
from reverie.domain import Event, EventKind, Origin, Source
from reverie.recall import intents


@pytest.mark.parametrize(
    ("command", "essential"),
    [
        ("cd /repo && FOO=1 npm test 2>&1 | tail -20", ["npm", "test"]),
        ("sudo -E make check", ["-E", "make", "check"]),
        ("timeout 60 pytest -q", ["pytest", "-q"]),
        ("# set up\nuv sync\nuv run pytest", ["uv", "sync", "&&", "uv", "run", "pytest"]),
        ('git commit -m "two\nlines" && git push', ["git", "commit", "-m", "two\nlines", "&&", "git", "push"]),
        ("echo 'unbalanced", ["echo", "'unbalanced"]),
    ],
)
def test_essential_keeps_the_segments_that_do_the_work(command: str, essential: list[str]) -> None:
    assert commands.essential(command) == essential


@pytest.mark.parametrize(
    ("command", "signature"),
    [
        ("git -c http.postBuffer=524288000 push origin master", "git push"),
        ("python -m pytest tests/test_x.py -v", "python -m pytest"),
        ("npm run build -- --watch", "npm run build"),
        ("uv run pytest -q", "uv run pytest"),
        ("/usr/bin/python3 script.py", "python3"),
        ("docker compose up -d", "docker compose up"),
        ("make", "make"),
        ("mix phx.server", "mix phx.server"),
    ],
)
def test_signature_names_program_and_subcommand(command: str, signature: str) -> None:
    assert commands.signature(commands.main_segment(command)) == signature


def test_generalise_replaces_this_sessions_values_and_names_them_from_the_error() -> None:
    error = (
        "fatal: The current branch topic/login-form has no upstream branch.\n"
        "To push the current branch and set the remote as upstream, use\n\n"
        "    git push --set-upstream origin topic/login-form\n"
    )
    part = ["git", "push", "--set-upstream", "origin", "topic/login-form"]
    assert commands.generalise(part, error) == ["git", "push", "--set-upstream", "origin", "<branch>"]
    assert commands.generalise(["cat", "/tmp/x/log.txt", "42"]) == ["cat", "<path>", "<n>"]
    assert commands.generalise(["git", "commit", "-m", "Fix the login form"]) == ["git", "commit", "-m", "<message>"]


def test_similarity_gives_partial_credit_for_near_identical_tokens() -> None:
    assert commands.similarity(["python", "a.py"], ["python3", "a.py"]) > 0.9
    assert commands.similarity(["git", "push"], ["git", "push", "-u", "origin", "x"]) > 0.5
    assert commands.similarity(["cat", "a"], ["ls", "-la"]) < 0.3
    assert commands.similarity([], ["ls"]) == 0.0


@pytest.mark.parametrize(
    ("signature", "role"),
    [
        ("pytest", "test"),
        ("cargo test", "test"),
        ("npm run lint", "lint"),
        ("ruff format", "format"),
        ("mypy", "typecheck"),
        ("make check", "check"),
        ("pre-commit run", "lint"),  # runs the project's linters as hooks: a way of linting, as recall reads it
        ("npm run build", "build"),
        ("git push", None),
        ("ls", None),
    ],
)
def test_roles(signature: str, role: str | None) -> None:
    assert commands.role(signature) == role


# Words of recall's table that distill reads otherwise on purpose: "check" is a role of its own here,
# `test` is the shell's builtin, `flow` too common a word to name a type checker in a signature, and
# `playwright` / `cypress` install browsers or open a window as often as they run the tests.
_READ_OTHERWISE = frozenset({"check", "test", "flow", "playwright", "cypress"})


def test_distill_and_recall_agree_on_what_a_tool_is_for() -> None:
    """One fact about the ecosystems, two readers: a tool recall maps "lint it" to (`biome`) must give
    distill a lint fact, or the lesson recall would find is never learned."""
    disagree = [
        (tool, role, commands.role(tool))
        for intent, role in intents.ROLE_OF_INTENT.items()
        if role != "build"  # build tools are runners (`make`, `gradle`): their target says what they do
        for tool in intents.INTENTS[intent]
        if tool not in _READ_OTHERWISE and commands.role(tool) != role
    ]
    assert disagree == []


def test_only_shell_tools_have_commands() -> None:
    def call(name: str, tool_input: dict[str, object]) -> Event:
        return Event("k", "s", EventKind.TOOL_CALL, Origin.AGENT, Source.HOOK, tool_name=name, tool_input=tool_input)

    assert commands.shell_command(call("Bash", {"command": "ls"})) == "ls"
    assert commands.shell_command(call("shell", {"command": ["bash", "-lc", "make test"]})) == "make test"
    assert commands.shell_command(call("exec_command", {"cmd": ["git", "status"]})) == "git status"
    assert commands.shell_command(call("Read", {"command": "rm -rf /"})) is None
    assert commands.shell_command(call("Bash", {})) is None
