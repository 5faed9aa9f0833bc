"""The report's plots, drawn with matplotlib when it is installed (an optional dependency).

- ``metrics_over_sessions.png``: every rate metric against the number of sessions seen, one line per
  memory, with the target as a dashed line;
- ``failure_labels.png``: the six failure labels of MISSION.md side by side, one bar per memory;
- ``prevention_by_category.png``: the share of avoidable repeat mistakes prevented, per kind of item.

Without matplotlib ``draw`` returns no images and the markdown report says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from reverie.evals.metrics import METRICS, Rate
from reverie.evals.replay import MemoryResult, RunResult


def draw(result: RunResult, folder: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    memories = [m for m in result.memories if m.available]
    if not memories:
        return []
    images = [
        _over_sessions(plt, memories, folder / "metrics_over_sessions.png"),
        _failure_labels(plt, memories, folder / "failure_labels.png"),
        _by_category(plt, memories, folder / "prevention_by_category.png"),
    ]
    return [image for image in images if image is not None]


def _plotted(rate: Rate, count: bool) -> float | None:
    return float(rate.value) if rate.value is not None and not count else (float(rate.numerator) if count else None)


def _over_sessions(plt: Any, memories: list[MemoryResult], path: Path) -> Path | None:
    shown = [info for info in METRICS if info.key != "tokens_per_session"]
    columns = 3
    rows = math.ceil(len(shown) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 4.2, rows * 3.0), squeeze=False)
    for index, info in enumerate(shown):
        axis = axes[index // columns][index % columns]
        for number, memory in enumerate(memories):
            points = [
                (seen, _plotted(rates[info.key], info.count)) for seen, rates in memory.series if info.key in rates
            ]
            points = [(x, y) for x, y in points if y is not None]
            if points:
                axis.plot(
                    [x for x, _ in points], [y for _, y in points], marker=".", label=memory.name, color=f"C{number}"
                )
        if info.target is not None:
            axis.axhline(info.target, linestyle="--", color="grey", linewidth=0.8)
        axis.set_title(info.title, fontsize=9)
        axis.set_xlabel("sessions seen", fontsize=8)
        axis.tick_params(labelsize=7)
        if not info.count:
            axis.set_ylim(-0.02, 1.02)
    for index in range(len(shown), rows * columns):
        axes[index // columns][index % columns].axis("off")
    handles = [plt.Line2D([], [], color=f"C{number}", marker=".") for number in range(len(memories))]
    labels = [memory.name for memory in memories]
    figure.legend(handles, labels, loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _failure_labels(plt: Any, memories: list[MemoryResult], path: Path) -> Path | None:
    labelled = [info for info in METRICS if info.label]
    figure, axis = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(memories)
    for offset, memory in enumerate(memories):
        values = []
        for info in labelled:
            rate = memory.final.get(info.key)
            value = rate.value if rate is not None and rate.value is not None else 0.0
            values.append(min(value, 1.0) if not info.count else min(float(rate.numerator if rate else 0) / 10, 1.0))
        positions = [index + offset * width for index in range(len(labelled))]
        axis.bar(positions, values, width=width, label=memory.name)
    axis.set_xticks([index + 0.4 - width / 2 for index in range(len(labelled))])
    axis.set_xticklabels([info.label or "" for info in labelled], fontsize=8)
    axis.set_ylabel("share (contradictions: pairs / 10, capped)", fontsize=8)
    axis.set_title("failure labels (lower is better)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _by_category(plt: Any, memories: list[MemoryResult], path: Path) -> Path | None:
    categories = [
        c
        for c in memories[0].breakdown
        if any((m.breakdown.get(c, {}).get("prevention") or {}).get("d") for m in memories)
    ]
    if not categories:
        return None
    figure, axis = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(memories)
    for offset, memory in enumerate(memories):
        values = []
        for category in categories:
            rate = memory.breakdown.get(category, {}).get("prevention") or {}
            values.append(rate.get("value") or 0.0)
        axis.bar([index + offset * width for index in range(len(categories))], values, width=width, label=memory.name)
    axis.set_xticks([index + 0.4 - width / 2 for index in range(len(categories))])
    axis.set_xticklabels(categories, fontsize=8)
    axis.set_ylim(0, 1)
    axis.set_title("avoidable repeat mistakes prevented, by category (higher is better)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
