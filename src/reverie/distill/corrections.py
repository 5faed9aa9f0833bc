"""User corrections and explicit instructions, from the prompts the person typed.

Only what the person wrote (origin ``user``) is read: typed prompts, answers to the agent's
question tool, the feedback given when refusing a tool call, what was typed after an interrupt;
never the model's text, never tool output, never injected context, never a subagent's prompt.
``statements.parse_statements`` finds the instructions and how long they are meant to last, with
where each turn stands: its channel, whether it opens the session (the task request, before the
agent has done anything), and what happened just before it (the agent's last words or a failure).
An answer is also read with its question (``answers``): "pnpm" for "Which package manager should we
use?" is "Use pnpm as the package manager.", active at once like a plain instruction.

Within one session, instructions are emitted in order with their timestamps, so when the person
contradicts themselves the distill pass lets the newer one supersede the older.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from reverie.distill import answers, commands
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Prompt, SessionView, evidence
from reverie.distill.statements import (
    ParsedStatement,
    Strength,
    parse_statements,
    read_answer,
    read_prohibition,
    read_redirect,
)
from reverie.distill.triggers import trigger_from
from reverie.domain import Event, EventKind
from reverie.domain.lessons import Basis, LessonStatus, Observation, Trigger

NAME = "corrections"


def extract(view: SessionView) -> Iterator[Observation]:
    ran = commands_before(view)
    for prompt in view.prompts:
        for parsed in _read(view, prompt, ran.get(prompt.index)):
            yield observation(view, prompt, parsed)


def commands_before(view: SessionView) -> dict[int, str]:
    """For each of the person's turns (by event index), the shell command the agent called last before
    it, when that was the agent's last call since the person's previous words. Calls the person refused
    or a permission denied count (they are not among the view's actions: they taught nothing about the
    project, but the person's next words answer them)."""
    found: dict[int, str] = {}
    turns = {prompt.index for prompt in view.prompts}
    last: Event | None = None
    for index, event in enumerate(view.events):
        if index in turns:
            command = commands.shell_command(last) if last is not None else None
            if command:
                found[index] = command
            last = None
        elif event.kind is EventKind.TOOL_CALL and not event.sidechain:
            last = event
    return found


def _read(view: SessionView, prompt: Prompt, command: str | None = None) -> list[ParsedStatement]:
    """What one turn says. A short turn right after a command that names another way to do its job is
    that choice ("no, use pnpm" after `npm install`). An answer with its questions is read pair by pair:
    a choice of how the project works in the question's terms, an answer typed as a sentence as it was
    typed, and an option's label ("No rig", "Fix both issues") not at all: without its question it says
    nothing."""
    read = partial(parse_statements, channel=prompt.channel, before=prompt.before, after_failure=prompt.after_failure)
    pairs = prompt.answered()
    if pairs:
        return _answered(pairs, read)
    task_request = prompt.channel == "prompt" and not any(action.index < prompt.index for action in view.actions)
    after = command if prompt.channel != "answer" else None
    asked = answers.asked_last(prompt.before) if prompt.channel == "prompt" else None
    replied = read_answer(asked, prompt.text) if asked and not answers.typed_sentence(prompt.text) else None
    if replied is not None:
        return [replied]  # "Which test runner should we use?" typed by the agent, "vitest" by the person
    return _typed(prompt.text, after, partial(read, task_request=task_request))


def _typed(text: str, command: str | None, read: Callable[[str], list[ParsedStatement]]) -> list[ParsedStatement]:
    """A turn as typed; a short one right after a command is first read with it (``redirects``)."""
    redirected = read_redirect(text, command)
    if redirected is not None:
        return [redirected]
    found = read(text)
    forbidden = None if found else read_prohibition(text, command)
    return [forbidden] if forbidden is not None else found


def _answered(pairs: list[tuple[str, str]], read: Callable[[str], list[ParsedStatement]]) -> list[ParsedStatement]:
    found: list[ParsedStatement] = []
    for question, answer in pairs:
        chosen = read_answer(question, answer)
        if chosen is not None:
            found.append(chosen)
        elif answers.typed_sentence(answer):
            found.extend(read(answer))
    return found


def observation(view: SessionView, prompt: Prompt, parsed: ParsedStatement) -> Observation:
    scope = view.scope(parsed.scope)
    one_off = parsed.strength is Strength.ONE_OFF
    return Observation(
        key=parsed.key,
        kind=parsed.kind,
        statement=parsed.statement,
        scope=scope,
        evidence=(evidence(prompt.event, Basis.USER_STATEMENT, "statement", parsed.clause),),
        extractor=NAME,
        trigger=_trigger(parsed),
        durable=not one_off,
        explicit=parsed.strength is Strength.EXPLICIT,
        topic=parsed.topic,
        stance=parsed.stance,
        against=parsed.against,
        max_status=LessonStatus.CANDIDATE if one_off else LessonStatus.ACTIVE,
        valid_to=view.ended_at if one_off else None,
        uncertainty=_note(parsed),
        notes=("repeated: the person had said it before",) if parsed.repeated else (),
    )


def _trigger(parsed: ParsedStatement) -> Trigger:
    return trigger_from(parsed.code, parsed.keywords)


def _note(parsed: ParsedStatement) -> str | None:
    if parsed.strength is Strength.CORRECTION:
        return "a correction without a cue of permanence; a candidate until it recurs"
    return None


EXTRACTOR = Extractor(name=NAME, summary="instructions and corrections the person typed", extract=extract)
