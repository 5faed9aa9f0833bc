"""The eval harness's side of the dream gate (``reverie.review.gate``): the labelled metrics.

A labels file (the format of ``reverie eval --replay --labels``) becomes a ``Scorecard``: the store
metrics of the scorecard (``reverie.evals.metrics``) at the dream's clock. Teaching sessions named in
the labels are looked up in the store by id or unique prefix; an item that names none counts as taught
from the start, as in the labelled replay. The application layer hands ``read_labels`` to
``review.gate.gate_for``; review itself never imports the harness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reverie.domain.lessons import Lesson
from reverie.evals import truth as t
from reverie.evals.baselines import from_domain
from reverie.evals.matching import Classifier
from reverie.evals.metrics import Rate, Scorer
from reverie.review import gate as review_gate
from reverie.store import Store

_FROM_THE_START = "(labels)"  # the teaching session of an item whose labels name none


@dataclass(frozen=True, slots=True)
class Labelled:
    """A ``review.gate.Scorecard`` from labels whose sessions were resolved against the store."""

    truth: t.Truth

    def __call__(self, lessons: Sequence[Lesson], when: str) -> dict[str, float | None]:
        return {name: rate.value for name, rate in labelled(lessons, self.truth, when).items()}


def read_labels(path: Path, store: Store) -> Labelled:
    return Labelled(resolve_labels(t.load(path), store))


def gate_for(setting: str, store: Store, *, base: Path) -> review_gate.DreamGate | None:
    """``review.gate.gate_for`` with the harness's label reader."""
    return review_gate.gate_for(setting, store, base=base, read_labels=read_labels)


def labelled(lessons: Sequence[Lesson], labels: t.Truth, when: str) -> dict[str, Rate]:
    """The scorecard's store metrics for these lessons at ``when``; poisoning is what is active now."""
    scorer = Scorer(labels, Classifier(labels.items))
    seen = [from_domain(lesson) for lesson in lessons]
    scorer.sample_poisoning(seen)
    return scorer.snapshot(seen, when)


def resolve_labels(labels: t.Truth, store: Store) -> t.Truth:
    """Labels with teaching sessions found in the store and their times, so ``expected_by`` works."""
    times: dict[str, str] = {_FROM_THE_START: ""}

    def found(names: Sequence[str]) -> tuple[str, ...]:
        resolved = []
        for name in names:
            matches = store.find_sessions(name)
            if len(matches) == 1:
                times[matches[0].id] = matches[0].started_at or matches[0].ended_at or ""
                resolved.append(matches[0].id)
        return tuple(resolved)

    items = []
    for item in labels.items:
        taught, explicit = found(item.taught_in), found(item.explicit_in)
        if not item.taught_in and not item.explicit_in:
            taught = explicit = (_FROM_THE_START,)
        items.append(replace(item, taught_in=taught, explicit_in=explicit))
    sessions = tuple(t.SessionTruth(session_id, "", started) for session_id, started in times.items())
    return replace(labels, items=tuple(items), sessions=sessions)
