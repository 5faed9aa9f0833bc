"""User corrections and explicit instructions, from the prompts the person typed.

Only what the person wrote (origin ``user``) is read: typed prompts, answers to the agent's
question tool, the feedback given when refusing a tool call, what was typed after an interrupt;
never the model's text, never tool output, never injected context, never a subagent's prompt.
``statements.parse_statements`` finds the instructions and how long they are meant to last, with
where each turn stands: its channel, whether it opens the session (the task request, before the
agent has done anything), and what happened just before it (the agent's last words or a failure).
An answer is also read with its question (``answers``): "pnpm" for "Which package manager should we
use?" is a candidate "Use pnpm as the package manager.".

Within one session, instructions are emitted in order with their timestamps, so when the person
contradicts themselves the distill pass lets the newer one supersede the older.
"""

from __future__ import annotations

from collections.abc import Iterator

from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Prompt, SessionView, evidence
from reverie.distill.statements import ParsedStatement, Strength, parse_statements, read_answer
from reverie.distill.triggers import trigger_from
from reverie.domain.lessons import Basis, LessonStatus, Observation, Trigger

NAME = "corrections"


def extract(view: SessionView) -> Iterator[Observation]:
    for prompt in view.prompts:
        task_request = prompt.channel == "prompt" and not any(action.index < prompt.index for action in view.actions)
        found = parse_statements(
            prompt.text,
            task_request=task_request,
            channel=prompt.channel,
            before=prompt.before,
            after_failure=prompt.after_failure,
        )
        for parsed in found:
            yield observation(view, prompt, parsed)
        for question, answer in prompt.answered():
            if (chosen := read_answer(question, answer)) is not None:
                yield observation(view, prompt, chosen)


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
