"""Dreams and their review, as use cases: what happens when a dream is run, accepted, rejected,
discarded or rolled back, whichever edge asked (``reverie dream`` / ``accept``, the web UI, the demo).

Running a dream (``dream``): distill first, under the distill lock, so the head the dream seals is
current; with ``auto``, run only when the policy says one is due; measure the proposal with the gate
(``--gate`` or ``[dream] gate`` in policy.toml; a labels file adds the eval harness's labelled
metrics); then, for ``auto`` only, let the policy accept the low-risk changes of a dream its gate did
not mark regressing.

Accepting (``accept``), the one path every edge takes:

1. ``review.decide.accept`` under policy.toml: each change's integrity, the approval bound to the
   content hash the person was shown, the actor's authority (an agent cannot accept what shapes
   behaviour), the gate's verdict (a regressing dream needs ``accept_regression``), freshness;
2. the accepted changes are rebased onto the current head and written as one new store version,
   with one audit entry per decision (``review.apply``; refusals are audited too);
3. when anything was accepted, the recall index is rebuilt (``app.recall.lessons_changed``), so the
   next hook shows what the new head holds and nothing it retired.

Rolling back moves the head pointer back (a person only) and rebuilds the index the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reverie.app.authority import refuse_agent
from reverie.app.recall import lessons_changed
from reverie.distill import distill
from reverie.distill.lock import single_flight
from reverie.domain.changes import Change
from reverie.dream import DreamRequest, passes, run_dream
from reverie.dream.runner import auto_due, resolve
from reverie.dream.snapshot import PremiseCheck
from reverie.errors import NotFoundError
from reverie.evals.gate import read_labels
from reverie.recall.session_state import SessionState, safe_session_id
from reverie.review import decide, history, policy, verdict
from reverie.review.actor import Actor, policy_actor
from reverie.review.decide import Acceptance, Rejection
from reverie.review.gate import DreamGate, gate_for
from reverie.store.protocol import DreamRecord, StoredChange, StoreVersion
from reverie.workspace import Workspace


@dataclass(frozen=True, slots=True)
class DreamOrder:
    """What a dream is asked to do. ``gate`` is ``--gate``'s value (None: policy.toml's), ``cwd`` the
    folder a relative labels path given on the command line is read from."""

    session_ids: Sequence[str] = ()
    since: timedelta | None = None
    instructions: str = ""
    auto: bool = False
    wait: float = 5.0
    gate: str | None = None
    cwd: Path | None = None
    now: datetime | None = None  # the dream's clock (the demo's samples are dated in the past)


@dataclass(frozen=True, slots=True)
class Dreamt:
    record: DreamRecord | None  # None: an ``auto`` dream that was not due
    reason: str = ""  # why it did not run
    auto_accepted: tuple[str, ...] = ()


def dream(
    workspace: Workspace, order: DreamOrder, *, command: str, progress: Callable[[int, int], None] | None = None
) -> Dreamt:
    """``progress`` hears (done, total) in steps: the new sessions distilled first, then each pass."""
    rules = policy.load(workspace.home)
    tick = progress or _unheard
    steps = len(passes())
    distilled = 0

    def distilling(done: int, total: int) -> None:
        nonlocal distilled
        distilled = total
        tick(done, total + steps)

    with single_flight(workspace.home / "distill.lock") as ours:
        if ours:  # another distill is running: the head it leaves is what the next dream reads
            distill(workspace.store, progress=distilling)
    if order.auto:
        reason = auto_due(
            workspace.store, min_sessions=rules.auto_after_sessions, cooldown=rules.cooldown, now=datetime.now(UTC)
        )
        if reason:
            return Dreamt(None, reason)
    request = DreamRequest(
        session_ids=tuple(order.session_ids),
        since=order.since,
        instructions=order.instructions,
        trigger="auto" if order.auto else "manual",
        budget_seconds=rules.time_budget_seconds,
        budget_tokens=rules.token_budget,
        wait=order.wait,
        now=order.now,
        premise_checks=lambda session_ids: premise_checks(workspace.home, session_ids),
    )
    record = run_dream(
        workspace.store,
        workspace.home,
        request,
        gate=gate(workspace, rules, order),
        progress=lambda done, total: tick(distilled + done, distilled + total),
    )
    if not (order.auto and record.status == "completed" and record.changes and not regressing(record)):
        return Dreamt(record)
    outcome = _accept(workspace, record.id, policy_actor(), rules, command)
    return Dreamt(workspace.store.dream(record.id) or record, auto_accepted=outcome.accepted)


def premise_checks(home: Path, session_ids: Sequence[str]) -> list[PremiseCheck]:
    """What recall's session-start premise checks found in these sessions (``recall/session_state``):
    the dream reads it as input, since a pass never looks at a checkout itself."""
    found = []
    for session_id in session_ids:
        safe = safe_session_id(session_id)
        state = SessionState.load(str(home), safe) if safe else None
        if state is not None and state.loaded:  # recall answered this session
            found.append(PremiseCheck(session_id, dict(state.unmet)))
    return found


def _unheard(done: int, total: int) -> None:
    """No one listens to the progress."""


def accept(
    workspace: Workspace,
    dream_id: str,
    *,
    actor: Actor,
    command: str,
    only: Sequence[str] = (),
    approved: Mapping[str, str] | None = None,
    accept_regression: bool = False,
) -> Acceptance:
    """Accept the approved changes of a dream into a new head (see the module docstring)."""
    rules = policy.load(workspace.home)
    return _accept(workspace, dream_id, actor, rules, command, only, approved, accept_regression)


def _accept(
    workspace: Workspace,
    dream_id: str,
    actor: Actor,
    rules: policy.Policy,
    command: str,
    only: Sequence[str] = (),
    approved: Mapping[str, str] | None = None,
    accept_regression: bool = False,
) -> Acceptance:
    outcome = decide.accept(
        workspace.store,
        dream_id,
        actor=actor,
        policy=rules,
        command=command,
        only=only,
        approved=approved,
        accept_regression=accept_regression,
    )
    if outcome.accepted:
        lessons_changed(workspace)
    return outcome


def reject(
    workspace: Workspace,
    dream_id: str,
    change_ids: Sequence[str],
    *,
    actor: Actor,
    command: str,
    shown: Mapping[str, str],
) -> Rejection:
    """Reject some changes; nothing in the lessons changes, so the index stays as it is."""
    return decide.reject(workspace.store, dream_id, change_ids, actor=actor, command=command, shown=shown)


def edit(workspace: Workspace, dream_id: str, change_id: str, *, statement: str, actor: Actor, command: str) -> Change:
    """Reword what a change's main lesson will say; the edited change needs a new approval."""
    return decide.edit(workspace.store, dream_id, change_id, statement=statement, actor=actor, command=command)


def undecided(
    workspace: Workspace, record: DreamRecord, only: Sequence[str], exclude: Sequence[str]
) -> list[StoredChange]:
    """The changes ``--only`` / ``--except`` name that are still undecided: what an accept would show."""
    chosen = decide.choose(workspace.store.dream_changes(record.id), only, exclude)
    return [item for item in chosen if item.decision is None]


def discard(workspace: Workspace, prefix: str | None, *, actor: Actor, command: str) -> tuple[DreamRecord, int]:
    """Reject every undecided change of a dream (a person only)."""
    refuse_agent(actor, "discard", workspace, command=command)
    record = pick(workspace, prefix)
    return record, decide.discard(workspace.store, record.id, actor=actor, command=command)


def rollback_plan(
    workspace: Workspace, version: int | None, *, actor: Actor, command: str
) -> tuple[StoreVersion, StoreVersion, Sequence[str]]:
    """(head, target, lessons that differ): what ``rollback`` would do; refuses an agent first."""
    refuse_agent(actor, "rollback", workspace, command=command)
    return history.plan(workspace.store, version)


def rollback(workspace: Workspace, target: int, *, actor: Actor, command: str) -> history.Rollback:
    done = history.rollback(workspace.store, target, actor=actor, command=command)
    lessons_changed(workspace)
    return done


def pick(workspace: Workspace, prefix: str | None) -> DreamRecord:
    """The dream a prefix names, else the newest with undecided changes."""
    if prefix:
        return resolve(workspace.store, prefix)
    completed = [d for d in workspace.store.dreams() if d.status == "completed" and d.decided < d.changes]
    if not completed:
        raise NotFoundError("no dream with undecided changes; `reverie dreams` lists them")
    return completed[0]


def gate(workspace: Workspace, rules: policy.Policy, order: DreamOrder) -> DreamGate | None:
    """The gate ``--gate`` names, else policy.toml's. A relative labels path is read from the working
    directory on the command line, from the reverie home in policy.toml."""
    if order.gate is None:
        return gate_for(rules.gate, workspace.store, base=workspace.home, read_labels=read_labels)
    return gate_for(order.gate, workspace.store, base=order.cwd or Path.cwd(), read_labels=read_labels)


def regressing(record: DreamRecord) -> bool:
    gated = verdict.read(record.usage)
    return gated is not None and gated.regressing
