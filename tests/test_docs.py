"""The README documents every command, and docs/cli.md holds every command's current ``--help``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from reverie.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "reverie") -> list[str]:
    names = []
    context = click.Context(group)
    for name in group.list_commands(context):  # the top level loads its commands lazily
        command = group.get_command(context, name)
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
    return names


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert command in README, f"`{command}` is not documented in README.md"


def test_the_command_reference_is_what_the_commands_say_now() -> None:
    # A fresh process, as `make docs` runs it: click caches each command's help option on first use, so
    # commands that other tests invoked on their own would render differently in this one.
    done = subprocess.run(
        [sys.executable, "-m", "reverie.cli.reference"], capture_output=True, text=True, check=True, timeout=120
    )
    written = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == done.stdout, "docs/cli.md is stale: run `make docs`"
