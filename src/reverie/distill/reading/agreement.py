"""How consistent the corpus labels are: a second labeller against the first (issue 11).

    python -m reverie.distill.reading.agreement corpus/turns/dev --draw 11      # the blind sample
    python -m reverie.distill.reading.agreement corpus/turns/dev corpus/agreement/dev-second.jsonl [--json]

The sample is stratified on the first labels, so that the rare labels are seen often enough to
measure: about a third standing turns, a tenth one-offs, the rest tasks and other turns. Every figure
is reported both raw and re-weighted to the split (each turn counts as many turns as its stratum
stands for), since the raw sample holds standing turns about ten times more often than the split.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from reverie.distill.reading.corpus import Turn

STANDING = frozenset({"standing_project", "standing_global"})
SAMPLE = {"standing": 100, "one_off": 30, "rest": 170}


def stratum(label: str) -> str:
    """The stratum a turn was drawn from, by its first label."""
    if label in STANDING:
        return "standing"
    return "one_off" if label == "one_off" else "rest"


def draw(turns: Sequence[Turn], seed: int, sizes: dict[str, int] = SAMPLE) -> list[Turn]:
    """A seeded sample of each stratum, in a shuffled order that does not give the stratum away."""
    rng = random.Random(seed)
    chosen: list[Turn] = []
    for name in sorted(sizes):
        members = sorted((turn for turn in turns if stratum(turn.label) == name), key=lambda t: t.id)
        chosen.extend(rng.sample(members, min(sizes[name], len(members))))
    rng.shuffle(chosen)
    return chosen
