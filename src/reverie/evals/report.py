"""Presenting a run: the terminal table, the JSON document for tracking over time, and the markdown
report with its plots.

The table has the memories as columns and the metrics as rows; every cell is a value with the counts
it came from ("0.84 (58/69)"), so a reader can tell a rate of one from a rate of a thousand. Count
metrics (contradictory pairs, tokens per session) show their count. A metric a memory does not have
(flip-flops across dreams, for a memory that never dreams) shows "n/a". A memory that could not run
says why instead of showing numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.capture.redact import redact_text, redact_value
from reverie.evals import plots
from reverie.evals.metrics import METRIC_INFO, METRICS, Rate
from reverie.evals.replay import MemoryResult, RunResult

FORMAT = "reverie-eval/1"
PER_MEMORY = frozenset({"flip_flops"})  # only some memories have them: absent means "not applicable"


def cell(key: str, rate: Rate | None) -> str:
    if rate is None:
        return "n/a" if key in PER_MEMORY else "-"
    info = METRIC_INFO[key]
    if key == "tokens_per_session":
        return f"{rate.value:.0f}" if rate.value is not None else "-"
    if info.count:
        return f"{rate.numerator} (of {rate.denominator})"
    if rate.value is None:
        return f"n/a (0/{rate.denominator})"
    return f"{rate.value:.2f} ({rate.numerator}/{rate.denominator})"


def target_text(key: str) -> str:
    info = METRIC_INFO[key]
    if info.target is None:
        return ""
    sign = ">=" if info.better == "higher" else "<="
    if info.count or info.target == 0:
        return "= 0" if info.target == 0 else f"{sign} {info.target:g}"
    return f"{sign} {info.target:.0%}" if info.target < 1 else f"{sign} {info.target:g}"


def meets(key: str, rate: Rate | None) -> bool | None:
    info = METRIC_INFO[key]
    if info.target is None or rate is None:
        return None
    value = float(rate.numerator) if info.count else rate.value
    if value is None:
        return None
    return value >= info.target if info.better == "higher" else value <= info.target


def table_rows(result: RunResult) -> tuple[list[str], list[list[str]]]:
    headers = ["metric", *(m.name for m in result.memories), "target"]
    rows = []
    for info in METRICS:
        row = [info.title]
        for memory in result.memories:
            row.append(cell(info.key, memory.final.get(info.key)) if memory.available else "not available")
        row.append(target_text(info.key))
        rows.append(row)
    return headers, rows


def as_json(result: RunResult) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sessions": result.sessions,
        "budget_tokens": result.budget,
        "seconds": round(result.seconds, 2),
        "import_problems": len(result.import_problems),
        "identity_mismatches": result.identity_mismatches,
        "meta": result.meta,
        "targets": {i.key: {"target": i.target, "better": i.better} for i in METRICS if i.target is not None},
        "memories": {memory.name: _memory_json(memory) for memory in result.memories},
    }


def _memory_json(memory: MemoryResult) -> dict[str, Any]:
    if not memory.available:
        return {"available": False, "reason": memory.reason}
    return {
        "available": True,
        "active_lessons": memory.active_lessons,
        "learn_seconds": round(memory.learn_seconds, 2),
        "metrics": {key: rate.as_json() for key, rate in memory.final.items()},
        "series": [{"sessions": seen, **{k: r.as_json() for k, r in rates.items()}} for seen, rates in memory.series],
        "by_category": memory.breakdown,
        "audit": memory.audit,
    }


def write(result: RunResult, folder: Path) -> list[Path]:
    """The report folder: report.md, report.json and the SVG plots."""
    folder.mkdir(parents=True, exist_ok=True)
    document = as_json(result)
    json_path = folder / "report.json"
    # Reports quote lessons and transcripts: redacted like everything else reverie writes.
    json_path.write_text(json.dumps(redact_value(document), indent=1) + "\n", encoding="utf-8")
    images = plots.draw(result, folder)
    markdown = folder / "report.md"
    markdown.write_text(redact_text(render_markdown(result, images)), encoding="utf-8")
    return [markdown, json_path, *images]


def render_markdown(result: RunResult, images: Sequence[Path]) -> str:
    headers, rows = table_rows(result)
    lines = [
        "# reverie eval",
        "",
        f"{result.sessions} sessions, {result.meta.get('mode', 'benchmark')}"
        + (f", seed {result.meta['seed']}" if "seed" in result.meta else "")
        + f"; injection budget {result.budget} tokens; {result.seconds:.0f} s;"
        f" {len(result.import_problems)} import problems.",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    unavailable = [m for m in result.memories if not m.available]
    lines += [f"- **{m.name}** not available: {m.reason}." for m in unavailable]
    lines += ["", *_targets_section(result), ""]
    if images:
        lines += ["## Plots", ""] + [f"![{image.stem}]({image.name})" for image in images] + [""]
    else:
        lines += ["No plots: no memory was available to measure.", ""]
    lines += _categories_section(result)
    return "\n".join(lines) + "\n"


def _targets_section(result: RunResult) -> list[str]:
    reverie = next((m for m in result.memories if m.name == "reverie" and m.available), None)
    if reverie is None:
        return []
    lines = ["## reverie against the targets", ""]
    for info in METRICS:
        verdict = meets(info.key, reverie.final.get(info.key))
        if verdict is None:
            continue
        mark = "met" if verdict else "**missed**"
        lines.append(
            f"- {info.title}: {cell(info.key, reverie.final.get(info.key))}, target {target_text(info.key)}: {mark}"
        )
    return lines


def _categories_section(result: RunResult) -> list[str]:
    available = [m for m in result.memories if m.available]
    if not available:
        return []
    categories = list(available[0].breakdown)
    lines = [
        "## Recall and prevention by category",
        "",
        "| category | " + " | ".join(m.name for m in available) + " |",
        "|" + "---|" * (len(available) + 1),
    ]
    for category in categories:
        cells = []
        for memory in available:
            part = memory.breakdown.get(category, {})
            recall, prevention = part.get("recall", {}), part.get("prevention", {})
            cells.append(f"recall {_short(recall)}, prevented {_short(prevention)}")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    return lines


def _short(rate: Any) -> str:
    if not isinstance(rate, dict) or not rate.get("d"):
        return "-"
    return f"{rate['n']}/{rate['d']}"
