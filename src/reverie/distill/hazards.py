"""Hazards: the same failure, with the same error signature, in more than one session.

Each session contributes one observation per distinct failure (program or tool, plus the error's
signature from ``signatures``); a lesson forms only when ``MIN_SESSIONS`` sessions agree, which
is what separates a hazard of the environment from a one-time mistake. Failures that a close
variant fixed right after are left to ``command_fixes``, which says more (what to do instead).

A hazard is about one exact invocation (or a missing program); when that runs clean in a later
session the distill pass retires the hazard (``merge.Ledger.clear_failures``), and new failures
bring it back. A failure that says the command cannot run here at all ("command not found", a
missing module or config) also disconfirms lessons that recommend that command.
"""

from __future__ import annotations

from collections.abc import Iterator

from reverie.distill import commands, signatures
from reverie.distill.command_fixes import find_fixes
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, LessonKind, Observation, Trigger

NAME = "hazards"
MIN_SESSIONS = 2


def extract(view: SessionView) -> Iterator[Observation]:
    fixed = {id(fix.failed) for fix in find_fixes(view)}
    seen: set[str] = set()
    for action in view.actions:
        if not action.failed or id(action) in fixed or action.call.sidechain:
            continue
        observation = _observation(view, action)
        if observation is not None and observation.key not in seen:
            seen.add(observation.key)
            yield observation


def _observation(view: SessionView, action: Action) -> Observation | None:
    error = action.output
    error_signature = signatures.signature(error)
    if not error_signature:
        return None
    tool = action.call.tool_name or "tool"
    main = commands.main_segment(action.command) if action.command else []
    subject = commands.signature(main) if main else tool
    missing = signatures.missing_program(error) if action.command else None
    if missing:
        key = f"hazard:missing:{missing}"
        statement = f"In this project: `{missing}` is not installed here (command not found); do not rely on it."
        trigger = Trigger(tools=(tool,), commands=(missing,), keywords=("command not found",))
    else:
        key = f"hazard:{subject}:{error_signature}"
        statement = f'In this project: `{subject}` has failed here with "{error_signature}"; check the cause first.'
        trigger = Trigger(tools=(tool,), commands=(subject,) if main else (), keywords=_keywords(error))
    proof = (
        evidence(action.call, Basis.OBSERVED, "failure", action.command or _describe(action)),
        *(
            (evidence(action.result, Basis.OBSERVED, "failure_output", signatures.telling_line(error)),)
            if action.result
            else ()
        ),
    )
    # A command that cannot run here any more disconfirms lessons that recommend it.
    against = (missing or subject) if main and signatures.cannot_run(error) else ""
    return Observation(
        key=key,
        kind=LessonKind.HAZARD,
        topic=outcome_topic(missing or commands.invocation(action.command or "") or subject),
        stance="fails",
        against=against,
        statement=statement,
        scope=view.scope(),
        evidence=proof,
        extractor=NAME,
        trigger=trigger,
        min_sessions=MIN_SESSIONS,
    )


def outcome_topic(subject: str) -> str:
    """The topic of hazards about ``subject`` (an exact invocation, or a missing program); a later
    clean run of exactly that clears them."""
    return f"fails:{subject}"


def abandoned_topic(signature: str) -> str:
    """The topic of approaches given up on ``signature`` (any variant); a later clean run clears them."""
    return f"abandoned:{signature}"


def _keywords(error: str) -> tuple[str, ...]:
    described = signatures.error_class(error)
    return (described,) if described else ()


def _describe(action: Action) -> str:
    tool_input = action.call.tool_input or {}
    for name in ("file_path", "path", "pattern", "url", "query"):
        value = tool_input.get(name)
        if isinstance(value, str):
            return f"{action.call.tool_name}: {value}"
    return action.call.tool_name or "tool call"


EXTRACTOR = Extractor(name=NAME, summary="the same failure signature in several sessions", extract=extract)
