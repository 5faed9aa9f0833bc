"""The one extension point of dreaming: the ordered list of passes.

A pass is a name, a one-line summary and a pure function from a ``Snapshot`` to proposed changes.
The built-ins are registered below with the same ``register`` a user calls for their own:

    from reverie.dream import DreamPass, register

    def no_todo_lessons(snapshot):
        return [...]  # Change values; ids are assigned by the runner

    register(DreamPass("no-todos", "retire lessons that are only TODO notes", no_todo_lessons))

The list lives in the extension table (``reverie.extensions.DREAM_PASSES``): packages may also ship
passes through its ``reverie.dream_passes`` entry-point group (each entry point names a ``DreamPass``);
``passes()`` loads them after the built-ins. Order matters: each pass
sees the snapshot as the passes before it would leave it, so clean-up runs first (fewer lessons to
compare), then dedupe, promotion, contradictions (last of those that change what is active, so
nothing an earlier pass proposed is left contradicting anything), then evolution, and last the
activation of stated candidates, which only a person accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reverie.domain.changes import Change
from reverie.dream.passes import (
    contradictions,
    dedupe,
    evolution,
    expiry,
    gone,
    misfires,
    premises,
    promotion,
    staleness,
    stated,
)
from reverie.dream.snapshot import Snapshot
from reverie.extensions import DREAM_PASSES

ENTRY_POINT_GROUP = DREAM_PASSES.group


@dataclass(frozen=True, slots=True)
class DreamPass:
    name: str
    summary: str
    run: Callable[[Snapshot], Sequence[Change]]


def register(dream_pass: DreamPass) -> DreamPass:
    """Add a pass at the end (a pass of the same name is replaced in place)."""
    DREAM_PASSES.register(dream_pass)
    return dream_pass


def passes() -> tuple[DreamPass, ...]:
    """The built-ins, anything registered at run time, then installed plugins."""
    return DREAM_PASSES.all(DreamPass)


_BUILT_INS = (
    DreamPass("expiry", "one-off items and single-session unconfirmed candidates expire", expiry.propose),
    DreamPass("staleness", "lessons about commands that now fail, and unconfirmed ones that decay", staleness.propose),
    DreamPass("gone", "lessons about files or folders the project has since removed", gone.propose),
    DreamPass("premises", "lessons whose premise recall found gone from the workspace", premises.propose),
    DreamPass("dedupe", "near-duplicate lessons merge into one", dedupe.propose),
    DreamPass(
        "promotion", "lessons learned in several projects go global; misfiring global ones go local", promotion.propose
    ),
    DreamPass(
        "misfires", "compiled global lessons whose hooks a person overrode in a project go local", misfires.propose
    ),
    # after promotion: a lesson promoted next to a global one it contradicts is settled in the same dream
    DreamPass(
        "contradictions",
        "contradictory active lessons: the newer supersedes, or a person decides",
        contradictions.propose,
    ),
    DreamPass(
        "evolution",
        "repeated or severe never/always lessons become rules or hooks; workflows commands",
        evolution.propose,
    ),
    # last: no other pass may read an activation a person has not accepted yet as an active lesson
    DreamPass("stated", "candidates the person said once, proposed for a person to make active", stated.propose),
)
for _built_in in _BUILT_INS:
    register(_built_in)
