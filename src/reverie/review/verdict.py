"""The dream gate's verdict as the dream record keeps it, and as review reads it back.

A gated dream (``reverie dream --gate``, or ``[dream] gate`` in policy.toml) measures its input store
version and the version it proposes with the same checks (``reverie.review.gate``), and says
``regressing`` when any of them got worse. The verdict is written with the dream's outcome, in the
same transaction, inside the record's ``usage`` JSON (a flat map of numbers, so it needs no new
column): ``gate.regressing`` (0 or 1), ``gate.labelled`` (1 when a labels file was used), and for
each metric ``gate.<name>.before``, ``gate.<name>.after`` and ``gate.<name>.worse`` (0 or 1).
``read`` turns that back into a ``GateVerdict``; ``plain_usage`` is the usage without it.

This module is deliberately small and imports nothing heavy: ``reverie dreams``, ``review`` and
``accept`` read verdicts without loading the evaluation code that produced them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reverie.errors import ReverieError

PREFIX = "gate."
PASS = "pass"
REGRESSING = "regressing"


class RegressingDream(ReverieError):
    """Accepting a dream its gate marked regressing needs an explicit ``--accept-regression``."""


@dataclass(frozen=True, slots=True)
class GateMetric:
    name: str
    before: float
    after: float
    worse: bool


@dataclass(frozen=True, slots=True)
class GateVerdict:
    metrics: tuple[GateMetric, ...]
    labelled: bool = False

    @property
    def regressing(self) -> bool:
        return any(metric.worse for metric in self.metrics)

    @property
    def verdict(self) -> str:
        return REGRESSING if self.regressing else PASS

    @property
    def worse(self) -> tuple[str, ...]:
        return tuple(metric.name for metric in self.metrics if metric.worse)

    def as_usage(self) -> dict[str, float]:
        usage = {f"{PREFIX}regressing": float(self.regressing), f"{PREFIX}labelled": float(self.labelled)}
        for metric in self.metrics:
            usage[f"{PREFIX}{metric.name}.before"] = round(metric.before, 4)
            usage[f"{PREFIX}{metric.name}.after"] = round(metric.after, 4)
            usage[f"{PREFIX}{metric.name}.worse"] = float(metric.worse)
        return usage

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "labelled": self.labelled,
            "metrics": {metric.name: [metric.before, metric.after] for metric in self.metrics},
            "worse": list(self.worse),
        }

    def summary(self) -> str:
        if not self.regressing:
            return f"gate: pass ({len(self.metrics)} metric(s) no worse{', with labels' if self.labelled else ''})"
        changed = ", ".join(f"{m.name} {_number(m.before)} -> {_number(m.after)}" for m in self.metrics if m.worse)
        return f"gate: REGRESSING ({changed})"


def read(usage: Mapping[str, float] | None) -> GateVerdict | None:
    """The verdict kept in a dream's usage, or None for a dream that was not gated."""
    if not usage or f"{PREFIX}regressing" not in usage:
        return None
    names = sorted(key[len(PREFIX) : -len(".before")] for key in usage if _is_metric(key))
    metrics = tuple(
        GateMetric(
            name,
            float(usage[f"{PREFIX}{name}.before"]),
            float(usage.get(f"{PREFIX}{name}.after", 0.0)),
            bool(usage.get(f"{PREFIX}{name}.worse", 0.0)),
        )
        for name in names
    )
    return GateVerdict(metrics, labelled=bool(usage.get(f"{PREFIX}labelled", 0.0)))


def plain_usage(usage: Mapping[str, float] | None) -> dict[str, float]:
    return {key: value for key, value in (usage or {}).items() if not key.startswith(PREFIX)}


def refuse_unless(verdict: GateVerdict | None, dream_id: str, *, accept_regression: bool) -> None:
    if verdict is not None and verdict.regressing and not accept_regression:
        raise RegressingDream(
            f"dream {dream_id} is marked regressing by its gate ({', '.join(verdict.worse)} got worse): "
            f"`reverie review {dream_id}` shows how; accept it anyway with --accept-regression, "
            f"or `reverie discard {dream_id}`"
        )


def _is_metric(key: str) -> bool:
    return key.startswith(PREFIX) and key.endswith(".before")


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"
