"""The reading model at run time: a linear model over ``features``, shipped as ``model.json``.

Both methods that training compares (multinomial logistic regression and Bernoulli naive Bayes)
come out as the same thing: a bias and a weight per feature for each label, turned into
probabilities with a softmax. Inference is a few dictionary look-ups per word, in pure Python, and
runs only inside distill (never in a hook).

The probabilities decide what a sentence becomes, with thresholds calibrated on the dev split's
cross-validated predictions (``train``): a standing instruction at or above ``active`` is explicit
(active at once), at or above ``candidate`` a correction (a candidate until seen again); a one-off
at or above ``one_off`` lasts the session; anything else is not an instruction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from reverie.distill.reading.features import Context, features

LABELS = ("standing_project", "standing_global", "one_off", "none")
MODEL_FILE = "model.json"


class Verdict(StrEnum):
    ACTIVE = "active"  # a standing instruction the person clearly meant to last
    CANDIDATE = "candidate"  # probably standing: wait until it is seen again
    ONE_OFF = "one_off"  # an instruction for this session only
    NONE = "none"  # a task, a question, chit-chat, pasted text


@dataclass(frozen=True, slots=True)
class Reading:
    probabilities: dict[str, float]
    verdict: Verdict

    @property
    def standing(self) -> float:
        return self.probabilities["standing_project"] + self.probabilities["standing_global"]

    @property
    def global_scope(self) -> bool:
        """The model reads a standing instruction for the person everywhere. Only where it reads a
        standing instruction at all: below that, its project/global split is between two probabilities
        near zero and says nothing."""
        standing = self.verdict in (Verdict.ACTIVE, Verdict.CANDIDATE)
        return standing and self.probabilities["standing_global"] > self.probabilities["standing_project"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    active: float = 0.8
    candidate: float = 0.4
    one_off: float = 0.5


@dataclass(frozen=True, slots=True)
class Model:
    labels: tuple[str, ...]
    bias: dict[str, float]
    weights: dict[str, dict[str, float]]
    thresholds: Thresholds = field(default_factory=Thresholds)
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, active: list[str]) -> dict[str, float]:
        scores = dict(self.bias)
        for name in active:
            for label, weight in self.weights.get(name, {}).items():
                scores[label] += weight
        top = max(scores.values())
        exps = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exps.values())
        return {label: exps[label] / total for label in self.labels}

    def read(self, sentence: str, context: Context) -> Reading:
        probabilities = self.probabilities(features(sentence, context))
        return Reading(probabilities=probabilities, verdict=self.verdict(probabilities))

    def verdict(self, probabilities: dict[str, float]) -> Verdict:
        standing = probabilities["standing_project"] + probabilities["standing_global"]
        if standing >= self.thresholds.active:
            return Verdict.ACTIVE
        if standing >= self.thresholds.candidate and standing >= probabilities["one_off"]:
            return Verdict.CANDIDATE
        if probabilities["one_off"] >= self.thresholds.one_off:
            return Verdict.ONE_OFF
        return Verdict.NONE

    def as_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            **self.meta,
            "labels": list(self.labels),
            "thresholds": {
                "active": self.thresholds.active,
                "candidate": self.thresholds.candidate,
                "one_off": self.thresholds.one_off,
            },
            "bias": {label: round(value, 4) for label, value in self.bias.items()},
            "weights": {  # four decimals and no near-zero weights: the probabilities move by < 0.1%
                name: kept
                for name, row in sorted(self.weights.items())
                if (kept := {label: round(value, 4) for label, value in sorted(row.items()) if abs(value) >= 5e-4})
            },
        }


def from_json(data: dict[str, Any]) -> Model:
    thresholds = data.get("thresholds", {})
    meta = {key: value for key, value in data.items() if key not in {"labels", "thresholds", "bias", "weights"}}
    return Model(
        labels=tuple(data["labels"]),
        bias={label: float(value) for label, value in data["bias"].items()},
        weights={name: {label: float(w) for label, w in row.items()} for name, row in data["weights"].items()},
        thresholds=Thresholds(**{key: float(value) for key, value in thresholds.items()}),
        meta=meta,
    )


@cache
def shipped() -> Model:
    """The model in the package, loaded once per process."""
    text = resources.files("reverie.distill.reading").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return from_json(json.loads(text))


# The model distill reads with when it is not the shipped one: cross-validation replays each session with the
# model of the fold that left its repository out (``unseen``). Nothing else sets it.
_READING_WITH: ContextVar[Model | None] = ContextVar("reading_with", default=None)


def in_use() -> Model:
    """The model distill reads with: the shipped one, unless ``reading_with`` says otherwise."""
    return _READING_WITH.get() or shipped()


@contextmanager
def reading_with(model: Model) -> Iterator[None]:
    """Read with ``model`` instead of the shipped one, inside the block."""
    token = _READING_WITH.set(model)
    try:
        yield
    finally:
        _READING_WITH.reset(token)
