"""``reverie stats --over-time``: what was learned, period by period, as a table with a bar per row.

The bar is the stock at the period's end, what the agent could be shown: active lessons drawn solid,
candidates (kept, not yet trusted enough to act) drawn light, scaled to the largest period.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from reverie.cli.output import emit_json, emit_table
from reverie.domain.timeline import Period

WIDTH = 40  # characters for the largest bar
QUIET_RUN = 3  # this many periods in a row without a change print as one row
SOLID, LIGHT = "█", "░"


def show(found: Sequence[Period], *, project: str | None, by: str, as_json: bool) -> None:
    if as_json:
        emit_json({"project": project, "by": by, "periods": [period.as_json() for period in found]})
        return
    if not found:
        where = f" in project {project}" if project else ""
        click.echo(
            f"No lessons{where} yet: `reverie distill` turns captured sessions into lessons"
            " (`reverie lessons` lists the projects' keys)."
        )
        return
    most = max(period.active + period.candidates for period in found) or 1
    rows: list[tuple[object, ...]] = []
    for run in _runs(found):
        first = run[0]
        if len(run) >= QUIET_RUN:
            quiet = f"{first.start} ({len(run)} {by}s)"
            rows.append((quiet, "-", "-", "-", first.active, first.candidates, "no change"))
            continue
        rows += [
            (p.start, p.added, p.activated, p.retired, p.active, p.candidates, bar(p.active, p.candidates, most))
            for p in run
        ]
    emit_table((f"{by} of", "added", "activated", "retired", "active", "candidates", ""), rows)
    where = f"; project {project}" if project else ""
    click.echo(f"\n{SOLID} active  {LIGHT} candidate, at the end of each {by}{where}")


def _runs(found: Sequence[Period]) -> list[list[Period]]:
    """Each quiet stretch (nothing added, activated or retired) as one run, each other period alone."""
    runs: list[list[Period]] = []
    for period in found:
        if not _busy(period) and runs and not _busy(runs[-1][-1]):
            runs[-1].append(period)
        else:
            runs.append([period])
    return runs


def _busy(period: Period) -> bool:
    return bool(period.added or period.activated or period.retired)


def bar(active: int, candidates: int, most: int) -> str:
    """Solid for the active lessons, light for the candidates; a count above zero shows at least one mark."""
    solid = _cells(active, most)
    light = _cells(active + candidates, most) - solid
    return SOLID * solid + LIGHT * max(light, 1 if candidates else 0)


def _cells(count: int, most: int) -> int:
    return max(round(count / most * WIDTH), 1 if count else 0)
