"""Failures that are the work going as it should, and output lines that say nothing.

An agent's session is full of commands that "fail" by design: a red test run is a test doing its
job; a Read of a file that is not there, a ``grep`` without a match (exit 1), a ``test -f`` or
``diff`` returning 1, an ``ls`` of a missing path all answer a question. None of them is a hazard
of the project or a mistake that a later command fixed. A failure whose cause lies in the machine
(``signatures.ENVIRONMENTAL``: a missing program, permissions, the network, ...) is never expected.

Some environments print the same complaint on every command (a shell profile's "/bin/ps: Operation
not permitted" under a sandbox); ``session_noise`` collects the lines that commands which worked
printed too, so that such a line never passes for the cause of a failure.
"""

from __future__ import annotations

import re

from reverie.distill import commands, signatures
from reverie.distill.session_view import Action, SessionView

# Programs whose exit status 1 means "no" (no match, files differ, the test is false), not "broken".
_ANSWERS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack", "test", "[", "[[", "diff", "cmp", "which"})
_VERIFYING = frozenset({"test", "check", "lint", "typecheck", "format"})
_NOTHING_TO_DO = re.compile(r"nothing to commit|nothing added to commit|no changes added to commit", re.I)


def session_noise(view: SessionView) -> frozenset[str]:
    """Lines that commands which worked printed too (a shell profile's "Operation not permitted" on
    every call, a banner): they are not what made a failure fail."""
    cached = _LAST.get("view")
    if cached is None or cached[0] is not view:  # several extractors ask about one session in a row
        cached = _LAST["view"] = (view, _noise(view))
    return cached[1]


_LAST: dict[str, tuple[SessionView, frozenset[str]]] = {}


def _noise(view: SessionView) -> frozenset[str]:
    if not any(action.failed for action in view.actions):
        return frozenset()
    return frozenset(
        stripped
        for action in view.actions
        if action.ok and action.command is not None
        for line in signatures.unescaped(action.output[:_HEAD_CHARS]).splitlines()[:40]
        if (stripped := line.strip())
    )


_HEAD_CHARS = 4_000


def expected_failure(action: Action, noise: frozenset[str] = frozenset()) -> bool:
    """A failure that is the work going as it should, not a hazard of the project."""
    error = signatures.without(action.output, noise)
    if signatures.error_class(error) in signatures.ENVIRONMENTAL:
        return False
    if action.command is None:
        return True  # a file tool: a Read of a missing file, an edit whose text was not found, no match
    if commands.role(commands.signature(commands.main_segment(action.command))) in _VERIFYING:
        return True  # a red test (lint, type) run: the check found something, as it is meant to
    return signatures.red_test_run(error) or is_answer(action, noise)


def is_answer(action: Action, noise: frozenset[str] = frozenset()) -> bool:
    """A shell command whose "failure" answers a question: ``grep`` without a match, ``test -f``
    false, ``diff`` with differences, nothing to commit, ``ls`` or ``cat`` of a path that is not there."""
    if action.command is None:
        return False
    error = signatures.without(action.output, noise)
    code = signatures.exit_code(error)
    programs = {commands.signature(part).split(" ", 1)[0] for part in commands.segments(action.command)}
    if code == 1 and (programs & _ANSWERS or not signatures.says_anything(error) or _NOTHING_TO_DO.search(error)):
        return True
    sig = commands.signature(commands.main_segment(action.command))
    return commands.is_inspection(sig) and signatures.error_class(error) == "file not found"
