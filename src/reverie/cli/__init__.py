"""The command-line edge. Each module here is one command group; they share one ``Workspace``.

Conventions every command follows: ``--json`` on everything that prints data, ``--yes`` on
everything that would ask, and nothing waits on stdin when stdin is not a terminal.
"""

from __future__ import annotations

import sys

import click

from reverie import __version__
from reverie.cli import artifacts, demo, dreams, evals, importing, ingesting, install, lessons, loop, recall, traces, ui
from reverie.errors import ReverieError


class _Group(click.Group):
    """Turns reverie's own errors into one clear line and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ReverieError as error:
            click.echo(f"reverie: {error}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reverie")
def main() -> None:
    """reverie: coding agents that learn from their own sessions, without training.

    Capture sessions with hooks or import transcripts, then inspect what was kept.
    """


for command in (
    *install.COMMANDS,
    *importing.COMMANDS,
    *ingesting.COMMANDS,
    *lessons.COMMANDS,
    *dreams.COMMANDS,
    *traces.COMMANDS,
    *recall.COMMANDS,
    *evals.COMMANDS,
    *demo.COMMANDS,
    *artifacts.COMMANDS,
    *loop.COMMANDS,
    *ui.COMMANDS,
):
    main.add_command(command)
