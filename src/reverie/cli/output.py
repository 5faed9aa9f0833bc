"""Printing data: one JSON document with ``--json``, an aligned plain-text table otherwise."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[["" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            click.echo("  ".join("-" * width for width in widths))


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 problem``, ``2 problems``: counts read as a person would write them."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


@contextmanager
def progress(label: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while long work runs on a terminal; nothing when piped or ``quiet``.
    The callback takes (done, total), so work whose total is known only once it starts, or grows as it
    goes (a pull learns from each page how much is left), can report."""
    if quiet or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar: Any = None
    try:

        def tick(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr, show_pos=True).__enter__()
            bar.length = max(total, done, 1)
            bar.update(done - bar.pos)

        yield tick
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@contextmanager
def steps(label: str, total: int, *, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """``progress`` for work that reports steps as they finish (the eval harness: one per session
    generated, one per session replayed) rather than (done, total)."""
    with progress(label, quiet=quiet or total == 0) as tick:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            tick(done, total)

        yield step
