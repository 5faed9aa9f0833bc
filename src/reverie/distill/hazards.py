"""Hazards: a failure of the environment that recurs, and what to do about it.

A failed command is not a hazard by itself. Most failures are the work going as it should: a red test
run is a test doing its job, a Read of a file that is not there or a ``grep`` without a match
(exit 1) answers a question, a ``test -f`` or ``diff`` returning 1 is a "no". Those are
``expected_failure`` and never become hazards. What is left becomes an observation, one per session
and distinct failure (the command's canonical form, ``canonical.key``, plus the error), and a lesson
forms only when ``MIN_SESSIONS`` sessions agree. It may become active only when it earned it:

* the cause lies in the machine or the project's setup (``signatures.ENVIRONMENTAL``: a missing
  program or module, permissions, the network, a version, an environment variable), or
* the session shows the remedy: a later variant of the same command that worked (a close variant
  right after is ``command_fixes``' lesson and is left to it).

Anything else stays a candidate for review. A failure that the same canonical command contradicts by
running clean later in the session is no hazard; across sessions, a clean run retires the hazard
(``merge.Ledger.clear_failures``, on ``outcome_topic``), and new failures bring it back. Statements
are sentences about the cause, never the error output itself (that is the evidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from reverie.distill import canonical, signatures
from reverie.distill.command_fixes import find_fixes
from reverie.distill.expected import expected_failure, session_noise
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, Evidence, LessonKind, LessonStatus, Observation, Trigger

NAME = "hazards"
MIN_SESSIONS = 2
_MODULE = re.compile(r"No module named '?([\w.]+)'?|Cannot find module '([^']+)'")


def extract(view: SessionView) -> Iterator[Observation]:
    if not any(action.failed for action in view.actions):
        return
    fixes = find_fixes(view)
    fixed = {id(fix.failed) for fix in fixes}
    keys = {id(action): canonical.key_of(action.command) for action in view.actions if action.command is not None}
    fixed_keys = {keys.get(id(fix.failed), "") for fix in fixes}
    noise = session_noise(view)
    seen: set[str] = set()
    for position, action in enumerate(view.actions):
        if not action.failed or id(action) in fixed or action.call.sidechain or expected_failure(action, noise):
            continue
        later = view.actions[position + 1 :]
        key = keys.get(id(action))
        if key is not None and (key in fixed_keys or any(o.ok and keys.get(id(o)) == key for o in later)):
            continue  # its fix is already a lesson, or the same command worked later: not a hazard
        observation = _observation(view, action, _remedy(action, later, keys), noise)
        if observation is not None and observation.key not in seen:
            seen.add(observation.key)
            yield observation


def _remedy(action: Action, later: Sequence[Action], keys: dict[int, str]) -> Action | None:
    """A later run of the same command in another variant that worked (another spelling, a setting,
    a step before it: ``ulimit -n 4096 && cargo test``): the fix this session found."""
    failed = canonical.of_command(action.command or "")
    if action.command is None or failed is None:
        return None
    key = keys.get(id(action))
    for other in later:
        if not other.ok or other.command is None or keys.get(id(other)) == key:
            continue
        if any(part.head == failed.head for part in canonical.of_parts(other.command)):
            return other
    return None


def _key(action: Action) -> str:
    return canonical.key_of(action.command or "")


def _observation(view: SessionView, action: Action, remedy: Action | None, noise: frozenset[str]) -> Observation | None:
    error = signatures.without(action.output, noise)
    cause = signatures.error_class(error)
    what = cause or signatures.signature(error)
    if not what:
        return None
    tool = action.call.tool_name or "tool"
    form = canonical.of_command(action.command, error) if action.command else None
    subject = canonical.rendered(action.command, error) if action.command else tool
    missing = signatures.missing_program(error) if action.command else None
    earned = missing is not None or remedy is not None or cause in signatures.ENVIRONMENTAL
    if missing:
        key = f"hazard:missing:{missing}"
        statement = f"In this project: `{missing}` is not installed here (command not found); do not rely on it."
        trigger = Trigger(tools=(tool,), commands=(missing,), keywords=("command not found",))
    else:
        key = f"hazard:{_key(action) or tool}:{what}"
        statement = _statement(subject, error, cause, remedy)
        head = form.head if form is not None else ""
        trigger = Trigger(tools=(tool,), commands=(head,) if head else (), keywords=(cause,) if cause else ())
    against = (missing or (form.head if form else "")) if action.command and signatures.cannot_run(error) else ""
    return Observation(
        key=key,
        kind=LessonKind.HAZARD,
        topic=outcome_topic(missing or _key(action) or tool),
        stance="fails",
        against=against,  # a command that cannot run here any more disconfirms lessons that recommend it
        statement=statement,
        scope=view.scope(),
        evidence=_proof(action, remedy),
        extractor=NAME,
        trigger=trigger,
        min_sessions=MIN_SESSIONS,
        max_status=LessonStatus.ACTIVE if earned else LessonStatus.CANDIDATE,
        uncertainty=None if earned else "a recurring failure without a known cause or fix: review it",
    )


def _statement(subject: str, error: str, cause: str | None, remedy: Action | None) -> str:
    detail = signatures.cause_phrase(error).replace('"', "'").replace("`", "'")
    why = f'{cause}: "{detail}"' if cause and detail else cause or (f'"{detail}"' if detail else "see the evidence")
    if remedy is not None:
        fixed = canonical.rendered(remedy.command or "", error)
        return f"In this project: `{subject}` fails here ({why}); `{fixed}` worked instead."
    if cause == "module not found":
        module = _MODULE.search(error)
        name = next((group for group in module.groups() if group), "") if module else ""
        missing = f"`{name}`" if name else "a module it needs"
        return f"In this project: `{subject}` fails here: {missing} is not installed."
    if cause in signatures.ENVIRONMENTAL:
        return f"In this project: `{subject}` fails here ({why}); check the environment before running it."
    return f"In this project: `{subject}` has failed here in more than one session ({why})."


def _proof(action: Action, remedy: Action | None) -> tuple[Evidence, ...]:
    items = [evidence(action.call, Basis.OBSERVED, "failure", action.command or _describe(action))]
    if action.result is not None:
        items.append(evidence(action.result, Basis.OBSERVED, "failure_output", signatures.telling_line(action.output)))
    if remedy is not None:
        items.append(evidence(remedy.call, Basis.OBSERVED, "fix", remedy.command))
    return tuple(items)


def outcome_topic(subject: str) -> str:
    """The topic of hazards about ``subject`` (a canonical command, ``canonical.key``, or a missing
    program); a later clean run of exactly that clears them."""
    return f"fails:{subject}"


def abandoned_topic(signature: str) -> str:
    """The topic of approaches given up on ``signature`` (any variant); a later clean run clears them."""
    return f"abandoned:{signature}"


def _describe(action: Action) -> str:
    tool_input = action.call.tool_input or {}
    for name in ("file_path", "path", "pattern", "url", "query"):
        value = tool_input.get(name)
        if isinstance(value, str):
            return f"{action.call.tool_name}: {value}"
    return action.call.tool_name or "tool call"


EXTRACTOR = Extractor(name=NAME, summary="a failure of the environment recurring across sessions", extract=extract)
