"""A click group that imports a command's module only when that command runs (click's documented
"lazily loading subcommands" pattern).

Every ``reverie`` command used to import the whole package first: the store backends, the eval and
dream machinery, the web and MCP servers, about half a second of CPU before ``--help`` printed a line.
The group holds a table instead, command name -> ``Entry("module:attribute", summary)``; only the
command that is asked for is imported. The summary is the first sentence of the command's help, what
the top-level ``--help`` lists, so listing the commands imports none of them;
``tests/cli/test_startup.py`` fails when a summary and its command's help disagree.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import click


class Entry(NamedTuple):
    target: str  # "module:attribute" of the click command
    summary: str  # the first sentence of its help, as the command list shows it


class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: Mapping[str, Entry] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Entry] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def load(self, name: str) -> click.Command:
        module, _, attribute = self.lazy[name].target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[name].target} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, with a stand-in built from the summary for each command not yet loaded."""
        shown = [(name, self._listed(name)) for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in shown if not command.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

    def _listed(self, name: str) -> click.Command:
        return self.commands.get(name) or click.Command(name, help=self.lazy[name].summary)
