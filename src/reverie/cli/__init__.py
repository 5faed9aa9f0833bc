"""The command-line edge. Each module here is one command group; they share one ``Workspace``.

Conventions every command follows: ``--json`` on everything that prints data, ``--yes`` on
everything that would ask, and nothing waits on stdin when stdin is not a terminal.
"""

from __future__ import annotations

import errno
import sqlite3
import sys

import click

import reverie.cli.sync as sync_cli  # the team edge on its own lines: edits of the shared line below never conflict
import reverie.cli.team as team_cli
from reverie import __version__
from reverie.cli import (
    artifacts,
    demo,
    dreams,
    evals,
    importing,
    ingesting,
    install,
    lessons,
    loop,
    proposing,
    recall,
    traces,
    ui,
)
from reverie.errors import ReverieError


class _Group(click.Group):
    """Turns reverie's own errors into one clear line and exit status 1, never a traceback. The store wraps
    SQLite's errors in ``StoreError``; what still escapes as ``sqlite3.Error`` (a read outside any
    transaction) or ``OSError`` (a full disk or a read-only home under a file we write) gets one line too."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ReverieError as error:
            click.echo(f"reverie: {error}", err=True)
        except sqlite3.Error as error:
            click.echo(f"reverie: the store failed ({error}); what was committed before is intact", err=True)
        except OSError as error:
            if error.errno == errno.EPIPE:  # a closed pager or `| head`: nothing to say
                sys.exit(1)
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"reverie: {error.strerror or error}{where}", err=True)
        sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reverie")
def main() -> None:
    """reverie: coding agents that learn from their own sessions, without training.

    \b
    capture   init, import, ingest       keep every session (hooks, or the agents' transcripts)
    distill   distill, lessons, show     small, scoped, evidence-backed lessons
    dream     dream, review, accept      consolidate offline; a person reviews every change
    recall    recall, context, mcp       the right lesson reaches the agent, once, in time
    compile   compile, artifacts         rules, hooks, skills the agents load and obey
    measure   eval, loop, progress       memory quality apart from task success

    Start with `reverie demo`, then `reverie init` in your own project. Docs: docs/cli.md.
    """


for command in (
    *install.COMMANDS,
    *importing.COMMANDS,
    *ingesting.COMMANDS,
    *lessons.COMMANDS,
    *dreams.COMMANDS,
    *proposing.COMMANDS,
    *traces.COMMANDS,
    *recall.COMMANDS,
    *evals.COMMANDS,
    *demo.COMMANDS,
    *artifacts.COMMANDS,
    *loop.COMMANDS,
    *team_cli.COMMANDS,
    *sync_cli.COMMANDS,
    *ui.COMMANDS,
):
    main.add_command(command)
