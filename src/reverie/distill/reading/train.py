"""Train the reading model on a directory of labelled turns and write ``model.json``.

    python -m reverie.distill.reading.train corpus/turns/dev --aux corpus/rules

compares logistic regression and naive Bayes by cross-validation on that directory (folds by
source), each alone and with the auxiliary corpus (``--aux``: rule files people commit for their
agents) added to every training fold at a few weights. Only held-out session sentences are scored:
the auxiliary sentences are never a test, so they are kept only where they help read what people
type. The best candidate (average precision of standing instructions, then of one-offs) has its
thresholds calibrated on its out-of-fold probabilities, is fitted on all of the directory (and the
auxiliary corpus if it was chosen with it) and written with a fingerprint of the files it was
trained on. Deterministic: the same files give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from reverie.distill.reading import calibrate, learn
from reverie.distill.reading import features as reading_features
from reverie.distill.reading.corpus import Example, corpus_files, examples, fingerprint, load_rules, load_turns
from reverie.distill.reading.features import features
from reverie.distill.reading.learn import Sample
from reverie.distill.reading.model import LABELS, MODEL_FILE, Model, Thresholds

FOLDS = 5
_WORD_FEATURES = ("w:", "b:", "first:", "imp:", "lead:")  # learned words; the rest is the shape of the sentence
# How much one auxiliary sentence counts against one sentence typed in a session: cross-validation picks.
AUX_WEIGHTS = (0.3, 1.0)

Fit = Callable[[list[Sample], list[float]], Model]


def _logistic(data: list[Sample], weights: list[float]) -> Model:
    return learn.logistic(data, sample_weights=weights)


def _logistic_strong(data: list[Sample], weights: list[float]) -> Model:
    return learn.logistic(data, l2=1e-2, sample_weights=weights)


def _logistic_prior(data: list[Sample], weights: list[float]) -> Model:
    return learn.logistic(data, prior=learn.PRIOR, sample_weights=weights)


def _logistic_prior_strong(data: list[Sample], weights: list[float]) -> Model:
    return learn.logistic(data, l2=1e-2, prior=learn.PRIOR, sample_weights=weights)


def _converged(data: list[Sample], weights: list[float]) -> Model:
    return learn.converged(data, sample_weights=weights)


def _converged_prior(data: list[Sample], weights: list[float]) -> Model:
    return learn.converged(data, prior=learn.PRIOR, sample_weights=weights)


def _bayes(data: list[Sample], weights: list[float]) -> Model:
    return learn.bayes(data, sample_weights=weights)


def _shape_only(fit: Fit) -> Fit:
    def fit_shape(data: list[Sample], weights: list[float]) -> Model:
        shapes = [([name for name in active if not name.startswith(_WORD_FEATURES)], gold) for active, gold in data]
        return fit(shapes, weights)

    return fit_shape


# What cross-validation chooses between: three learners, with and without learned words, two penalties.
METHODS: dict[str, Fit] = {
    "logistic-converged": _converged,
    "logistic-converged-prior": _converged_prior,
    "logistic": _logistic,
    "logistic-strong": _logistic_strong,
    "logistic-shape": _shape_only(_logistic),
    "logistic-prior": _logistic_prior,
    "logistic-prior-strong": _logistic_prior_strong,
    "bayes": _bayes,
    "bayes-shape": _shape_only(_bayes),
}


def samples(found: Sequence[Example]) -> list[Sample]:
    return [(features(example.sentence, example.context), example.label) for example in found]


# The most sentences one repository (one person, mostly) counts for: a committed Codex home of 1,300 sentences
# would otherwise teach that person's words as everybody's. Dev, five draws of the folds by repository: average
# precision of standing +0.005 to +0.010 with this cap, one-offs the same (docs/reading.md).
PERSON_CAP = 600


def person_weights(found: Sequence[Example]) -> list[float]:
    """A weight per sentence: 1, or less in a repository of more than ``PERSON_CAP`` sentences."""
    size = Counter(calibrate.group_of(example) for example in found)
    return [min(1.0, PERSON_CAP / size[calibrate.group_of(example)]) for example in found]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A method, and how much the auxiliary corpus counts in its training data (0: not used)."""

    method: str
    aux_weight: float = 0.0
    aux_words: bool = True  # False: the auxiliary sentences teach shape only, words come from sessions

    @property
    def name(self) -> str:
        if not self.aux_weight:
            return self.method
        return f"{self.method}+aux{'' if self.aux_words else '-shape'}{self.aux_weight:g}"

    def fit(self, data: list[Sample], aux: list[Sample], weights: list[float] | None = None) -> Model:
        extra = aux if self.aux_weight else []
        if not self.aux_words:
            extra = [([name for name in active if not name.startswith(_WORD_FEATURES)], gold) for active, gold in extra]
        own = weights if weights is not None else [1.0] * len(data)
        return METHODS[self.method]([*data, *extra], [*own, *[self.aux_weight] * len(extra)])


@dataclass(frozen=True, slots=True)
class Validated:
    """What cross-validation says of one candidate: its calibrated thresholds and how it did at those."""

    thresholds: Thresholds
    report: calibrate.Report
    ranking: dict[str, float]  # average precision of "standing" and "one_off"

    @property
    def merit(self) -> float:
        """Ranking quality of standing instructions first, of one-offs second: the thresholds follow
        from the ranking, and on a few hundred labels a ranking is far steadier than a count."""
        return round(self.ranking["standing"] + 0.25 * self.ranking["one_off"], 4)


def cross_validate(
    found: list[Example], candidate: Candidate, aux: list[Sample] | None = None, data: list[Sample] | None = None
) -> Validated:
    """The thresholds that the out-of-fold scores of ``candidate`` calibrate, and its report at those.
    Every fold trains on the other folds' session sentences plus ``aux``; only held-out session
    sentences are scored."""
    data = data if data is not None else samples(found)
    extra = aux or []
    scored = calibrate.out_of_fold(
        data,
        calibrate.folds(found, FOLDS),
        lambda train, weights: candidate.fit(train, extra, weights),
        person_weights(found),
    )
    thresholds = calibrate.thresholds(scored)
    judge = Model(labels=LABELS, bias={}, weights={}, thresholds=thresholds)
    ranking = {label: round(calibrate.average_precision(scored, label), 3) for label in ("standing", "one_off")}
    return Validated(thresholds, calibrate.report(judge, scored), ranking)


def _validate(job: tuple[list[Example], Candidate, list[Sample], list[Sample]]) -> Validated:
    found, candidate, aux, data = job
    return cross_validate(found, candidate, aux, data)


def candidates(method: str, aux: bool, aux_weight: float | None) -> list[Candidate]:
    """Every method alone; with an auxiliary corpus, also with it at each weight, its words and shape
    or its shape only (a shape-only method has no words to take from it)."""
    methods = list(METHODS) if method == "auto" else [method]
    weights = [] if not aux else [aux_weight] if aux_weight is not None else list(AUX_WEIGHTS)
    found = [Candidate(name) for name in methods]
    for name in methods:
        modes = (True,) if name.endswith("-shape") else (True, False)
        found += [Candidate(name, weight, words) for weight in weights for words in modes if weight]
    return found


def train(
    directories: list[Path],
    *,
    aux: list[Path] | None = None,
    aux_weight: float | None = None,
    method: str = "auto",
    log: Callable[[str], None] = print,
) -> Model:
    found = examples(load_turns(directories))
    if not found:
        raise SystemExit(f"no labelled turns in {', '.join(map(str, directories))}")
    extra = load_rules(aux or [])
    data, aux_data = samples(found), samples(extra)
    trying = candidates(method, bool(extra), aux_weight)
    jobs = [(found, candidate, aux_data, data) for candidate in trying]
    if len(jobs) > 1 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
            results = list(pool.map(_validate, jobs))
    else:
        results = [_validate(job) for job in jobs]
    reports = {candidate.name: result for candidate, result in zip(trying, results, strict=True)}
    for candidate in trying:
        result = reports[candidate.name]
        log(f"== {candidate.name}: {FOLDS}-fold cross-validation, folds by repository ({len(found)} sentences)")
        log(f"average precision {result.ranking}; thresholds {result.thresholds}")
        log(calibrate.render(result.report))
    chosen = max(trying, key=lambda candidate: reports[candidate.name].merit)
    model = chosen.fit(data, aux_data, person_weights(found))
    used = aux if chosen.aux_weight else None
    meta: dict[str, object] = {
        "method": chosen.method,
        "fingerprint": fingerprint(directories, used),
        "files": len(corpus_files(directories)),
        "sentences": len(found),
        "person_cap": PERSON_CAP,
    }
    if used:
        meta["aux"] = {
            "files": len(corpus_files(used)),
            "sentences": len(extra),
            "weight": chosen.aux_weight,
            "words": chosen.aux_words,
        }
    meta["active_reached"] = reports[chosen.name].thresholds.active < calibrate.NEVER
    meta["cross_validation"] = {candidate.name: _summary(reports[candidate.name]) for candidate in trying}
    log(f"chose {chosen.name}")
    return replace(model, thresholds=reports[chosen.name].thresholds, meta=meta)


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
    parser.add_argument(
        "--aux", action="append", type=Path, default=[], help="auxiliary labelled sentences (corpus/rules)"
    )
    parser.add_argument("--aux-weight", type=float, default=None, help="weight of an auxiliary sentence (default: CV)")
    parser.add_argument("--method", choices=["auto", *METHODS], default="auto")
    parser.add_argument("--shapes", action="store_true", help="add the shapes of shapes.py (off: CV, reading.md)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    args = parser.parse_args(argv)
    if args.shapes:
        reading_features.GENERALISING = True
    model = train(
        args.directories,
        aux=args.aux,
        aux_weight=args.aux_weight,
        method=args.method,
        log=lambda line: print(line, file=sys.stderr),
    )
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
