"""The CLI starts with only what the command needs (benchmarks/cli_startup.py measures how fast).

Each check runs in a fresh interpreter and reads ``sys.modules``: a module imported by some other test
would hide an eager import here. The lists name what made every command slow before the top level
loaded its commands lazily: the store backends, the servers, the eval and dream machinery.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reverie.cli import COMMANDS, main
from reverie.cli.lazy import LazyGroup

# Never needed to list the commands, to print the store's numbers or to list the lessons.
HEAVY = (
    "psycopg",
    "psycopg_pool",
    "starlette",
    "uvicorn",
    "jinja2",
    "mcp",
    "anthropic",
    "openai",
    "jsonschema",
    "reverie.app.dreams",
    "reverie.app.lessons",
    "reverie.distill",
    "reverie.distill.reading",
    "reverie.dream",
    "reverie.evals",
    "reverie.review",
    "reverie.recall",
    "reverie.artifacts",
    "reverie.loop",
    "reverie.llms.anthropic",
    "reverie.server",
    "reverie.store.postgres",
    "reverie.web",
)

PROBE = """
import json, sys
from reverie.cli import main
try:
    main(sys.argv[1:], prog_name="reverie")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(tmp_path: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"REVERIE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_importing_the_cli_imports_no_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys, reverie.cli; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    reverie = {name for name in json.loads(done.stdout) if name.split(".")[0] == "reverie"}
    assert reverie == {"reverie", "reverie.cli", "reverie.cli.lazy", "reverie.errors"}


def test_the_command_list_imports_no_command(tmp_path: Path) -> None:
    loaded = _modules_after(tmp_path, "--help")
    assert not {name for name in loaded if name.startswith("reverie.cli.") and name != "reverie.cli.lazy"}
    assert "reverie.workspace" not in loaded


@pytest.mark.parametrize("command", [["stats"], ["lessons"], ["stats", "--json"], ["lessons", "--json"]])
def test_stats_and_lessons_import_nothing_heavy(tmp_path: Path, command: list[str]) -> None:
    loaded = _modules_after(tmp_path, *command)
    assert "reverie.workspace" in loaded  # the command did run
    assert sorted(name for name in HEAVY if name in loaded) == []


def test_opening_the_built_in_store_scans_no_installed_packages(tmp_path: Path) -> None:
    """The entry-point scan (``importlib.metadata``, about 20 ms) is for plug-ins: the built-in SQLite
    backend is found without it. (``lessons`` still scans for its ``--llm`` choices.)"""
    loaded = _modules_after(tmp_path, "stats", "--json")
    assert "reverie.workspace" in loaded and "importlib.metadata" not in loaded


def test_every_summary_is_the_first_sentence_of_its_commands_help() -> None:
    context = click.Context(main)
    for name, entry in COMMANDS.items():
        command = main.get_command(context, name)
        assert command is not None and command.name == name, entry.target
        assert entry.summary == command.get_short_help_str(sys.maxsize), f"COMMANDS[{name!r}] is stale"


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_the_lazy_command_list_is_what_click_lists_for_the_loaded_commands(width: int) -> None:
    context = click.Context(main)
    loaded = click.Group(commands={name: main.get_command(context, name) for name in COMMANDS})
    lazy = LazyGroup(lazy=COMMANDS)
    assert not lazy.commands
    shown = []
    for group in (lazy, loaded):
        formatter = click.HelpFormatter(width=width)
        group.format_commands(click.Context(group), formatter)
        shown.append(formatter.getvalue())
    assert shown[0] == shown[1]
    assert all(f"  {name} " in shown[0] for name in COMMANDS)


def test_a_command_outside_the_table_is_unknown() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reverie.cli", "no-such-command"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "No such command 'no-such-command'" in done.stderr


def test_every_commands_tuple_of_a_command_module_is_in_the_table() -> None:
    # A command added to a module's COMMANDS (as other branches do) but not to the table would vanish.
    import importlib
    import pkgutil

    import reverie.cli

    context = click.Context(main)
    for info in pkgutil.iter_modules(reverie.cli.__path__):
        if info.name == "__main__":  # it runs the CLI
            continue
        module = importlib.import_module(f"reverie.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            assert command.name in COMMANDS, f"reverie.cli.{info.name} defines {command.name!r}: add it to COMMANDS"
            assert main.get_command(context, command.name) is command
