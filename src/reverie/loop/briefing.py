"""The compact ledger summary that opens every run's prompt.

A fresh run knows nothing of the runs before it; this is what it needs first: the score, the open
tasks, the approaches that failed (and why), and the blockers. It is wrapped in reverie's
injected-context marker, so capture tags it ``injected`` and distill never learns it back as if the
person had typed it. Each dead end is said once: a distilled lesson about a failed approach shown
here is also named in the run's environment (``REVERIE_RECALL_SHOWN``), so the recall hooks treat it
as already shown instead of bringing it in a second time.

It is capped (``MAX_CHARS``): a long ledger shows its newest failed approaches and first open tasks,
and says how many more there are in PROGRESS.md.
"""

from __future__ import annotations

from reverie.domain.markers import wrap_injected
from reverie.loop.ledger import Ledger

MARKER_KIND = "loop-progress"
MAX_CHARS = 4_000
MAX_ITEMS = 12


def briefing(ledger: Ledger, run: int, max_runs: int, first_run: int = 1) -> str:
    """``first_run`` is the number of this invocation's first run: ``max_runs`` counts from there."""
    lines = [
        f"Progress so far, kept by reverie from the traces of earlier runs ({_position(run, max_runs, first_run)})."
    ]
    check = ledger.last_check
    if check is not None:
        failing = f"; failing: {'; '.join(check.failures()[:MAX_ITEMS])}" if check.failing else ""
        lines.append(f"The check `{check.command}` {check.describe()}{failing}.")
    lines += _section("Open tasks:", [f"- [ ] {task.text}" for task in ledger.open_tasks])
    approaches = ledger.standing_approaches[::-1]  # newest first: they are the likeliest to be retried
    lines += _section(
        "Failed approaches, do not repeat them:",
        [f"- {item.what}" + (f" failed: {item.why}" if item.why else "") + _runs(item.runs) for item in approaches],
    )
    lines += _section(
        "Blockers (the same error in more than one run):",
        [f'- "{b.example}" from `{b.subject}`{_runs(b.runs)}' for b in ledger.blockers],
    )
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 60].rsplit("\n", 1)[0] + "\n(cut here: the rest is in .reverie/PROGRESS.md)"
    return wrap_injected(text, MARKER_KIND)


def prompt_for(ledger: Ledger, objective: str, run: int, max_runs: int, first_run: int = 1) -> str:
    return f"{briefing(ledger, run, max_runs, first_run)}\n\n{objective}"


def shown_lessons(ledger: Ledger) -> tuple[str, ...]:
    """The lessons whose dead end the briefing already names: recall need not show them again."""
    return tuple(item.lesson_id for item in ledger.standing_approaches if item.lesson_id)


def _position(run: int, max_runs: int, first_run: int) -> str:
    if first_run <= 1:
        return f"this is run {run} of at most {max_runs}"
    return f"this is run {run} overall, run {run - first_run + 1} of at most {max_runs} in this invocation"


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
