"""Deciding on a change-set: approve, accept, reject, discard, edit. The only code that writes what a dream proposed.

``accept`` takes the changes chosen (``only`` / ``exclude``), and for each one checks, in order:

1. **integrity**: its body still hashes to the hash stored with it (nothing edited it behind review);
2. **approval**: the person approved exactly this content hash. The CLI approves what it displayed;
   a library caller passes ``approved`` or relies on approvals recorded with ``approve``. A change
   edited since (``edit``) hashes differently and needs a new approval;
3. **authority**: a person may accept anything. A process inside an agent session, or a policy
   acting alone (``dream --auto``), may accept only what the policy file names as low-risk, and only
   when the change does not shape behaviour. Everything else is refused with the reason;
4. **freshness**: it still applies to the current head (``apply.rebase``).

Before any of that, a dream whose gate marked it regressing (``reverie.review.verdict``) is accepted
only with ``accept_regression`` (``--accept-regression``): otherwise nothing of it is, and the refusal
is audited. A policy acting alone never passes it.

What passes is written as one new store version, with the approvals, the decisions and one audit
entry per change, in one transaction; refusals are audited too. Then recall's index is refreshed by
the caller (the CLI), since the head moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from reverie.domain.changes import ACCEPTED, REJECTED, Change
from reverie.dream.runner import resolve
from reverie.errors import InputError, ReverieError
from reverie.review import apply, verdict
from reverie.review.actor import Actor
from reverie.review.policy import Policy
from reverie.store import Store
from reverie.store.protocol import AuditEntry, StoredChange, StoreVersion


class NotApprover(ReverieError):
    """The process asking to accept may propose, but not approve, these changes."""


@dataclass(frozen=True, slots=True)
class Acceptance:
    dream_id: str
    accepted: tuple[str, ...] = ()
    refused: dict[str, str] = field(default_factory=dict)  # change id -> why
    version: StoreVersion | None = None  # the new head, when anything was accepted


def choose(stored: Sequence[StoredChange], only: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[StoredChange]:
    known = {item.change.id.upper() for item in stored}
    wanted = {name.strip().upper() for name in only if name.strip()}
    unwanted = {name.strip().upper() for name in exclude if name.strip()}
    unknown = sorted((wanted | unwanted) - known)
    if unknown:
        raise InputError(f"no change {', '.join(unknown)} in this dream (it has {', '.join(sorted(known)) or 'none'})")
    return [
        item
        for item in stored
        if (not wanted or item.change.id.upper() in wanted) and item.change.id.upper() not in unwanted
    ]


def accept(
    store: Store,
    dream_id: str,
    *,
    actor: Actor,
    policy: Policy,
    command: str,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    approved: Mapping[str, str] | None = None,
    now: datetime | None = None,
    accept_regression: bool = False,
) -> Acceptance:
    record = resolve(store, dream_id)
    if record.status != "completed":
        raise InputError(f"dream {record.id} is {record.status}: only a completed dream has changes to accept")
    chosen = [item for item in choose(store.dream_changes(record.id), only, exclude) if item.decision is None]
    _gate_check(store, record.id, verdict.read(record.usage), chosen, actor, command, accept_regression)
    approvals = dict(approved) if approved is not None else _recorded(store, record.id)
    refused: dict[str, str] = {}
    acceptable: list[Change] = []
    for item in chosen:
        reason = _refusal(item, approvals, actor, policy)
        if reason:
            refused[item.change.id] = reason
        else:
            acceptable.append(item.change)
    if refused and not acceptable and actor.is_agent:
        # Nothing at all may be accepted from here: say so plainly instead of a list of refusals.
        _audit_refusals(store, record.id, refused, chosen, actor, command)
        raise NotApprover(_not_approver_message(actor, refused))
    moment = now or datetime.now(UTC)
    rebased = apply.rebase(store, acceptable, now=moment)
    refused.update({cid: f"stale: {why}; dream again" for cid, why in rebased.stale.items()})
    _audit_refusals(store, record.id, refused, chosen, actor, command)
    if not rebased.applied:
        return Acceptance(record.id, (), refused)
    by_id = {change.id: change for change in acceptable}
    for change_id in rebased.applied:
        store.approve(
            record.id,
            change_id,
            by_id[change_id].content_hash,
            audit=_entry("approve", by_id[change_id], record.id, actor, command),
        )
    version = store.commit_version(
        rebased.lessons,
        created_by="review",
        dream_id=record.id,
        accepted_by=actor.name,
        note=f"accepted {len(rebased.applied)} of the {len(by_id) + len(refused)} change(s) decided",
        decisions=[(cid, ACCEPTED) for cid in rebased.applied],
        audit=[
            _entry("accept" if actor.is_person else "auto-accept", by_id[cid], record.id, actor, command)
            for cid in rebased.applied
        ],
    )
    return Acceptance(record.id, rebased.applied, refused, version)


def _gate_check(
    store: Store,
    dream_id: str,
    gated: verdict.GateVerdict | None,
    chosen: Sequence[StoredChange],
    actor: Actor,
    command: str,
    accept_regression: bool,
) -> None:
    try:
        verdict.refuse_unless(gated, dream_id, accept_regression=accept_regression and actor.is_person)
    except verdict.RegressingDream:
        why = "the dream's gate marked it regressing; not accepted without --accept-regression"
        _audit_refusals(store, dream_id, {item.change.id: why for item in chosen}, chosen, actor, command)
        raise


def approve(store: Store, dream_id: str, change_id: str, *, actor: Actor, command: str) -> str:
    """Record a person's approval of a change as it is now; returns the hash approved."""
    record = resolve(store, dream_id)
    (item,) = choose(store.dream_changes(record.id), only=[change_id])
    if not actor.is_person:
        raise NotApprover(_not_approver_message(actor, {item.change.id: "approval needs a person"}))
    store.approve(
        record.id,
        item.change.id,
        item.change.content_hash,
        audit=_entry("approve", item.change, record.id, actor, command),
    )
    return item.change.content_hash


def discard(store: Store, dream_id: str, *, actor: Actor, command: str) -> int:
    """Reject every undecided change; the proposed version is discarded. Returns how many."""
    record = resolve(store, dream_id)
    open_changes = [item.change for item in store.dream_changes(record.id) if item.decision is None]
    entries = [_entry("discard", change, record.id, actor, command) for change in open_changes]
    if not open_changes:
        entries = [
            AuditEntry(
                action="discard", actor=actor.name, command=command, dream_id=record.id, detail="nothing undecided"
            )
        ]
    store.decide(record.id, [(change.id, REJECTED) for change in open_changes], audit=entries)
    return len(open_changes)


@dataclass(frozen=True, slots=True)
class Rejection:
    dream_id: str
    rejected: tuple[str, ...] = ()
    refused: dict[str, str] = field(default_factory=dict)  # change id -> why


def reject(
    store: Store,
    dream_id: str,
    change_ids: Sequence[str],
    *,
    actor: Actor,
    command: str,
    shown: Mapping[str, str] | None = None,
) -> Rejection:
    """Reject some undecided changes (``discard`` rejects them all); the store stays as it is.

    With ``shown`` (change id -> the content hash the person saw), a change edited since is refused
    rather than rejected, so a decision, either way, covers exactly what was shown."""
    record = resolve(store, dream_id)
    chosen = [item for item in choose(store.dream_changes(record.id), only=change_ids) if item.decision is None]
    refused = {
        item.change.id: "changed since it was shown: review it again"
        for item in chosen
        if shown is not None and shown.get(item.change.id) != item.change.content_hash
    }
    _audit_refusals(store, record.id, refused, chosen, actor, command)
    rejected = [item.change for item in chosen if item.change.id not in refused]
    if rejected:
        store.decide(
            record.id,
            [(change.id, REJECTED) for change in rejected],
            audit=[_entry("reject", change, record.id, actor, command) for change in rejected],
        )
    return Rejection(record.id, tuple(change.id for change in rejected), refused)


def edit(store: Store, dream_id: str, change_id: str, *, statement: str, actor: Actor, command: str) -> Change:
    """Reword what a change's main lesson will say. The edited change has a new hash: any approval
    given before covers the old wording only."""
    record = resolve(store, dream_id)
    (item,) = choose(store.dream_changes(record.id), only=[change_id])
    if item.decision is not None:
        raise InputError(f"{change_id} was already {item.decision}")
    if not statement.strip() or not item.change.after:
        raise InputError("give the new statement")
    first, *rest = item.change.after
    edited = replace(item.change, after=(replace(first, statement=statement.strip()), *rest))
    store.replace_change(record.id, edited, audit=_entry("edit", edited, record.id, actor, command))
    return edited


def _refusal(item: StoredChange, approvals: Mapping[str, str], actor: Actor, policy: Policy) -> str:
    change = item.change
    if change.content_hash != item.stored_hash:
        return "its stored body no longer matches the hash it was proposed with: edited outside review"
    if not actor.is_person:
        if policy.accepts(change):
            return ""
        return (
            f"{change.policy_name} needs a person (inside an agent session, or unattended, only low-risk"
            " changes named in the policy file are accepted)"
        )
    if approvals.get(change.id) != change.content_hash:
        return "not approved as it is now (edited since it was approved?): review it and approve again"
    return ""


def _recorded(store: Store, dream_id: str) -> dict[str, str]:
    current = {item.change.id: item.change.content_hash for item in store.dream_changes(dream_id)}
    return {cid: digest for cid, digest in store.approvals(dream_id) if current.get(cid) == digest}


def _audit_refusals(
    store: Store, dream_id: str, refused: Mapping[str, str], chosen: Sequence[StoredChange], actor: Actor, command: str
) -> None:
    by_id = {item.change.id: item.change for item in chosen}
    entries = [
        AuditEntry(
            action="refuse",
            actor=actor.describe(),
            command=command,
            dream_id=dream_id,
            change_id=cid,
            content_hash=by_id[cid].content_hash if cid in by_id else None,
            detail=why,
        )
        for cid, why in refused.items()
    ]
    if entries:
        store.decide(dream_id, [], audit=entries)


def _entry(action: str, change: Change, dream_id: str, actor: Actor, command: str) -> AuditEntry:
    return AuditEntry(
        action=action,
        actor=actor.describe(),
        command=command,
        dream_id=dream_id,
        change_id=change.id,
        content_hash=change.content_hash,
        detail=f"{change.policy_name}: {', '.join(change.lesson_ids)}",
    )


def _not_approver_message(actor: Actor, refused: Mapping[str, str]) -> str:
    return (
        f"refused: this process runs inside an agent session ({actor.evidence}). An agent may dream and "
        f"propose, but accepting {', '.join(refused)} needs a person: run `reverie accept` in your own terminal. "
        "Low-risk changes (exact duplicates, expired one-offs) can be auto-accepted by naming them in "
        "policy.toml under [review] auto_accept."
    )
