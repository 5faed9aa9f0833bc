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

from reverie.distill import canonical, commands, signatures
from reverie.distill.command_fixes import find_fixes
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, Evidence, LessonKind, LessonStatus, Observation, Trigger

NAME = "hazards"
MIN_SESSIONS = 2
# Programs whose exit status 1 means "no" (no match, files differ, the test is false), not "broken".
_ANSWERS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack", "test", "[", "[[", "diff", "cmp", "which"})
_VERIFYING = frozenset({"test", "check", "lint", "typecheck", "format"})
_MODULE = re.compile(r"No module named '?([\w.]+)'?|Cannot find module '([^']+)'")


def extract(view: SessionView) -> Iterator[Observation]:
    fixes = find_fixes(view)
    fixed = {id(fix.failed) for fix in fixes}
    fixed_keys = {_key(fix.failed) for fix in fixes}
    seen: set[str] = set()
    for position, action in enumerate(view.actions):
        if not action.failed or id(action) in fixed or action.call.sidechain or expected_failure(action):
            continue
        later = view.actions[position + 1 :]
        if action.command is not None and (_key(action) in fixed_keys or _ran_clean(action, later)):
            continue  # its fix is already a lesson, or the same command worked later: not a hazard
        observation = _observation(view, action, _remedy(action, later))
        if observation is not None and observation.key not in seen:
            seen.add(observation.key)
            yield observation


def expected_failure(action: Action) -> bool:
    """A failure that is the work going as it should, not a hazard of the project."""
    error = action.output
    if signatures.error_class(error) in signatures.ENVIRONMENTAL:
        return False
    if action.command is None:
        return True  # a file tool: a Read of a missing file, an edit whose text was not found, no match
    if commands.role(commands.signature(commands.main_segment(action.command))) in _VERIFYING:
        return True  # a red test (lint, type) run: the check found something, as it is meant to
    code = signatures.exit_code(error)
    programs = {commands.signature(part).split(" ", 1)[0] for part in commands.segments(action.command)}
    if code == 1 and (programs & _ANSWERS or not _said_anything(error)):
        return True  # ``grep`` without a match, ``test -f`` false, ``diff`` with differences: answers
    sig = commands.signature(commands.main_segment(action.command))
    return commands.is_inspection(sig) and signatures.error_class(error) == "file not found"


def _said_anything(error: str) -> bool:
    return any(line.strip() and signatures.exit_code(line) is None for line in error.splitlines())


def _key(action: Action) -> str:
    return canonical.key_of(action.command or "")


def _ran_clean(action: Action, later: Sequence[Action]) -> bool:
    key = _key(action)
    return any(other.ok and other.command is not None and _key(other) == key for other in later)


def _remedy(action: Action, later: Sequence[Action]) -> Action | None:
    """A later run of the same command in another variant that worked: the fix this session found."""
    if action.command is None:
        return None
    failed = canonical.of_command(action.command)
    if failed is None:
        return None
    for other in later:
        if other.ok and other.command is not None:
            found = canonical.of_command(other.command)
            if found is not None and found.head == failed.head and found.key != failed.key:
                return other
    return None


def _observation(view: SessionView, action: Action, remedy: Action | None) -> Observation | None:
    error = action.output
    cause = signatures.error_class(error)
    what = cause or signatures.signature(error)
    if not what:
        return None
    tool = action.call.tool_name or "tool"
    form = canonical.of_command(action.command, error) if action.command else None
    subject = form.rendered if form is not None else tool
    missing = signatures.missing_program(error) if action.command else None
    earned = missing is not None or remedy is not None or cause in signatures.ENVIRONMENTAL
    if missing:
        key = f"hazard:missing:{missing}"
        statement = f"In this project: `{missing}` is not installed here (command not found); do not rely on it."
        trigger = Trigger(tools=(tool,), commands=(missing,), keywords=("command not found",))
    else:
        key = f"hazard:{form.key if form is not None else tool}:{what}"
        statement = _statement(subject, error, cause, remedy)
        head = form.head if form is not None else ""
        trigger = Trigger(tools=(tool,), commands=(head,) if head else (), keywords=(cause,) if cause else ())
    against = (missing or (form.head if form else "")) if action.command and signatures.cannot_run(error) else ""
    return Observation(
        key=key,
        kind=LessonKind.HAZARD,
        topic=outcome_topic(missing or (form.key if form is not None else tool)),
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
    if remedy is not None:
        fixed = canonical.of_command(remedy.command or "", error)
        instead = f"; `{fixed.rendered}` worked instead" if fixed is not None else ""
        return f"In this project: `{subject}` fails here ({cause or 'see the evidence'}){instead}."
    if cause == "module not found":
        module = _MODULE.search(error)
        name = next((group for group in module.groups() if group), "") if module else ""
        missing = f"`{name}`" if name else "a module it needs"
        return f"In this project: `{subject}` fails here: {missing} is not installed."
    if cause in signatures.ENVIRONMENTAL:
        return f"In this project: `{subject}` fails here ({cause}); check the environment before running it."
    quoted = signatures.phrase(error).replace("`", "'")
    return f"In this project: `{subject}` has failed here in more than one session ({cause or quoted})."


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
