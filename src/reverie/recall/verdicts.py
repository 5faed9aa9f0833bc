"""Before the mistake: a lesson that forbids the call about to run answers through the agent's own
permission decision, not as context.

Context that a PreToolUse hook adds reaches the model with the tool's *result*, after the call it
warns about has run, so it prevents nothing. A ``permissionDecision`` of ``deny`` (with the lesson as
the reason) stops the call, and the model reads why before it tries again; ``ask`` hands the call to
the person. Which one follows the lesson's force:

* a lesson at level ``hook`` (or above): deny, every time: the person chose enforcement;
* below (memory, instinct, rule): the ``call_decision`` setting, ``2`` deny once per session (the
  default: the model hears the lesson at the moment it matters, and a second try goes through, since
  the person may have asked for exactly this call), ``1`` ask the person, ``0`` context only.

A lesson forbids a call when its trigger fired on the call's own command or path (not a keyword) and
its statement forbids something ("Never ...", "Don't ...", "Avoid ..."), names what it advises
against ("Use `pnpm`, not `npm`" before ``npm install``), or says that very command fails here ("`git
push` fails here (no upstream branch); use `git push --set-upstream origin <branch>` instead" before a
bare ``git push``); a call that already follows the advice never triggers it. Such a lesson is left
out of the session-start digest while calls can be stopped (``stops_calls``): the call is where it
matters, and shown there it costs nothing in sessions that never make the call. Standard library
only: this runs inside the hook.
"""

from __future__ import annotations

from reverie.recall import rank, render
from reverie.recall import session_state as states

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from reverie.recall.lookup import IndexRow

DENY, ASK, CONTEXT_ONLY = 2, 1, 0
ENFORCING_LEVELS = ("hook", "command", "skill", "subagent")
_FORBIDDING = ("never ", "do not ", "don't ", "dont ", "avoid ", "stop ", "no longer ")
_FAILING = ("fails here", "is not installed here", "has failed here")  # how distill words a failing command


class Verdict:
    """A permission decision for one call, its reason (what the model reads) and the lessons behind it."""

    __slots__ = ("decision", "lessons", "reason")

    def __init__(self, decision: str, reason: str, lessons: list[str]) -> None:
        self.decision = decision
        self.reason = reason
        self.lessons = lessons


def forbids(hit: rank.Hit) -> bool:
    return hit.trigger >= rank.CALL_COMMAND_OR_PATH and stops_calls(hit.row)


def stops_calls(row: IndexRow) -> bool:
    """Whether a call that the lesson's commands or paths match would be stopped by it: it forbids
    something, names what it advises against, or says the command fails here (distill's "`X` fails
    here (...); use `Y` instead", "`X` is not installed here"); a call that already runs the advice
    does not trigger it (``rank.call_trigger``)."""
    if rank.role_fact_command(row):
        return True  # "run the tests with `nox -s tests`" stops a call that tests another way
    if not (row.commands or row.paths):
        return False
    text = render.statement_text(row.statement).lower()
    if text.startswith(_FORBIDDING) or ", not `" in text or (", not " in text and bool(row.stance)):
        return True
    if row.kind == "fact" and row.stance:
        return True  # "the package manager is `pnpm`" stops `npm install` (``rank.call_trigger``)
    return text.startswith("`") and any(f"` {words}" in text for words in _FAILING)


# Lessons one decision may carry: two hazards of one command both say why it fails, and the project's own way of
# doing that chore says what to run instead (built-in benchmark, seed 3: 2 more repeat mistakes prevented at 3)
MAX_REASONS = 3


def verdict(hits: Sequence[rank.Hit], state: states.SessionState, mode: int) -> Verdict | None:
    """The decision for a call whose candidate lessons are ``hits``; None to let it run. Every lesson
    that forbids the call (up to ``MAX_REASONS``, strongest first) goes into one reason: the model
    reads them all before it tries again."""
    chosen: list[rank.Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.score, h.row.id)):
        if not forbids(hit) or hit.decision == "expired" or hit.decision.startswith(("for ", "premise gone")):
            continue  # another agent's lesson, an expired one-off, a premise gone: they decide nothing here
        enforcing = hit.row.level in ENFORCING_LEVELS
        if not enforcing and (mode <= CONTEXT_ONLY or state.denied(hit.row.id)):
            continue
        chosen.append(hit)
        if len(chosen) == MAX_REASONS:
            break
    if not chosen:
        return None
    enforced = any(hit.row.level in ENFORCING_LEVELS for hit in chosen)
    decision = "deny" if enforced or mode >= DENY else "ask"
    for hit in chosen:
        state.mark_denied(hit.row.id)
        hit.decision = decision
    return Verdict(decision, _reason(chosen, decision), [hit.row.id for hit in chosen])


def _reason(hits: Sequence[rank.Hit], decision: str) -> str:
    then = (
        "Do it the way the lesson says; if this exact call is really wanted, ask the user."
        if decision == "deny"
        else "The user decides whether this call runs."
    )
    lines = [f"reverie lesson {h.row.id} ({h.row.where()}): {render.statement_text(h.row.statement)}" for h in hits]
    return render.wrap_injected("\n".join([*lines, then]), "decision")
