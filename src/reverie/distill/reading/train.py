"""Train the reading model on a directory of labelled turns and write ``model.json``.

    python -m reverie.distill.reading.train corpus/turns/dev

compares logistic regression and naive Bayes by cross-validation on that directory (folds by
source), keeps the better one (standing recall in the right scope at the calibrated thresholds,
then precision of what becomes active), calibrates its thresholds on the out-of-fold
probabilities, fits it on all of the directory and writes it with a fingerprint of the files it
was trained on. Deterministic: the same files give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reverie.distill.reading import calibrate, learn
from reverie.distill.reading.corpus import Example, corpus_files, examples, fingerprint, load_turns
from reverie.distill.reading.features import features
from reverie.distill.reading.learn import Sample
from reverie.distill.reading.model import LABELS, MODEL_FILE, Model, Thresholds

FOLDS = 5
_WORD_FEATURES = ("w:", "b:", "first:", "imp:", "lead:")  # learned words; the rest is the shape of the sentence


def _shape_only(fit: Callable[[list[Sample]], Model]) -> Callable[[list[Sample]], Model]:
    def fit_shape(data: list[Sample]) -> Model:
        return fit([([name for name in active if not name.startswith(_WORD_FEATURES)], gold) for active, gold in data])

    return fit_shape


# What cross-validation chooses between: two learners, with and without learned words, two penalties.
METHODS: dict[str, Callable[[list[Sample]], Model]] = {
    "logistic": learn.logistic,
    "logistic-strong": lambda data: learn.logistic(data, l2=1e-2),
    "logistic-shape": _shape_only(learn.logistic),
    "logistic-prior": lambda data: learn.logistic(data, prior=learn.PRIOR),
    "logistic-prior-strong": lambda data: learn.logistic(data, l2=1e-2, prior=learn.PRIOR),
    "bayes": learn.bayes,
    "bayes-shape": _shape_only(learn.bayes),
}


def samples(found: list[Example]) -> list[Sample]:
    return [(features(example.sentence, example.context), example.label) for example in found]


@dataclass(frozen=True, slots=True)
class Validated:
    """What cross-validation says of one method: its calibrated thresholds and how it did at those."""

    thresholds: Thresholds
    report: calibrate.Report
    ranking: dict[str, float]  # average precision of "standing" and "one_off"

    @property
    def merit(self) -> float:
        """Ranking quality of standing instructions first, of one-offs second: the thresholds follow
        from the ranking, and on a few hundred labels a ranking is far steadier than a count."""
        return round(self.ranking["standing"] + 0.25 * self.ranking["one_off"], 4)


def cross_validate(found: list[Example], method: str) -> Validated:
    """The thresholds that the out-of-fold scores of ``method`` calibrate, and its report at those."""
    data = samples(found)
    scored = calibrate.out_of_fold(data, calibrate.folds(found, FOLDS), METHODS[method])
    thresholds = calibrate.thresholds(scored)
    judge = Model(labels=LABELS, bias={}, weights={}, thresholds=thresholds)
    ranking = {label: round(calibrate.average_precision(scored, label), 3) for label in ("standing", "one_off")}
    return Validated(thresholds, calibrate.report(judge, scored), ranking)


def train(directories: list[Path], *, method: str = "auto", log: Callable[[str], None] = print) -> Model:
    found = examples(load_turns(directories))
    if not found:
        raise SystemExit(f"no labelled turns in {', '.join(map(str, directories))}")
    reports: dict[str, Validated] = {}
    for name in METHODS if method == "auto" else (method,):
        reports[name] = cross_validate(found, name)
        log(f"== {name}: {FOLDS}-fold cross-validation, folds by source ({len(found)} sentences)")
        log(f"average precision {reports[name].ranking}; thresholds {reports[name].thresholds}")
        log(calibrate.render(reports[name].report))
    chosen = max(reports, key=lambda name: reports[name].merit)
    model = METHODS[chosen](samples(found))
    meta = {
        "method": chosen,
        "fingerprint": fingerprint(directories),
        "files": len(corpus_files(directories)),
        "sentences": len(found),
        "cross_validation": {name: _summary(result) for name, result in reports.items()},
    }
    log(f"chose {chosen}")
    return replace(model, thresholds=reports[chosen].thresholds, meta=meta)


def _summary(validated: Validated) -> dict[str, float | int]:
    result = validated.report
    return {
        "average_precision_standing": validated.ranking["standing"],
        "average_precision_one_off": validated.ranking["one_off"],
        "standing_recall": round(result.standing_recall, 3),
        "standing_recall_right_scope": round(result.standing_recall_scoped, 3),
        "active_recall": round(result.active_recall, 3),
        "active_precision": round(result.active_precision, 3),
        "durable_precision": round(result.durable_precision, 3),
        "one_offs_persisted": result.one_off_persisted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reverie.distill.reading.train", description=__doc__.split("\n")[0])
    parser.add_argument("directories", nargs="+", type=Path, help="directories of labelled turns (*.jsonl)")
    parser.add_argument("--method", choices=["auto", *METHODS], default="auto")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    args = parser.parse_args(argv)
    model = train(args.directories, method=args.method, log=lambda line: print(line, file=sys.stderr))
    data = model.as_json()
    weights = data.pop("weights")
    lines = [json.dumps(data, indent=1)[:-2] + ',\n "weights": {']  # one feature a line: diffs stay readable
    lines += [f" {json.dumps(name)}: {json.dumps(row)}," for name, row in weights.items()]
    lines[-1] = lines[-1].rstrip(",")
    args.out.write_text("\n".join([*lines, "}}"]) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
