"""Presenting a real-corpus run: the terminal table, the JSON document (with the audit lists), and
``real-report.md`` / ``real-report.json`` next to the benchmark's report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.evals import corpus
from reverie.evals.metrics import Rate
from reverie.evals.real import RealRun, plan
from reverie.evals.real_score import TARGETS

FORMAT = "reverie-eval-real/1"


def sessions(folder: Path) -> int:
    """How many sessions a run on ``folder`` replays (for the progress bar)."""
    return len(plan(corpus.load(folder)))


def _cell(rate: Rate) -> str:
    if rate.value is None:
        return f"n/a (0/{rate.denominator})"
    return f"{rate.value:.2f} ({rate.numerator}/{rate.denominator})"


def _target(key: str) -> str:
    target = TARGETS[key][1]
    if target is None:
        return ""
    return "= 0" if target == 0 else f">= {target:.0%}"


def table_rows(run: RealRun) -> tuple[list[str], list[list[str]]]:
    others = list(run.baselines.values())
    rows = [
        [TARGETS[key][0], _cell(rate), *(_cell(other.rates[key]) for other in others), _target(key)]
        for key, rate in run.score.rates.items()
    ]
    for channel, rate in run.score.by_channel.items():
        rows.append(
            [f"recall, {channel} turns", _cell(rate), *(_cell(o.by_channel.get(channel, rate)) for o in others), ""]
        )
    for kind, (shown, read) in run.score.by_kind.items():
        rows.append([f"{kind}s: active / read", f"{_cell(shown)} / {_cell(read)}", *("" for _ in others), ""])
    if run.score.by_repository:
        mean = [per_repository(other.by_repository) if other.by_repository else "" for other in others]
        rows.append(["recall, mean over repositories", per_repository(run.score.by_repository), *mean, ""])
    headers = ["metric", f"reverie ({run.meta.get('reader', 'rules')} reader)", *run.baselines, "target"]
    return headers, rows


def per_repository(rates: dict[str, Rate]) -> str:
    """The mean of each repository's recall, and how many repositories have any lesson recalled."""
    values = [rate.value or 0.0 for rate in rates.values()]
    reached = sum(1 for rate in rates.values() if rate.numerator)
    return f"{sum(values) / len(values):.2f} (any in {reached}/{len(values)})"


def as_json(run: RealRun) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "turns": run.turns,
        "sources": run.sources,
        "sessions": run.sessions,
        "seconds": round(run.seconds, 2),
        "import_problems": list(run.import_problems),
        "meta": run.meta,
        "metrics": {key: rate.as_json() for key, rate in run.score.rates.items()},
        "recall_by_channel": {key: rate.as_json() for key, rate in run.score.by_channel.items()},
        "recall_by_repository": {key: rate.as_json() for key, rate in run.score.by_repository.items()},
        "recall_by_kind": {
            kind: {"active": shown.as_json(), "read": read.as_json()}
            for kind, (shown, read) in run.score.by_kind.items()
        },
        "audit": run.score.audit,
        "baselines": {
            name: {"metrics": {key: rate.as_json() for key, rate in other.rates.items()}}
            for name, other in run.baselines.items()
        },
    }


def write(run: RealRun, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    document = as_json(run)
    data = folder / "real-report.json"
    data.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = folder / "real-report.md"
    markdown.write_text(render_markdown(run), encoding="utf-8")
    return [markdown, data]


def render_markdown(run: RealRun) -> str:
    headers, rows = table_rows(run)
    lines = [
        "# reverie on a labelled real corpus",
        "",
        f"{run.turns} turns from {run.sources} sources ({run.meta.get('folder')}), replayed as {run.sessions} "
        f"sessions; reader: {run.meta.get('reader')}.",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        "## Standing lessons not recalled",
        "",
    ]
    for label in run.score.audit.get("unmatched_labels", [])[:200]:
        lines.append(f"- `{label['id']}` ({label['scope']}, {label['channel']}): {label['statement']}")
    lines += ["", "## Active lessons that state no label", ""]
    for lesson in run.score.audit.get("unmatched_lessons", [])[:200]:
        lines.append(f"- ({lesson['scope']}) {lesson['statement']}")
    lines += ["", "## Candidates waiting for review that state no label", ""]
    for lesson in run.score.audit.get("unmatched_candidates", [])[:200]:
        lines.append(f"- ({lesson['scope']}) {lesson['statement']}")
    return "\n".join(lines) + "\n"
