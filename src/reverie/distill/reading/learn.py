"""The two learners that ``train`` compares, both pure Python and deterministic.

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
