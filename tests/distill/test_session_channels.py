"""Where each of the person's turns stands: its channel and what it answers."""

from __future__ import annotations

from reverie.distill.session_view import SessionView
from reverie.domain import EventKind, Origin
from tests.distill.trace import Trace


def view(trace: Trace) -> SessionView:
    return SessionView.build(trace.session(), trace.events)


def test_each_channel_the_person_writes_through_is_a_prompt() -> None:
    trace = (
        Trace("s1")
        .prompt("fix the login page")
        .say("Which test runner?")
        .prompt("pytest, always with -q", data={"answer": True})
        .tool(
            "Bash", {"command": "rm -rf build"}, "The user doesn't want to proceed", error=True, data={"rejected": True}
        )
        .prompt("never delete the build folder, it holds the caches", data={"feedback": True})
        .event(EventKind.NOTICE, Origin.SYSTEM, "[Request interrupted by user]", data={"interrupted": True})
        .prompt("stop, use the staging database instead")
    )
    channels = [(prompt.channel, prompt.text.split(",")[0]) for prompt in view(trace).prompts]
    assert channels == [
        ("prompt", "fix the login page"),
        ("answer", "pytest"),
        ("denial", "never delete the build folder"),
        ("interrupt", "stop"),
    ]


def test_a_prompt_knows_the_failure_or_the_agent_words_before_it() -> None:
    trace = (
        Trace("s1")
        .prompt("run the tests")
        .fail("pytest", "ModuleNotFoundError: no module named app")
        .prompt("use python -m pytest here")
    )
    trace.say("Shall I also update the docs?").prompt("no, just the code")
    first, after_failure, after_question = view(trace).prompts
    assert (first.before, first.after_failure) == ("", False)
    assert after_failure.after_failure and "ModuleNotFoundError" in after_failure.before
    assert not after_question.after_failure and after_question.before == "Shall I also update the docs?"


def test_an_ide_note_in_a_hook_prompt_is_not_the_persons_text() -> None:
    note = "<ide_opened_file>The user opened /src/app.py in the IDE.</ide_opened_file>"
    (prompt,) = view(Trace("s1").prompt(f"{note}\nUse ruff for linting.")).prompts
    assert prompt.text.strip() == "Use ruff for linting."


def test_tool_and_agent_text_is_never_a_prompt() -> None:
    trace = Trace("s1").say("Always use tabs.").run("cat README", "Never use spaces.")
    assert view(trace).prompts == []
