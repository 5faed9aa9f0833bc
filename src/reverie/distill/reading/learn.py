"""The learners that ``train`` compares, all deterministic.

* **Multinomial logistic regression fitted to convergence** (SciPy's L-BFGS, a training-time
  dependency only: the result is the same linear model, read in pure Python), optionally with the
  same grammar prior. Every weight is
  penalised alike, so a word seen in two sentences cannot outweigh grammar seen in two hundred.
  On the dev split of the day it was chosen it ranked standing sentences at average precision 0.241
  out of fold where the AdaGrad fit below reached 0.200, and the holdout, never tuned on, at 0.28
  where it reached 0.17 (docs/reading.md, "A learner fitted to convergence").
* **Multinomial logistic regression**, fitted by AdaGrad over shuffled passes (a seeded shuffle)
  with an L2 penalty, and class weights so that the rare labels (standing instructions are a few
  percent of sentences) are not drowned by ``none``.
  Optionally with an informative Gaussian prior on a few shape features (``PRIOR``): the penalty
  pulls a weight towards what grammar says ("always" and "from now on" mark a habit, a question is
  not an instruction) instead of towards zero, so that a few hundred labelled sentences refine
  that knowledge rather than having to rediscover it. Cross-validation decides whether it helps.
* **Bernoulli naive Bayes** with add-one smoothing, folded into the same linear form.

Both take an optional weight per sample (the auxiliary corpus counts for less than a person's own
words in a session) and return a ``Model`` with default thresholds; ``train`` calibrates them.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from reverie.distill.reading.model import LABELS, Model

Sample = tuple[list[str], str]  # active features, gold label

EPOCHS = 25
RATE = 0.3
L2 = 1e-3
MIN_COUNT = 2  # a feature seen once is noise, and would bloat the shipped file


# Prior weights (log-odds) of shape features, from grammar rather than from any phrasing.
PRIOR: dict[str, dict[str, float]] = {
    "habitual": {"standing_project": 3.0},
    "from_now_on": {"standing_project": 6.0},
    "modal": {"standing_project": 1.5},
    "imperative": {"standing_project": 1.5, "one_off": 1.5},
    "imp+habitual": {"standing_project": 3.0},
    "imp+negation": {"standing_project": 1.5},
    "imp+purpose": {"standing_project": 3.0},  # "use ruff for linting": a tool for a kind of job
    "contrast": {"standing_project": 1.5},
    "bounded": {"one_off": 4.5},
    "imp+bounded": {"one_off": 3.0},
    "all_projects": {"standing_global": 7.5},
    "question": {"none": 4.5},
    "len:>30": {"none": 3.0},
}


def vocabulary(samples: Sequence[Sample]) -> set[str]:
    counts = Counter(name for active, _ in samples for name in set(active))
    return {name for name, count in counts.items() if count >= MIN_COUNT}


def class_weights(samples: Sequence[Sample], sample_weights: Sequence[float] | None = None) -> dict[str, float]:
    """Rare labels count more, by the square root of how rare they are (weighted counts)."""
    counts: dict[str, float] = dict.fromkeys(LABELS, 0.0)
    for (_, label), weight in zip(samples, sample_weights or [1.0] * len(samples), strict=True):
        counts[label] += weight
    total = sum(counts.values())
    return {label: math.sqrt(total / (len(LABELS) * counts[label])) if counts[label] else 1.0 for label in LABELS}


def logistic(
    samples: Sequence[Sample],
    *,
    l2: float = L2,
    prior: dict[str, dict[str, float]] | None = None,
    sample_weights: Sequence[float] | None = None,
    seed: int = 1,
) -> Model:
    prior = prior or {}
    known = vocabulary(samples) | set(prior)
    data = [([name for name in active if name in known], label) for active, label in samples]
    weight_of = list(sample_weights) if sample_weights is not None else [1.0] * len(samples)
    centre = {name: {label: prior.get(name, {}).get(label, 0.0) for label in LABELS} for name in sorted(known)}
    weights = {name: dict(row) for name, row in centre.items()}
    bias = dict.fromkeys(LABELS, 0.0)
    squares: dict[str, dict[str, float]] = {name: dict.fromkeys(LABELS, 1e-8) for name in weights}
    bias_squares = dict.fromkeys(LABELS, 1e-8)
    per_class = class_weights(samples, weight_of)
    order = list(range(len(data)))
    shuffler = random.Random(seed)
    for _ in range(EPOCHS):
        shuffler.shuffle(order)
        for index in order:
            active, gold = data[index]
            model = Model(labels=LABELS, bias=bias, weights=weights)
            probabilities = model.probabilities(active)
            scale = per_class[gold] * weight_of[index]
            for label in LABELS:
                gradient = scale * (probabilities[label] - (1.0 if label == gold else 0.0))
                bias_squares[label] += gradient * gradient
                bias[label] -= RATE * gradient / math.sqrt(bias_squares[label])
                for name in active:
                    step = gradient + l2 * (weights[name][label] - centre[name][label])
                    squares[name][label] += step * step
                    weights[name][label] -= RATE * step / math.sqrt(squares[name][label])
    return Model(labels=LABELS, bias=bias, weights=weights)


# How much the data counts against the penalty (the C of scikit-learn's LogisticRegression): on dev, out of
# fold, 0.05 and 0.2 ranked standing sentences no better (docs/reading.md).
CONVERGED_C = 0.1


def converged(
    samples: Sequence[Sample],
    *,
    c: float = CONVERGED_C,
    prior: dict[str, dict[str, float]] | None = None,
    sample_weights: Sequence[float] | None = None,
) -> Model:
    """Multinomial logistic regression fitted by L-BFGS until it converges: the maximum a posteriori
    weights under a Gaussian prior, centred on ``prior`` (zero elsewhere) with variance ``c``."""
    try:
        # training only, imported here: the shipped model reads in pure Python and distill never loads these
        import numpy as np
        from scipy.optimize import minimize  # type: ignore[import-untyped]
        from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    except ImportError as missing:  # pragma: no cover - the dev extra installs it
        raise SystemExit("training this method needs SciPy: pip install 'reverie[train]'") from missing
    prior = prior or {}
    names = sorted(vocabulary(samples) | set(prior))
    column = {name: index for index, name in enumerate(names)}
    rows, columns = [], []
    for row, (active, _) in enumerate(samples):
        present = sorted({column[name] for name in active if name in column})
        rows += [row] * len(present)
        columns += present
    matrix = csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(samples), len(names)))
    gold = np.zeros((len(samples), len(LABELS)))
    gold[np.arange(len(samples)), [LABELS.index(label) for _, label in samples]] = 1.0
    weight = np.asarray(sample_weights if sample_weights is not None else [1.0] * len(samples))[:, None]
    centre = np.array([[prior.get(name, {}).get(label, 0.0) for label in LABELS] for name in names])
    shape = (len(names) + 1, len(LABELS))  # the last row is the bias, which is not penalised

    def loss(flat: Any) -> tuple[float, Any]:
        weights = flat.reshape(shape)
        scores = matrix @ weights[:-1] + weights[-1]
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        drift = weights[:-1] - centre
        value = -float((weight * gold * log_p).sum()) + float((drift * drift).sum()) / (2 * c)
        error = weight * (np.exp(log_p) - gold)
        gradient = np.vstack([matrix.T @ error + drift / c, error.sum(axis=0)])
        return value, gradient.ravel()

    start = np.vstack([centre, np.zeros(len(LABELS))]).ravel()
    found = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-6})
    fitted = found.x.reshape(shape)
    bias = {label: float(fitted[-1][index]) for index, label in enumerate(LABELS)}
    return Model(
        labels=LABELS,
        bias=bias,
        weights={name: dict(zip(LABELS, map(float, fitted[index]), strict=True)) for index, name in enumerate(names)},
    )


def bayes(samples: Sequence[Sample], *, sample_weights: Sequence[float] | None = None) -> Model:
    known = sorted(vocabulary(samples))
    weight_of = list(sample_weights) if sample_weights is not None else [1.0] * len(samples)
    per_label: dict[str, float] = dict.fromkeys(LABELS, 0.0)
    counts: dict[str, dict[str, float]] = {label: {} for label in LABELS}
    for (active, label), weight in zip(samples, weight_of, strict=True):
        per_label[label] += weight
        for name in set(active):
            counts[label][name] = counts[label].get(name, 0.0) + weight
    bias: dict[str, float] = {}
    weights: dict[str, dict[str, float]] = {name: {} for name in known}
    for label in LABELS:
        n = per_label[label]
        prior = (n + 1) / (sum(weight_of) + len(LABELS))
        absent = 0.0
        for name in known:
            p = (counts[label].get(name, 0.0) + 1) / (n + 2)
            weights[name][label] = math.log(p / (1 - p))
            absent += math.log(1 - p)
        bias[label] = math.log(prior) + absent
    return Model(labels=LABELS, bias=bias, weights=weights)
