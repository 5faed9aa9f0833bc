"""Proposals as use cases: what an agent asks to change, what a person asks to strengthen, and a
person's decision on each.

Agents propose through the MCP server, the memory tool, or by running ``remember`` / ``forget`` /
``promote`` / ``evolve`` inside their session. The request is recorded in the agent-proposal ledger
(``reverie.recall.proposals``) and, when the edge knows who asked, audited; nothing reaches the lesson
store until a person accepts it here. Accepting a lesson remembers it, a forget writes the tombstone,
a rewording forgets the old lesson and remembers the new wording, and a promotion or evolution becomes
a change-set in review's queue (``reverie.review.proposals``), decided like a dream's.
"""

from __future__ import annotations

from typing import Any

from reverie.app.authority import audit, refuse_agent
from reverie.app.recall import lessons_changed
from reverie.distill import forget, remember
from reverie.domain.lessons import ScopeLevel
from reverie.errors import InputError
from reverie.recall import proposals as ledger
from reverie.review import proposals as review_proposals
from reverie.review.actor import Actor
from reverie.review.proposals import EVOLVE_LEVELS, Proposal
from reverie.store.recall_index import ProposalRow
from reverie.workspace import Workspace


def propose_lesson(
    workspace: Workspace,
    statement: str,
    *,
    scope: str = "project",
    project: str | None = None,
    reason: str = "",
    via: str,
    details: dict[str, Any] | None = None,
    actor: Actor | None = None,
    command: str = "",
) -> ProposalRow:
    row = ledger.propose_lesson(
        workspace, statement, scope=scope, project=project, reason=reason, via=via, details=details
    )
    _audit(workspace, actor, command, f"{row.id}: remember {statement[:200]}")
    return row


def propose_forget(
    workspace: Workspace, lesson_id: str, reason: str, *, via: str, actor: Actor | None = None, command: str = ""
) -> ProposalRow:
    row = ledger.propose_forget(workspace, lesson_id, reason, via=via)
    _audit(workspace, actor, command, f"{row.id}: forget {lesson_id}")
    return row


def propose_edit(
    workspace: Workspace, lesson_id: str, statement: str, reason: str, *, via: str, actor: Actor | None = None
) -> ProposalRow:
    """A new wording for an existing lesson (the memory tool's edit of a lesson file)."""
    row = ledger.propose_edit(workspace, lesson_id, statement, reason, via=via)
    _audit(workspace, actor, "", f"{row.id}: reword {lesson_id}")
    return row


def propose_move(
    workspace: Workspace, lesson_id: str, to: str, reason: str, *, kind: str, via: str, actor: Actor, command: str
) -> ProposalRow:
    """An agent's ``promote`` (``move``) or ``evolve``: recorded for a person to turn into a change-set."""
    row = ledger.propose_move(workspace, lesson_id, to, reason, via=via, kind=kind)
    _audit(workspace, actor, command, f"{row.id}: {kind} {lesson_id} -> {to}")
    return row


__all__ = ["EVOLVE_LEVELS", "Proposal"]  # what the edges show and offer; the rest are use cases below


def promote(workspace: Workspace, lesson_id: str, to: str, *, reason: str) -> Proposal:
    """A person asks for a wider scope: one change in review's queue, applied only when accepted."""
    return review_proposals.propose_promotion(workspace.store, workspace.home, lesson_id, to, reason=reason)


def evolve(workspace: Workspace, lesson_id: str, to: str, *, reason: str) -> Proposal:
    """A person asks for a higher level on the force ladder: one change in review's queue."""
    return review_proposals.propose_evolution(workspace.store, workspace.home, lesson_id, to, reason=reason)


def accept(workspace: Workspace, row: ProposalRow, *, actor: Actor, command: str) -> str:
    """Apply an agent's proposal (a person only); what was done, in words."""
    refuse_agent(actor, "proposals accept", workspace, command=command)
    done = _apply(workspace, row)
    ledger.decide(workspace, row.id, ledger.ACCEPTED)
    audit(workspace, "accept-proposal", actor, f"{row.id} ({row.kind}): {done}", command=command)
    lessons_changed(workspace)
    return done


def reject(workspace: Workspace, proposal_id: str, *, reason: str, actor: Actor, command: str) -> ProposalRow:
    refuse_agent(actor, "proposals reject", workspace, command=command)
    row = ledger.decide(workspace, ledger.find(workspace, proposal_id).id, ledger.REJECTED)
    audit(workspace, "reject-proposal", actor, f"{row.id} ({row.kind}): {reason[:200]}", command=command)
    return row


def _apply(workspace: Workspace, row: ProposalRow) -> str:
    store = workspace.store
    why = row.reason or f"proposed by an agent ({row.id})"
    if row.kind == "lesson":
        written = remember(store, row.statement, scope=ScopeLevel(row.scope), project=row.project)
        return "remembered " + ", ".join(lesson.id for lesson in written)
    if row.kind == "forget" and row.lesson_id:
        return f"forgot {forget(store, row.lesson_id, why).id}"
    if row.kind == "edit" and row.lesson_id:
        written = remember(store, row.statement, scope=ScopeLevel(row.scope), project=row.project)
        forget(store, row.lesson_id, f"reworded as {', '.join(lesson.id for lesson in written)}: {why}")
        return f"forgot {row.lesson_id}, remembered " + ", ".join(lesson.id for lesson in written)
    if row.kind in ("move", "evolve") and row.lesson_id:
        to = str(row.body.get("to", ""))
        made = (promote if row.kind == "move" else evolve)(workspace, row.lesson_id, to, reason=why)
        return f"change {made.change.id} of {made.dream_id} waits in review (`reverie review {made.dream_id}`)"
    raise InputError(f"proposal {row.id} of kind {row.kind!r} cannot be applied here")


def _audit(workspace: Workspace, actor: Actor | None, command: str, detail: str) -> None:
    if actor is not None:
        audit(workspace, "propose", actor, detail, command=command)
