"""What grammar says of every labelled sentence, and what a change to grammar changed.

``lasting.duration`` decides, before the model, whether a sentence is standing, bounded or unsaid. A change
to it is judged sentence by sentence: write what the code of the moment says of every sentence of the dev
split and the rule files, change the code, write again, and compare: each sentence whose reading moved, with
its label, and the precision of "standing" before and after. The sentence is read alone, as typed (a turn's
frames and lists are ``statements``'s); the out-of-fold replay (``python -m reverie.evals.unseen``) judges the
whole change afterwards. Never run it on the holdout.

    python -m reverie.distill.reading.durations corpus/turns/dev --rules corpus/rules --out before.json
    (change the code)
    python -m reverie.distill.reading.durations corpus/turns/dev --rules corpus/rules --out after.json \
        --against before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from reverie.distill.lasting import Duration, duration
from reverie.distill.reading.calibrate import STANDING
from reverie.distill.reading.corpus import examples, load_rules, load_turns

Readings = dict[str, tuple[str, str]]  # "<id>|<sentence>" -> (duration, label)


def readings(turns: list[Path], rules: list[Path]) -> Readings:
    found: Readings = {}
    for example in examples(load_turns(turns)):
        found[f"{example.turn_id}|{example.sentence}"] = (duration(example.sentence).value, example.label)
    for example in load_rules(rules):
        found[f"rules:{example.turn_id}|{example.sentence}"] = (duration(example.sentence).value, example.label)
    return found


def compare(before: Readings, after: Readings) -> list[str]:
    """Every sentence read differently, then a count per move and label, then the precision of "standing"."""
    lines: list[str] = []
    moves: Counter[tuple[str, str, str, str]] = Counter()
    for key in sorted(before.keys() & after.keys()):
        (was, label), (now, _) = before[key], after[key]
        if was != now:
            where = "rules" if key.startswith("rules:") else "turns"
            moves[(was, now, where, "standing" if label in STANDING else label)] += 1
            lines.append(f"{was} -> {now} | {label} | {key.split('|', 1)[1][:150]}")
    lines += [
        f"{was} -> {now} ({where}, labelled {label}): {count}" for (was, now, where, label), count in moves.items()
    ]
    for name, found in (("before", before), ("after", after)):
        parts = [
            f"{where} {read} read standing, {right} of them labelled standing"
            for where, (read, right) in (
                ("turns", _standing(found, rules=False)),
                ("rule files", _standing(found, rules=True)),
            )
        ]
        lines.append(f"{name}: " + "; ".join(parts))
    return lines


def _standing(found: Readings, *, rules: bool) -> tuple[int, int]:
    """How many sentences grammar reads as standing, and how many of those are labelled standing."""
    labels = [
        label for key, (said, label) in found.items() if said == Duration.STANDING and key.startswith("rules:") == rules
    ]
    return len(labels), sum(label in STANDING for label in labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reverie.distill.reading.durations", description=__doc__.split("\n")[0]
    )
    parser.add_argument("turns", nargs="+", type=Path, help="directories of labelled turns (the dev split)")
    parser.add_argument("--rules", action="append", type=Path, default=[], help="labelled rule-file sentences")
    parser.add_argument("--out", type=Path, required=True, help="where to write this code's readings (JSON)")
    parser.add_argument("--against", type=Path, default=None, help="readings written before the change")
    args = parser.parse_args(argv)
    found = readings(args.turns, args.rules)
    args.out.write_text(json.dumps(found, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    if args.against is not None:
        before = {key: (said, label) for key, (said, label) in json.loads(args.against.read_text("utf-8")).items()}
        sys.stdout.write("\n".join(compare(before, found)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
