"""Thresholds from out-of-fold probabilities, and the figures that judge a reading.

Cross-validation folds are whole repositories, never single turns or single files of one, so a
person's habits in one session cannot leak from training into the fold that tests another of theirs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reverie.distill.reading.corpus import Example
from reverie.distill.reading.learn import Sample
from reverie.distill.reading.model import LABELS, Model, Thresholds, Verdict

STANDING = frozenset({"standing_project", "standing_global"})
TARGET_ACTIVE_PRECISION = 0.95
TARGET_STANDING_RECALL = 0.9
# A one-off below this is a guess, a session lesson nobody asked for: out of fold on the dev split of December
# 2026, one-off readings are right 0.13-0.14 of the time from 0.3 to 0.4, and 176 of them at 0.3 against 122.
ONE_OFF_FLOOR = 0.4
CANDIDATE_FLOOR = 0.2  # below this a "candidate" is mostly tasks and chit-chat: recall is not worth that
REVIEW_PRECISION = 0.25  # of what waits for review, at least this share is a standing instruction
GRID = tuple(round(step / 100, 2) for step in range(5, 100))
NEVER = 1.01  # no threshold reaches the precision: nothing is active at once, all must recur
# "95% precision" means something only over enough sentences: at least five, and at least a tenth of the
# standing sentences of the corpus, so the bar rises as the corpus grows (44 standing: 5; 300: 30).
ACTIVE_MIN_SUPPORT = 5
ACTIVE_MIN_SHARE = 0.1

Scored = tuple[dict[str, float], str]  # probabilities, gold label


def folds(examples: Sequence[Example], count: int) -> list[list[int]]:
    """Indices of the examples in each fold, grouped by repository (else by source file, the part of the
    id before ``#``): one person's sessions of one project never sit on both sides of a fold."""
    sources = sorted({group_of(example) for example in examples})
    groups: list[list[int]] = [[] for _ in range(min(count, len(sources)))]
    where = {source: index % len(groups) for index, source in enumerate(sources)}
    for index, example in enumerate(examples):
        groups[where[group_of(example)]].append(index)
    return groups


def group_of(example: Example) -> str:
    """The repository a sentence comes from, else its source file (an auxiliary sentence has no repository)."""
    return example.group or example.turn_id.split("#")[0]


def out_of_fold(
    samples: Sequence[Sample],
    groups: list[list[int]],
    fit: Callable[[list[Sample], list[float]], Model],
    weights: Sequence[float] | None = None,
) -> list[Scored]:
    """Each fold scored by a model fitted on the others (with their ``weights``, 1 each by default)."""
    weight_of = list(weights) if weights is not None else [1.0] * len(samples)
    scored: list[Scored | None] = [None] * len(samples)
    for held in groups:
        heldset = set(held)
        kept = [index for index in range(len(samples)) if index not in heldset]
        model = fit([samples[index] for index in kept], [weight_of[index] for index in kept])
        for index in held:
            active, gold = samples[index]
            scored[index] = (model.probabilities(active), gold)
    return [item for item in scored if item is not None]


def active_support(positives: int) -> int:
    """How many sentences the 95% precision of ``active`` must hold over."""
    return max(ACTIVE_MIN_SUPPORT, math.ceil(ACTIVE_MIN_SHARE * positives))


def thresholds(scored: Sequence[Scored]) -> Thresholds:
    """``active``: the lowest threshold whose standing predictions are 95% right over at least
    ``active_support`` sentences (``NEVER`` when none is); ``candidate``: the
    highest that still finds 90% of the standing sentences, else the lowest worth a review (never above
    ``active``); ``one_off``: the best F1 for one-offs."""
    standing = [(p["standing_project"] + p["standing_global"], gold in STANDING) for p, gold in scored]
    support = active_support(sum(gold for _, gold in standing))
    active = next((t for t in GRID if _precision(standing, t, support) >= TARGET_ACTIVE_PRECISION), NEVER)
    reaching = [t for t in GRID if _recall(standing, t) >= TARGET_STANDING_RECALL and CANDIDATE_FLOOR <= t <= active]
    candidate = max(reaching) if reaching else max(CANDIDATE_FLOOR, min(active, _worth_review(standing)))
    one_offs = [(p["one_off"], gold == "one_off") for p, gold in scored]
    return Thresholds(active=active, candidate=min(candidate, active), one_off=max(ONE_OFF_FLOOR, _best_f1(one_offs)))


def average_precision(scored: Sequence[Scored], label: str) -> float:
    """How well the probabilities rank ``label`` (``standing``: either scope) above the rest: the mean
    precision at each true one, from the top. Stable on few examples, unlike a thresholded count."""

    def probability(p: dict[str, float]) -> float:
        return p["standing_project"] + p["standing_global"] if label == "standing" else p[label]

    def gold_is(gold: str) -> bool:
        return gold in STANDING if label == "standing" else gold == label

    ranked = sorted(((probability(p), gold_is(gold)) for p, gold in scored), key=lambda row: -row[0])
    hits, total = 0, 0.0
    for rank, (_, positive) in enumerate(ranked, start=1):
        if positive:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def _precision(pairs: Sequence[tuple[float, bool]], threshold: float, support: int = ACTIVE_MIN_SUPPORT) -> float:
    chosen = [gold for p, gold in pairs if p >= threshold]
    return sum(chosen) / len(chosen) if len(chosen) >= support else 0.0  # one lucky hit is not 100%


def _recall(pairs: Sequence[tuple[float, bool]], threshold: float) -> float:
    positives = [p for p, gold in pairs if gold]
    return sum(p >= threshold for p in positives) / len(positives) if positives else 0.0


def _worth_review(pairs: Sequence[tuple[float, bool]]) -> float:
    """The lowest threshold at which one candidate in four is a standing instruction (the best F1 if none
    is). Not the best F1 itself: F1 is flat over a wide band (on the dev split of December 2026, 0.24 to
    0.28 for thresholds from 0.2 to 0.52), so its top is noise. Retrained on 36 more sources it moved from
    0.40 to 0.24, and the holdout's review queue grew by half (168 -> 259) for 8 more right lessons: the
    person's time is what the candidate threshold spends."""
    return next((t for t in GRID if _precision(pairs, t) >= REVIEW_PRECISION), _best_f1(pairs))


def _best_f1(pairs: Sequence[tuple[float, bool]]) -> float:
    def f1(threshold: float) -> float:
        precision, recall = _precision(pairs, threshold), _recall(pairs, threshold)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    return max(GRID, key=lambda t: (round(f1(t), 4), -t))


@dataclass(frozen=True, slots=True)
class Report:
    confusion: dict[str, dict[str, int]]  # gold -> predicted
    standing_recall: float  # standing sentences kept (active or candidate), any scope
    standing_recall_scoped: float  # ... and in the right scope
    active_recall: float  # standing sentences that become active at once
    active_precision: float  # of what becomes active at once, the share that is standing
    durable_precision: float  # of what is kept as durable (active or candidate), the share that is standing
    active: int
    one_off_persisted: int  # one-offs that would become durable lessons


def report(model: Model, scored: Sequence[Scored]) -> Report:
    rows = []
    for probabilities, gold in scored:
        verdict = model.verdict(probabilities)
        rows.append((gold, predicted_label(probabilities, verdict), verdict))
    return tally(rows)


def tally(rows: Sequence[tuple[str, str, Verdict]]) -> Report:
    """The report of (gold label, predicted label, verdict) rows."""
    confusion = {gold: dict.fromkeys(LABELS, 0) for gold in LABELS}
    for gold, predicted, _ in rows:
        confusion[gold][predicted] += 1
    durable = [(gold, predicted, verdict) for gold, predicted, verdict in rows if verdict in _DURABLE]
    active = [gold for gold, _, verdict in durable if verdict is Verdict.ACTIVE]
    standing = sum(gold in STANDING for gold, _, _ in rows)
    return Report(
        confusion=confusion,
        standing_recall=_share(sum(gold in STANDING for gold, _, _ in durable), standing),
        standing_recall_scoped=_share(
            sum(gold == predicted and gold in STANDING for gold, predicted, _ in durable), standing
        ),
        active_recall=_share(sum(gold in STANDING for gold in active), standing),
        active_precision=_share(sum(gold in STANDING for gold in active), len(active)),
        durable_precision=_share(sum(gold in STANDING for gold, _, _ in durable), len(durable)),
        active=len(active),
        one_off_persisted=sum(gold == "one_off" for gold, _, _ in durable),
    )


_DURABLE = (Verdict.ACTIVE, Verdict.CANDIDATE)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def predicted_label(probabilities: dict[str, float], verdict: Verdict) -> str:
    if verdict in (Verdict.ACTIVE, Verdict.CANDIDATE):
        return (
            "standing_global"
            if probabilities["standing_global"] > probabilities["standing_project"]
            else "standing_project"
        )
    return "one_off" if verdict is Verdict.ONE_OFF else "none"


def render(result: Report) -> str:
    corner = "gold / predicted"
    lines = [f"{corner:<18}" + "".join(f"{label:>18}" for label in LABELS)]
    for gold in LABELS:
        lines.append(f"{gold:<18}" + "".join(f"{result.confusion[gold][p]:>18}" for p in LABELS))
    lines.append("")
    for label in LABELS:
        tp = result.confusion[label][label]
        predicted = sum(result.confusion[g][label] for g in LABELS)
        actual = sum(result.confusion[label].values())
        precision = f"{tp / predicted:.2f}" if predicted else "n/a"
        recall = f"{tp / actual:.2f}" if actual else "n/a"
        lines.append(f"{label:<18} precision {precision:>5} ({tp}/{predicted})  recall {recall:>5} ({tp}/{actual})")
    lines += [
        "",
        f"standing recall (kept, any scope)  {result.standing_recall:.2f}",
        f"standing recall (right scope)      {result.standing_recall_scoped:.2f}",
        f"standing that becomes active       {result.active_recall:.2f}",
        f"precision of what becomes active   {result.active_precision:.2f} (of {result.active})",
        f"precision of what is kept durable  {result.durable_precision:.2f}",
        f"one-offs persisted as durable      {result.one_off_persisted}",
    ]
    return "\n".join(lines)
