"""The compact ledger summary that opens every run's prompt.

A fresh run knows nothing of the runs before it; this is what it needs first: the score, the open
tasks, the approaches that failed (and why), and the blockers. It is wrapped in reverie's
injected-context marker, so capture tags it ``injected`` and distill never learns it back as if the
person had typed it. Lessons are not repeated here: the recall hooks bring those in.

It is capped (``MAX_CHARS``): a long ledger shows its newest failed approaches and first open tasks,
and says how many more there are in PROGRESS.md.
"""

from __future__ import annotations

from reverie.domain.markers import wrap_injected
from reverie.loop.ledger import Ledger

MARKER_KIND = "loop-progress"
MAX_CHARS = 4_000
MAX_ITEMS = 12


def briefing(ledger: Ledger, run: int, max_runs: int) -> str:
    lines = [
        f"Progress so far, kept by reverie from the traces of earlier runs (this is run {run} of at most {max_runs})."
    ]
    check = ledger.last_check
    if check is not None:
        failing = f"; failing: {', '.join(check.failing[:MAX_ITEMS])}" if check.failing else ""
        lines.append(f"The check `{check.command}` {check.describe()}{failing}.")
    lines += _section("Open tasks:", [f"- [ ] {task.text}" for task in ledger.open_tasks])
    approaches = ledger.standing_approaches[::-1]  # newest first: they are the likeliest to be retried
    lines += _section(
        "Failed approaches, do not repeat them:",
        [f"- {item.what}" + (f" failed: {item.why}" if item.why else "") + _runs(item.runs) for item in approaches],
    )
    lines += _section(
        "Blockers (the same error again and again):",
        [f'- "{b.signature}" from `{b.subject}`{_runs(b.runs)}' for b in ledger.blockers],
    )
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 60].rsplit("\n", 1)[0] + "\n(cut here: the rest is in .reverie/PROGRESS.md)"
    return wrap_injected(text, MARKER_KIND)


def prompt_for(ledger: Ledger, objective: str, run: int, max_runs: int) -> str:
    return f"{briefing(ledger, run, max_runs)}\n\n{objective}"


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = items[:MAX_ITEMS]
    more = [f"- ... and {len(items) - MAX_ITEMS} more in .reverie/PROGRESS.md"] if len(items) > MAX_ITEMS else []
    return ["", title, *shown, *more]


def _runs(runs: tuple[int, ...]) -> str:
    if not runs:
        return ""
    return f" (run {runs[0]})" if len(runs) == 1 else f" (runs {', '.join(map(str, runs))})"
