"""The report's plots, as SVG files drawn by ``reverie.charts`` (standard library only, so every
install draws them):

- ``metrics_over_sessions.svg``: every rate metric against the number of sessions seen, one line per
  memory, with the target as a dashed line;
- ``failure_labels.svg``: the failure labels of MISSION.md side by side, one bar per memory;
- ``prevention_by_category.svg``: the share of avoidable repeat mistakes prevented, per kind of item
  (drawn when some category had a mistake to prevent).
"""

from __future__ import annotations

from pathlib import Path

from reverie import charts
from reverie.evals.metrics import METRICS, Rate
from reverie.evals.replay import MemoryResult, RunResult


def draw(result: RunResult, folder: Path) -> list[Path]:
    memories = [m for m in result.memories if m.available]
    if not memories:
        return []
    drawn = [
        ("metrics_over_sessions.svg", _over_sessions(memories)),
        ("failure_labels.svg", _failure_labels(memories)),
        ("prevention_by_category.svg", _by_category(memories)),
    ]
    written = []
    for name, chart in drawn:
        if chart is None:
            continue
        path = folder / name
        path.write_text(chart.svg + "\n", encoding="utf-8")
        written.append(path)
    return written


def _plotted(rate: Rate, count: bool) -> float | None:
    return float(rate.numerator) if count else (float(rate.value) if rate.value is not None else None)


def _over_sessions(memories: list[MemoryResult]) -> charts.Chart:
    panels = []
    for info in METRICS:
        if info.key == "tokens_per_session":
            continue
        series = []
        for memory in memories:
            rated = [(float(seen), rates[info.key]) for seen, rates in memory.series if info.key in rates]
            points = [(x, _plotted(rate, info.count)) for x, rate in rated]
            series.append(charts.Series(memory.name, [(x, y) for x, y in points if y is not None]))
        panels.append(
            charts.lines(
                info.title,
                series,
                x_label="sessions seen",
                y_max=None if info.count else 1.0,
                target=info.target,
                legend=False,
            )
        )
    names = [memory.name for memory in memories]
    return charts.grid("every metric against the sessions seen (dashed: the target)", panels, legend=names)


def _failure_labels(memories: list[MemoryResult]) -> charts.Chart:
    labelled = [info for info in METRICS if info.label]
    series = []
    for memory in memories:
        values = []
        for number, info in enumerate(labelled):
            rate = memory.final.get(info.key)
            if info.count:  # contradictions are pairs: ten or more fill the bar
                value = min(float(rate.numerator if rate else 0) / 10, 1.0)
            else:
                value = min(rate.value, 1.0) if rate is not None and rate.value is not None else 0.0
            values.append((float(number), value))
        series.append(charts.Series(memory.name, values))
    return charts.bars(
        "failure labels (lower is better)",
        [info.label or "" for info in labelled],
        series,
        y_label="share (contradictions: pairs / 10, capped)",
        y_max=1.0,
        width=760,
    )


def _by_category(memories: list[MemoryResult]) -> charts.Chart | None:
    categories = [
        c
        for c in memories[0].breakdown
        if any((m.breakdown.get(c, {}).get("prevention") or {}).get("d") for m in memories)
    ]
    if not categories:
        return None
    series = []
    for memory in memories:
        values = []
        for number, category in enumerate(categories):
            rate = memory.breakdown.get(category, {}).get("prevention") or {}
            value = rate.get("value") if isinstance(rate, dict) else None
            values.append((float(number), float(value) if isinstance(value, int | float) else 0.0))
        series.append(charts.Series(memory.name, values))
    return charts.bars(
        "avoidable repeat mistakes prevented, by category (higher is better)", categories, series, y_max=1.0, width=760
    )
