"""Out-of-fold standing recall by kind of lesson on the dev split, for the shipped method (the model
alone, at the shipped thresholds, without grammar), and the average precision of "standing" if only
instructions and facts counted as standing.

    .venv/bin/python corpus/agreement/out_of_fold_by_kind.py     # about two minutes

A measurement for docs/reading.md ("How consistent the labels are"). `evaluate` on the dev split
scores the shipped model on the sentences it was trained on; these are the held-out folds instead.
Fold models live in memory only: model.json is never written.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reverie.distill.reading import calibrate
from reverie.distill.reading.corpus import examples, load_turns, matching_quote
from reverie.distill.reading.learn import Sample
from reverie.distill.reading.model import LABELS, Model, Verdict, shipped
from reverie.distill.reading.train import FOLDS, METHODS, samples

DEV = Path(__file__).resolve().parents[1] / "turns" / "dev"


def main() -> None:
    turns = {turn.id: turn for turn in load_turns([DEV])}
    found = examples(list(turns.values()))
    kinds = []
    for example in found:
        quote = matching_quote(example.sentence, turns[example.turn_id].lessons)
        kinds.append(quote.kind if quote else None)
    data = samples(found)
    fit = METHODS[str(shipped().meta["method"])]
    groups = calibrate.folds(found, FOLDS)

    def out_of_fold(rows: list[Sample]) -> list[calibrate.Scored]:
        return calibrate.out_of_fold(rows, groups, lambda train: fit(train, [1.0] * len(train)))

    scored = out_of_fold(data)
    judge = Model(labels=LABELS, bias={}, weights={}, thresholds=shipped().thresholds)
    kept: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (probabilities, gold), kind in zip(scored, kinds, strict=True):
        if gold in calibrate.STANDING:
            total[kind or "no kind"] += 1
            kept[kind or "no kind"] += judge.verdict(probabilities) in (Verdict.ACTIVE, Verdict.CANDIDATE)
    print("standing recall out of fold (kept as durable, any scope), by kind")
    for kind in (*total, "all"):
        part, whole = (kept[kind], total[kind]) if kind != "all" else (sum(kept.values()), sum(total.values()))
        print(f"  {kind:<12} {part / whole:.2f} ({part}/{whole})")

    def narrowed(gold: str, kind: str | None) -> str:
        return "none" if gold in calibrate.STANDING and kind == "requirement" else gold

    relabelled = [(active, narrowed(gold, kind)) for (active, gold), kind in zip(data, kinds, strict=True)]
    rescored = [(p, narrowed(gold, kind)) for (p, gold), kind in zip(scored, kinds, strict=True)]
    print("average precision of standing (chance: the share of standing sentences)")
    print(f"  all kinds, as shipped            {_ap(scored):.3f}  chance {_chance(data):.3f}")
    print(f"  requirements scored as none      {_ap(rescored):.3f}  chance {_chance(relabelled):.3f}")
    print(f"  trained and scored without them  {_ap(out_of_fold(relabelled)):.3f}  chance {_chance(relabelled):.3f}")


def _ap(scored: list[calibrate.Scored]) -> float:
    return calibrate.average_precision(scored, "standing")


def _chance(rows: list[Sample]) -> float:
    return sum(gold in calibrate.STANDING for _, gold in rows) / len(rows)


if __name__ == "__main__":
    main()
