"""How long a ``reverie`` command takes to start, against starting Python at all and importing click.

Each round runs every case once, interleaved so that drift on a busy machine hits them alike:

* ``python -c pass`` and ``python -c "import click"``: the floors;
* ``reverie --help``, ``reverie stats`` and ``reverie lessons`` on an empty home;
* ``reverie stats`` and ``reverie lessons`` on a small home (the test fixtures' Claude Code and Codex
  transcripts imported and distilled, and a few remembered lessons);
* with ``--before SRC`` (the ``src`` folder of another checkout, say ``git worktree add /tmp/old main``)
  the same commands run by that checkout, on the same homes, in the same rounds (``before:`` rows).

Every command runs as ``python -m reverie.cli ...`` (what the console script does, without the
script's own few lines) with the interpreter running the benchmark. The table gives medians of wall
time and of the child's CPU time (user + system, which the other load on a shared machine inflates
least) and each as a ratio to ``python -c pass`` and to ``import click`` measured in the same rounds.

    .venv/bin/python -m benchmarks.cli_startup [--rounds 20] [--before SRC]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
TRANSCRIPTS = (FIXTURES / "transcripts" / "claude-code", FIXTURES / "transcripts" / "codex", FIXTURES / "recorded")
REMEMBERED = ("use make check, not pytest", "run the migrations before the tests", "never push to main")


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    env: dict[str, str]


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _env(home: Path, src: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "REVERIE_HOME": str(home), "COLUMNS": "100"}
    env.pop("PYTHONPATH", None)
    if src is not None:  # another checkout's package ahead of the installed (editable) one
        env["PYTHONPATH"] = str(src)
    return env


def populate(home: Path) -> None:
    """A small home, made by this checkout's CLI as a person would make it."""

    def cli(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "reverie.cli", *args], env=_env(home), check=True, capture_output=True, timeout=300
        )

    cli("import", *map(str, TRANSCRIPTS))
    cli("distill")
    for text in REMEMBERED:
        cli("remember", text, "--scope", "global")


def cases(empty: Path, small: Path, before: Path | None) -> list[Case]:
    python = sys.executable
    found = [
        Case("python -c pass", (python, "-c", "pass"), _env(empty)),
        Case('python -c "import click"', (python, "-c", "import click"), _env(empty)),
    ]
    checkouts: list[tuple[str, Path | None]] = [("", None)]
    if before is not None:
        checkouts.append(("before: ", before))
    for label, src in checkouts:
        cli = (python, "-m", "reverie.cli")
        found.append(Case(f"{label}reverie --help", (*cli, "--help"), _env(empty, src)))
        for command in ("stats", "lessons"):
            found.append(Case(f"{label}reverie {command} (empty home)", (*cli, command), _env(empty, src)))
            found.append(Case(f"{label}reverie {command} (small home)", (*cli, command), _env(small, src)))
    return found


def measure(found: Sequence[Case], rounds: int) -> dict[str, Timings]:
    timings = {case.name: Timings() for case in found}
    for round_number in range(rounds + 1):
        for case in found:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(case.argv, env=case.env, check=True, stdout=subprocess.DEVNULL, timeout=120)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_number == 0:
                continue  # the warm-up: byte-code caches and the page cache
            timings[case.name].wall.append(wall)
            timings[case.name].cpu.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
    return timings


def report(timings: dict[str, Timings], rounds: int) -> None:
    wall = {name: statistics.median(t.wall) for name, t in timings.items()}
    cpu = {name: statistics.median(t.cpu) for name, t in timings.items()}
    floor, click_floor = "python -c pass", 'python -c "import click"'
    print(f"CLI start-up: median of {rounds} interleaved rounds ({sys.executable}, {os.cpu_count()} cores)\n")
    print(f"{'case':<38} {'wall ms':>8} {'x pass':>7} {'x click':>8} {'cpu ms':>7} {'x pass':>7} {'x click':>8}")
    for name in timings:
        print(
            f"{name:<38} {wall[name] * 1000:>8.0f} {wall[name] / wall[floor]:>7.1f} "
            f"{wall[name] / wall[click_floor]:>8.1f} {cpu[name] * 1000:>7.0f} "
            f"{cpu[name] / max(cpu[floor], 1e-3):>7.1f} {cpu[name] / max(cpu[click_floor], 1e-3):>8.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--before", type=Path, help="the src folder of another checkout, measured in the same rounds")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reverie-cli-startup-") as scratch:
        empty, small = Path(scratch) / "empty", Path(scratch) / "small"
        populate(small)
        found = cases(empty, small, options.before.resolve() if options.before else None)
        report(measure(found, options.rounds), options.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
