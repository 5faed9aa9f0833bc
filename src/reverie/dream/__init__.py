"""Dream: an offline pass over one store version and the sessions since, proposing a typed change-set.

The table of contents:

* ``snapshot``   what a pass sees: the input version's live lessons and the sessions in range
* ``registry``   the ordered list of passes: the built-ins register like yours, and packages add theirs
                 through the ``reverie.dream_passes`` entry-point group
* ``passes/``    the built-ins: expiry, staleness, gone (paths the project removed), dedupe, promotion,
                 misfires (a compiled global lesson blocking what a person wants), contradictions,
                 evolution; ``passes/edits`` holds the lesson edits they share
* ``wording``    the lexical core of a statement, for dedupe and contradictions
* ``runner``     the dream record (Anthropic Dreams contract), session selection, the pass loop
* ``safety``     single-flight lock, budgets, cooldown, our own capture turned off

A dream never writes a lesson: it seals the head, reads it, and records a change-set and a proposed
store version. ``reverie.review`` renders it, and only review's accept writes (docs/dream.md).
"""

from reverie.dream.registry import DreamPass, passes, register
from reverie.dream.runner import DreamRequest, propose, run_dream
from reverie.dream.safety import BudgetExceeded, DreamBusy
from reverie.dream.snapshot import Snapshot

__all__ = [
    "BudgetExceeded",
    "DreamBusy",
    "DreamPass",
    "DreamRequest",
    "Snapshot",
    "passes",
    "propose",
    "register",
    "run_dream",
]
