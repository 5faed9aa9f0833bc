"""The person's words in generated sessions come from real people, not from a grammar we wrote.

When distill and the generator grew up speaking the same phrases, the benchmark measured how well one
recognised the other (issue 11). So every instruction the simulated person gives (a standing rule for a
project, a habit they keep everywhere, a one-off) is a real labelled turn of the corpus holdout, written
as typed, in its channel, after the agent words that preceded it; the ground truth is the labeller's
statement (matched by content words, ``real_match``). Task requests come from the real task turns too.

The pool is read at generation time from a folder of turn files (``REVERIE_EVAL_TURNS``, ``--turns``, or
``corpus/turns/holdout`` under the current folder). Without one, the simulated person gives no spoken
instructions at all: the benchmark then measures what is learned from behaviour only, and says so.
Turns are sorted by id and drawn with the world's seeded ``Random``: the same pool and seed give the
same scenario. A lesson that supersedes another, or is superseded, is left out (its truth would need
the other turn in the same project); so are turns longer than ``MAX_CHARS`` (pastes) and turns with
more than one labelled lesson (a correct lesson about the other one would count against precision).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reverie.evals import corpus

TURNS_ENV = "REVERIE_EVAL_TURNS"
DEFAULT_TURNS = Path("corpus") / "turns" / "holdout"
MAX_CHARS = 1_500


@dataclass(frozen=True, slots=True)
class Spoken:
    """One labelled instruction and the turn that says it."""

    id: str
    label: str  # standing_project | standing_global | one_off
    statement: str
    quote: str
    text: str
    before: str
    channel: str
    kind: str = ""  # instruction | fact | requirement (corpus/README.md): what a standing lesson is about


@dataclass(frozen=True, slots=True)
class Pool:
    project: tuple[Spoken, ...] = ()
    global_: tuple[Spoken, ...] = ()
    one_off: tuple[Spoken, ...] = ()
    tasks: tuple[str, ...] = ()
    digest: str = ""  # of the turn files: a cached scenario is reused only with the same pool

    def __bool__(self) -> bool:
        return bool(self.project or self.global_ or self.one_off)


def default_folder() -> Path | None:
    named = os.environ.get(TURNS_ENV)
    if named:
        return Path(named)
    return DEFAULT_TURNS if DEFAULT_TURNS.is_dir() and any(DEFAULT_TURNS.rglob("*.jsonl")) else None


def load(folder: Path | None) -> Pool:
    if folder is None:
        return Pool()
    turns = sorted(corpus.load(folder), key=lambda turn: turn.id)
    replaced = {lesson.supersedes for turn in turns for lesson in turn.lessons if lesson.supersedes}
    found: dict[str, list[Spoken]] = {label: [] for label in (*corpus.STANDING, corpus.ONE_OFF)}
    for turn in turns:
        if len(turn.text) > MAX_CHARS or turn.id in replaced or len(turn.lessons) != 1:
            continue
        for number, lesson in enumerate(turn.lessons):
            if lesson.label in found and not lesson.supersedes and lesson.statement.strip():
                found[lesson.label].append(
                    Spoken(
                        f"{turn.id}/{number}",
                        lesson.label,
                        lesson.statement,
                        lesson.quote,
                        turn.text,
                        turn.before,
                        turn.channel,
                        lesson.kind,
                    )
                )
    tasks = tuple(t.text for t in turns if t.label == corpus.TASK and t.channel == "prompt" and len(t.text) < 400)
    digest = hashlib.sha256("\n".join(t.id + t.text for t in turns).encode()).hexdigest()[:16]
    return Pool(
        tuple(found[corpus.STANDING_PROJECT]),
        tuple(found[corpus.STANDING_GLOBAL]),
        tuple(found[corpus.ONE_OFF]),
        tasks,
        digest,
    )
