"""How consistent the corpus labels are: a second labeller against the first (issue 11).

    python -m reverie.distill.reading.agreement corpus/turns/dev --draw 11      # the blind sample
    python -m reverie.distill.reading.agreement corpus/turns/dev corpus/agreement/dev-second.jsonl [--json]

The second labeller reads the drawn turns (text, what came before, channel) without their labels and
labels them by corpus/README.md; only then are the two compared. Two figures at two levels:

* turns: Cohen's kappa over the five labels and over standing vs not (agreement beyond chance);
* sentences, as the reading model is trained and scored: each labeller's standing sentences, with the
  other labeller taken as the truth. The recall of one against the other is the best recall any reader
  could expect against these labels, its precision the best precision; broken down by the kind of the
  lesson (instruction, fact, requirement), each side by its own kinds.

The sample is stratified on the first labels, so that the rare labels are seen often enough to
measure: 100 standing turns, 30 one-offs, 170 tasks and other turns. Every figure is re-weighted to
the split (a turn counts as many turns as its stratum holds per drawn turn); the raw counts are shown
beside them, since the raw sample holds standing turns about ten times more often than the split.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reverie.distill.reading.corpus import KINDS, LESSON_LABELS, Quote, Turn, load_turns, matching_quote
from reverie.distill.reading.sentences import prose_sentences

TURN_LABELS = ("standing_project", "standing_global", "one_off", "task", "other")
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


def blind(turn: Turn) -> dict[str, str]:
    """What the second labeller sees of a turn: never its labels or lessons."""
    return {"id": turn.id, "channel": turn.channel, "before": turn.before, "text": turn.text}


def second_labels(path: Path, first: dict[str, Turn]) -> list[tuple[Turn, Turn]]:
    """(first, second) for every turn of the second labeller's file, in its order."""
    pairs: list[tuple[Turn, Turn]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        turn = first.get(str(row["id"]))
        if turn is None:
            raise ValueError(f"{path.name}:{number}: {row['id']} is not a turn of the first labels")
        lessons = tuple(
            Quote(str(q["quote"]), str(q["label"]), str(q.get("statement") or ""), q.get("kind"))
            for q in row.get("lessons") or ()
            if q.get("label") in LESSON_LABELS
        )
        pairs.append((turn, dataclasses.replace(turn, label=str(row["label"]), lessons=lessons)))
    return pairs


def weights(population: Sequence[Turn], pairs: Sequence[tuple[Turn, Turn]]) -> dict[str, float]:
    """How many turns of the split each drawn turn of a stratum stands for."""
    drawn = {name: sum(stratum(a.label) == name for a, _ in pairs) for name in SAMPLE}
    return {
        name: sum(stratum(turn.label) == name for turn in population) / count for name, count in drawn.items() if count
    }


def kappa(rows: Sequence[tuple[str, str, float]]) -> float:
    """Cohen's kappa of weighted (first, second, weight) rows: (observed - chance) / (1 - chance)."""
    total = sum(weight for _, _, weight in rows)
    if not total:
        return 0.0
    observed = sum(weight for a, b, weight in rows if a == b) / total
    labels = {a for a, _, _ in rows} | {b for _, b, _ in rows}
    chance = sum(
        sum(w for a, _, w in rows if a == label) * sum(w for _, b, w in rows if b == label) for label in labels
    ) / (total * total)
    return 1.0 if chance == 1 else (observed - chance) / (1 - chance)


@dataclass(frozen=True, slots=True)
class Found:
    """One labeller's standing sentences of one kind, and how many of them the other labeller marked standing."""

    kind: str
    sentences: float  # weighted
    found: float  # weighted
    raw: int
    raw_found: int

    @property
    def share(self) -> float:
        return self.found / self.sentences if self.sentences else 0.0


@dataclass(frozen=True, slots=True)
class Agreement:
    turns: int
    weights: dict[str, float]
    kappa_labels: float
    kappa_standing: float
    raw_kappa_labels: float
    raw_kappa_standing: float
    confusion: dict[str, dict[str, int]]  # first -> second, raw turn counts
    second_recalls_first: list[Found]  # by the first labeller's kind, "all" first
    first_recalls_second: list[Found]  # by the second labeller's kind, "all" first


def compare(
    population: Sequence[Turn], pairs: Sequence[tuple[Turn, Turn]], kinds: frozenset[str] = frozenset(KINDS)
) -> Agreement:
    """The figures; with ``kinds``, as if the guide counted only lessons of those kinds as standing (a
    standing turn without one becomes a task), to see what a narrower guide would agree on."""
    weight = weights(population, pairs)
    pairs = [(narrowed(a, kinds), narrowed(b, kinds)) for a, b in pairs]
    rows = [(a.label, b.label, weight[stratum(a.label)]) for a, b in pairs]
    raw = [(a, b, 1.0) for a, b, _ in rows]
    confusion = {label: dict.fromkeys(TURN_LABELS, 0) for label in TURN_LABELS}
    for a, b, _ in rows:
        confusion[a][b] += 1
    return Agreement(
        turns=len(pairs),
        weights=weight,
        kappa_labels=kappa(rows),
        kappa_standing=kappa(_standing(rows)),
        raw_kappa_labels=kappa(raw),
        raw_kappa_standing=kappa(_standing(raw)),
        confusion=confusion,
        second_recalls_first=_recall([(a, b, weight[stratum(a.label)]) for a, b in pairs]),
        first_recalls_second=_recall([(b, a, weight[stratum(a.label)]) for a, b in pairs]),
    )


def narrowed(turn: Turn, kinds: frozenset[str]) -> Turn:
    """The turn with only the standing lessons of ``kinds`` (a one-off is kept whatever its kind)."""
    if kinds >= set(KINDS):
        return turn
    lessons = tuple(q for q in turn.lessons if q.label not in STANDING or q.kind in kinds)
    standing = any(q.label in STANDING for q in lessons)
    label = "task" if turn.label in STANDING and not standing else turn.label
    return dataclasses.replace(turn, label=label, lessons=lessons)


def _standing(rows: Sequence[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    return [(str(a in STANDING), str(b in STANDING), w) for a, b, w in rows]


def _recall(pairs: Sequence[tuple[Turn, Turn, float]]) -> list[Found]:
    """The truth's standing sentences by kind, and the share the reader's labels also call standing."""
    tally: dict[str, list[float]] = {kind: [0.0, 0.0, 0, 0] for kind in ("all", *KINDS, "no kind")}
    for truth, reader, weight in pairs:
        for sentence in prose_sentences(truth.text):
            quote = matching_quote(sentence, truth.lessons)
            if quote is None or quote.label not in STANDING:
                continue
            read = matching_quote(sentence, reader.lessons)
            hit = read is not None and read.label in STANDING
            for kind in ("all", quote.kind or "no kind"):
                tally[kind][0] += weight
                tally[kind][1] += weight * hit
                tally[kind][2] += 1
                tally[kind][3] += hit
    return [Found(kind, s, f, int(r), int(rf)) for kind, (s, f, r, rf) in tally.items() if r]


def render(result: Agreement) -> str:
    lines = [
        f"{result.turns} turns; each stands for "
        + ", ".join(f"{name} {w:.2f}" for name, w in sorted(result.weights.items()))
        + " turns of the split",
        "",
        f"turn kappa, five labels         {result.kappa_labels:.3f}  (raw sample {result.raw_kappa_labels:.3f})",
        f"turn kappa, standing vs not     {result.kappa_standing:.3f}  (raw sample {result.raw_kappa_standing:.3f})",
        "",
        "first / second" + "".join(f"{label:>18}" for label in TURN_LABELS),
    ]
    for label in TURN_LABELS:
        lines.append(f"{label:<14}" + "".join(f"{result.confusion[label][b]:>18}" for b in TURN_LABELS))
    for title, found in (
        ("standing sentences of the first labeller, marked standing by the second", result.second_recalls_first),
        ("standing sentences of the second labeller, marked standing by the first", result.first_recalls_second),
    ):
        lines += ["", title]
        for row in found:
            lines.append(f"  {row.kind:<12} {row.share:.2f} weighted   {row.raw_found}/{row.raw} raw")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reverie.distill.reading.agreement", description=__doc__.split("\n")[0]
    )
    parser.add_argument("first", type=Path, help="directory of labelled turns (*.jsonl): the first labels")
    parser.add_argument("second", type=Path, nargs="?", help="the second labeller's file (id, label, lessons)")
    parser.add_argument("--draw", type=int, metavar="SEED", help="print the blind sample drawn with SEED")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="count only standing lessons of these kinds (comma-separated)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    population = load_turns([args.first])
    if args.draw is not None:
        for turn in draw(population, args.draw):
            print(json.dumps(blind(turn), ensure_ascii=False))
        return 0
    if args.second is None:
        parser.error("give the second labeller's file, or --draw SEED")
    kinds = frozenset(kind.strip() for kind in args.kinds.split(","))
    if not kinds <= set(KINDS):
        parser.error(f"--kinds: one or more of {', '.join(KINDS)}")
    pairs = second_labels(args.second, {turn.id: turn for turn in population})
    result = compare(population, pairs, kinds)
    print(json.dumps(dataclasses.asdict(result), indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
