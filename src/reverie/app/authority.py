"""Who may change what agents see or obey, and the audit entry every such attempt leaves.

The edges (CLI, web, MCP) know who is asking (``reverie.review.actor``) and which command they ran;
the use cases in this package refuse an agent where a change needs a person and write the audit
entry, so the check and the record are the same whichever edge the request came through.
"""

from __future__ import annotations

from reverie.review import NotApprover
from reverie.review.actor import Actor
from reverie.store.protocol import AuditEntry
from reverie.workspace import Workspace


def audit(workspace: Workspace, action: str, who: Actor, detail: str, *, command: str) -> None:
    workspace.store.add_audit([AuditEntry(action=action, actor=who.describe(), command=command, detail=detail)])


def refuse_agent(who: Actor, name: str, workspace: Workspace | None, *, command: str) -> None:
    """Raise (after auditing the attempt) when an agent asks for ``reverie <name>``, which has no proposal form."""
    if not who.is_agent:
        return
    if workspace is not None:
        audit(workspace, "refuse", who, f"{name}: needs a person", command=command)
    raise NotApprover(
        f"refused: `reverie {name}` needs a person: it changes what agents see or obey, and this process runs"
        f" inside an agent session ({who.evidence}). An agent may propose (`reverie remember`, `reverie forget`),"
        f" a person decides: ask them to run `reverie {name}` in their own terminal."
    )
