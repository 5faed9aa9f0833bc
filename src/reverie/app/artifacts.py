"""Compiling lessons into the files agents load, and removing or restoring one artifact: a person
only (an agent is refused and the attempt audited), every write audited.

Compiling is two steps because an edge may have to ask in between (taking an enforcing hook away is
an approval): ``plan`` says what would change, ``apply`` writes exactly that plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from reverie.app.authority import audit, refuse_agent
from reverie.artifacts import compiler
from reverie.artifacts.compiler import Plan
from reverie.artifacts.files import Record
from reverie.artifacts.model import Target
from reverie.artifacts.places import Places
from reverie.review.actor import Actor
from reverie.workspace import Workspace


def plan(
    workspace: Workspace, places: Places, targets: Sequence[Target], *, dry_run: bool, actor: Actor, command: str
) -> Plan:
    if not dry_run:
        refuse_agent(actor, "compile", workspace, command=command)
    return compiler.plan(workspace.store, places, tuple(targets))


def apply(workspace: Workspace, planned: Plan, *, actor: Actor, command: str) -> Plan:
    result = compiler.apply(workspace.store, planned)
    verbs = sorted({f"{a.verb} {a.artifact.id}" for a in result.actions if a.verb not in ("unchanged", "skip")})
    audit(workspace, "compile", actor, f"{planned.places.project_key}: {'; '.join(verbs)[:400]}", command=command)
    return result


def remove(workspace: Workspace, artifact_id: str, *, force: bool, actor: Actor, command: str) -> compiler.Removal:
    refuse_agent(actor, "artifacts remove", workspace, command=command)
    removal = compiler.remove(workspace.store, artifact_id, force=force)
    audit(workspace, "artifact-remove", actor, removal.record.artifact.id, command=command)
    return removal


def restore(workspace: Workspace, artifact_id: str, *, actor: Actor, command: str) -> Record:
    refuse_agent(actor, "artifacts restore", workspace, command=command)
    record = compiler.restore(workspace.store, artifact_id)
    audit(workspace, "artifact-restore", actor, record.artifact.id, command=command)
    return record
