"""History and rollback: the store versions, who accepted what, and moving the head back.

Rollback is a pointer swap: the head moves to an earlier store version and ``head_lessons`` is
rebuilt from it; no lesson version is written or deleted, so rolling forward again is another
rollback (to the later version's id). The swap is audited like any decision.

Without a target, rollback goes to the state before the last accepted dream: the parent of the
newest version that review wrote on the head's line. Lessons that distill wrote after that point
are left behind with it (they stay on record in their versions); ``reverie history`` shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reverie.errors import InputError, NotFoundError
from reverie.review.actor import Actor
from reverie.review.decide import NotApprover
from reverie.store.protocol import AuditEntry, StoreVersion, VersionStore


@dataclass(frozen=True, slots=True)
class Rollback:
    before: StoreVersion
    after: StoreVersion
    lessons_changed: int


def line_of_head(store: VersionStore) -> list[StoreVersion]:
    """The head and its ancestors, newest first."""
    versions = {version.id: version for version in store.store_versions()}
    line: list[StoreVersion] = []
    current: int | None = store.head().id
    while current is not None and current in versions:
        line.append(versions[current])
        current = versions[current].parent
    return line


def default_target(store: VersionStore) -> int:
    line = line_of_head(store)
    for version in line:
        if version.created_by == "review" and version.parent is not None:
            return version.parent
    raise InputError("nothing to roll back: no accepted dream on the current line (`reverie history`)")


def plan(store: VersionStore, target: int | None) -> tuple[StoreVersion, StoreVersion, Sequence[str]]:
    """(head, target, lesson ids whose version differs): what a rollback would do, without doing it."""
    head = store.head()
    chosen = target if target is not None else default_target(store)
    versions = {version.id: version for version in store.store_versions()}
    if chosen not in versions:
        raise NotFoundError(f"no store version {chosen}; `reverie history` lists them")
    if versions[chosen].state in ("proposed", "discarded", "merged"):
        raise InputError(f"store version {chosen} is a dream's proposal, not a state of the store: accept it instead")
    now = {lesson.id: lesson.version for lesson in store.version_lessons(head.id)}
    then = {lesson.id: lesson.version for lesson in store.version_lessons(chosen)}
    differ = sorted(i for i in now.keys() | then.keys() if now.get(i) != then.get(i))
    return head, versions[chosen], differ


def rollback(store: VersionStore, target: int | None, *, actor: Actor, command: str) -> Rollback:
    if not actor.is_person:
        # Undoing an accepted change shapes behaviour as much as accepting one (a hook could go away).
        raise NotApprover(
            f"refused: this process runs inside an agent session ({actor.evidence}); "
            "a rollback needs a person: run `reverie rollback` in your own terminal."
        )
    head, chosen, differ = plan(store, target)
    if chosen.id == head.id:
        raise InputError(f"store version {chosen.id} is already the head")
    entry = AuditEntry(
        action="rollback",
        actor=actor.describe(),
        command=command,
        detail=f"head {head.id} -> {chosen.id}; {len(differ)} lesson(s) differ",
    )
    after = store.move_head(chosen.id, audit=[entry])
    return Rollback(before=head, after=after, lessons_changed=len(differ))
