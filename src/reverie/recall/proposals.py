"""What agents propose: a new lesson, forgetting one, a new wording. Recorded, never applied.

Proposer is not approver: an agent (through the MCP server or the memory tool) may suggest a change to
the memory, and a person decides in review. A proposal is a row in the recall ledger
(``<home>/recall-ledger.db``) with its origin (``agent``), the channel it came through, and what it
asks; nothing in the lesson store changes. Text that carries reverie's own injected-context marker is
refused: it is what reverie showed the agent, and echoing it back must not become memory.

Every edge records through ``reverie.app.proposals`` (the MCP server, the memory tool, the CLI's
``remember`` / ``forget`` / ``promote`` / ``evolve`` inside an agent session), and a person's decision
goes through it too: accepting applies the proposal, or turns a promotion into a change-set in
review's queue.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from reverie.domain.lessons import ScopeLevel
from reverie.domain.markers import contains_injected
from reverie.errors import InputError, NotFoundError
from reverie.store.recall_ledger import LEDGER_FILE, ProposalRow, RecallLedger
from reverie.workspace import Workspace

MAX_STATEMENT_CHARS = 2_000
PENDING = "pending"
WITHDRAWN = "withdrawn"
ACCEPTED = "accepted"
REJECTED = "rejected"
KINDS = ("lesson", "forget", "edit", "move", "evolve")


def ledger(workspace: Workspace) -> RecallLedger:
    return RecallLedger(workspace.home / LEDGER_FILE)


def propose_lesson(
    workspace: Workspace,
    statement: str,
    *,
    scope: str = "project",
    project: str | None = None,
    reason: str = "",
    via: str,
    details: dict[str, Any] | None = None,
) -> ProposalRow:
    """A new lesson, as an agent states it; it waits for review as a candidate."""
    text = _statement(statement)
    level = _scope(scope, project)
    row = _row("lesson", None, text, reason, level, project if level == ScopeLevel.PROJECT else None, via, details)
    return _add(workspace, row)


def propose_forget(workspace: Workspace, lesson_id: str, reason: str, *, via: str) -> ProposalRow:
    """Forgetting a lesson, with the agent's reason; the lesson stays as it is until review."""
    lesson = workspace.store.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(f"no lesson {lesson_id!r}")
    if not reason.strip():
        raise InputError("say why the lesson should be forgotten")
    project = lesson.scope.project
    row = _row("forget", lesson.id, lesson.statement, reason, lesson.scope.level, project, via, None)
    return _add(workspace, row)


def propose_edit(workspace: Workspace, lesson_id: str, statement: str, reason: str, *, via: str) -> ProposalRow:
    """A new wording for an existing lesson."""
    lesson = workspace.store.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(f"no lesson {lesson_id!r}")
    details = {"previous": lesson.statement}
    row = _row("edit", lesson.id, _statement(statement), reason, lesson.scope.level, lesson.scope.project, via, details)
    return _add(workspace, row)


def propose_move(
    workspace: Workspace, lesson_id: str, to: str, reason: str, *, via: str, kind: str = "move"
) -> ProposalRow:
    """A wider scope (``move``, from ``reverie promote``) or a stronger artifact (``evolve``) for a lesson."""
    lesson = workspace.store.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(f"no lesson {lesson_id!r}")
    details = {"to": to}
    row = _row(kind, lesson.id, lesson.statement, reason, lesson.scope.level, lesson.scope.project, via, details)
    return _add(workspace, row)


def decide(workspace: Workspace, proposal_id: str, status: str) -> ProposalRow:
    """Mark a pending proposal accepted or rejected (the caller applied it, or not)."""
    records = ledger(workspace)
    try:
        proposal = records.proposal(proposal_id) or _unique(records.proposals(), proposal_id)
        if proposal.status != PENDING:
            raise InputError(f"proposal {proposal.id} is already {proposal.status}")
        records.set_proposal_status(proposal.id, status)
        return proposal
    finally:
        records.close()


def find(workspace: Workspace, proposal_id: str) -> ProposalRow:
    records = ledger(workspace)
    try:
        return records.proposal(proposal_id) or _unique(records.proposals(), proposal_id)
    finally:
        records.close()


def _unique(rows: list[ProposalRow], prefix: str) -> ProposalRow:
    found = [row for row in rows if row.id.upper().startswith(prefix.upper())] if prefix else []
    if len(found) != 1:
        raise NotFoundError(f"no proposal {prefix!r}" if not found else f"{prefix!r} matches {len(found)} proposals")
    return found[0]


def withdraw(workspace: Workspace, proposal_id: str) -> bool:
    records = ledger(workspace)
    try:
        proposal = records.proposal(proposal_id)
        if proposal is None or proposal.status != PENDING:
            return False
        return records.set_proposal_status(proposal_id, WITHDRAWN)
    finally:
        records.close()


def pending(workspace: Workspace) -> list[ProposalRow]:
    records = ledger(workspace)
    try:
        return records.proposals(status=PENDING)
    finally:
        records.close()


def _statement(statement: str) -> str:
    text = statement.strip()
    if not text:
        raise InputError("a proposal needs a statement")
    if len(text) > MAX_STATEMENT_CHARS:
        raise InputError(f"a lesson is one statement, at most {MAX_STATEMENT_CHARS} characters (got {len(text)})")
    if contains_injected(text):
        raise InputError("the text contains reverie's injected context, which is never learned from")
    return text


def _scope(scope: str, project: str | None) -> ScopeLevel:
    try:
        level = ScopeLevel(scope)
    except ValueError:
        raise InputError(f"scope must be one of {', '.join(s.value for s in ScopeLevel)}, not {scope!r}") from None
    if level is ScopeLevel.PROJECT and not project:
        raise InputError("a project lesson needs a project")
    return level


def _row(
    kind: str,
    lesson_id: str | None,
    statement: str,
    reason: str,
    scope: ScopeLevel,
    project: str | None,
    via: str,
    details: dict[str, Any] | None,
) -> ProposalRow:
    created = datetime.now(UTC).isoformat(timespec="microseconds")
    digest = hashlib.sha256("\x1f".join((kind, lesson_id or "", statement, created)).encode()).hexdigest()
    return ProposalRow(
        id="P" + digest[:11],
        kind=kind,
        lesson_id=lesson_id,
        statement=statement,
        reason=reason.strip()[:MAX_STATEMENT_CHARS],
        scope=scope.value,
        project=project,
        origin="agent",
        via=via,
        status=PENDING,
        body=dict(details or {}),
        created_at=created,
    )


def _add(workspace: Workspace, row: ProposalRow) -> ProposalRow:
    records = ledger(workspace)
    try:
        records.add_proposal(row)
    finally:
        records.close()
    return row
