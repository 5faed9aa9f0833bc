"""The dream gate: is the store a dream proposes worse than the store it read?

``reverie dream --gate checks`` (or ``--gate labels.yaml``, or ``[dream] gate = ...`` in policy.toml)
measures the dream's input lessons and its proposed lessons (the input with every proposed change
applied, as accepting all of it would leave the store) with the same checks, and marks the dream
``regressing`` when any of them got worse. Review then shows the verdict first, and ``reverie
accept`` of a regressing dream needs ``--accept-regression``.

Two families of checks:

*Label-free*, always: they need no ground truth, only what the lessons themselves say.

- ``contradictory_pairs``: pairs of active lessons that can apply together (same scope, or one of
  them global) and contradict as the dream's own contradictions pass reads them (one topic with
  different stances, one advising against what the other recommends, opposite polarity);
- ``untrusted_only``: active lessons whose evidence is all tool text or agent claims (nothing the
  person said, nothing seen to work);
- ``untrusted_enforced``: lessons at level rule or hook with any evidence from tool text, an agent's
  claim or reverie's own injected context (what must never be enforced on an agent's word);
- ``unevidenced``: active lessons with no evidence at all.

*Labelled*, with the person's labels file (the format of ``reverie eval --replay --labels``): a
``Scorecard`` read from it (the eval harness's, ``reverie.evals.gate.read_labels``, wired in by the
application layer so review does not depend on the harness): ``recall``, ``precision``,
``false_persistence``, ``contradictions`` (slot pairs) and ``poisoning``, at the dream's clock.
Teaching sessions named in the labels are looked up in the store by id or unique prefix; an item
that names none counts as taught from the start, as in the labelled replay.

Worse means strictly worse in the metric's direction (a rate with no denominator is not compared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from reverie.domain import Origin
from reverie.domain.lessons import Basis, Lesson, LessonStatus, Level, ScopeLevel
from reverie.dream import wording
from reverie.dream.passes.contradictions import contradicts
from reverie.review.verdict import GateMetric, GateVerdict
from reverie.store import Store

CHECKS = "checks"
OFF = "off"
LABEL_FREE = ("contradictory_pairs", "untrusted_only", "untrusted_enforced", "unevidenced")
LABELLED_BETTER = {
    "recall": "higher",
    "precision": "higher",
    "false_persistence": "lower",
    "contradictions": "lower",
    "poisoning": "lower",
}
UNTRUSTED = frozenset({Basis.TOOL_TEXT, Basis.AGENT_CLAIM})


class Scorecard(Protocol):
    """The labelled metrics of some lessons at a moment (ISO 8601): a value per name of
    ``LABELLED_BETTER``, None where a rate has no denominator."""

    def __call__(self, lessons: Sequence[Lesson], when: str) -> Mapping[str, float | None]: ...


LabelReader = Callable[[Path, Store], Scorecard]


@dataclass(frozen=True, slots=True)
class DreamGate:
    """A gate for ``run_dream``: called with the input's and the proposal's lessons and the dream's
    clock, it returns the verdict as the dream record keeps it (``reverie.review.verdict``)."""

    labels: Scorecard | None = None

    def __call__(self, before: Sequence[Lesson], after: Sequence[Lesson], now: datetime) -> dict[str, float]:
        return evaluate(before, after, labels=self.labels, now=now).as_usage()


def gate_for(setting: str, store: Store, *, base: Path, read_labels: LabelReader | None = None) -> DreamGate | None:
    """The gate a setting names: ``off`` (or empty), ``checks``, or a labels file (relative to ``base``),
    which ``read_labels`` turns into a scorecard."""
    value = setting.strip()
    if not value or value == OFF:
        return None
    if value == CHECKS:
        return DreamGate()
    if read_labels is None:
        raise ValueError(f"gate {value!r} names a labels file, and no label reader was given")
    path = Path(value).expanduser()
    return DreamGate(labels=read_labels(path if path.is_absolute() else base / path, store))


def evaluate(
    before: Sequence[Lesson], after: Sequence[Lesson], *, labels: Scorecard | None = None, now: datetime
) -> GateVerdict:
    old, new = label_free(before), label_free(after)
    metrics = [GateMetric(name, old[name], new[name], new[name] > old[name]) for name in LABEL_FREE]
    if labels is not None:
        when = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rated_before, rated_after = labels(before, when), labels(after, when)
        for name, better in LABELLED_BETTER.items():
            first, second = rated_before.get(name), rated_after.get(name)
            if first is None or second is None:
                continue
            worse = second < first if better == "higher" else second > first
            metrics.append(GateMetric(name, first, second, worse))
    return GateVerdict(tuple(metrics), labelled=labels is not None)


def label_free(lessons: Sequence[Lesson]) -> dict[str, float]:
    active = [lesson for lesson in lessons if lesson.status is LessonStatus.ACTIVE]
    return {
        "contradictory_pairs": float(contradictory_pairs(active)),
        "untrusted_only": float(sum(1 for x in active if x.evidence and all(e.basis in UNTRUSTED for e in x.evidence))),
        "untrusted_enforced": float(
            sum(1 for x in lessons if x.status is not LessonStatus.RETIRED and enforced_on_untrusted(x))
        ),
        "unevidenced": float(sum(1 for x in active if not x.evidence)),
    }


def contradictory_pairs(active: Sequence[Lesson]) -> int:
    words = {lesson.id: wording.read(lesson) for lesson in active}
    return sum(
        1
        for index, first in enumerate(active)
        for second in active[index + 1 :]
        if _can_meet(first, second) and contradicts(first, second, words[first.id], words[second.id])
    )


def enforced_on_untrusted(lesson: Lesson) -> bool:
    if lesson.level not in (Level.RULE, Level.HOOK):
        return False
    return any(e.basis in UNTRUSTED or e.origin is Origin.INJECTED for e in lesson.evidence)


def _can_meet(first: Lesson, second: Lesson) -> bool:
    if ScopeLevel.GLOBAL in (first.scope.level, second.scope.level):
        return True
    return (first.scope.level, first.scope.project, first.scope.session) == (
        second.scope.level,
        second.scope.project,
        second.scope.session,
    )
