"""Compiled enforcement per tool call: one script for all of a scope's lessons, against one process per
lesson (how earlier versions compiled them), as ratios to starting the bare interpreter in the same run.

For N = 1, 10 and 50 compiled lessons (never-command and never-path checks in turn, each on its own
command or folder), each round runs, interleaved so that drift on a busy machine hits them alike:

* ``<python> -I -S -c pass``: the floor, what any Python hook costs;
* ``one script``: the scope's ``enforce.py`` holding all N checks, run once as the agent runs it
  (``python3 -I -S <script> PreToolUse``, the payload on stdin);
* ``per lesson, one after another``: N scripts holding one check each, run one after another (the CPU
  the agent spends, and the wall time where it runs hooks in turn);
* ``per lesson, all at once``: the same N scripts started together and waited for (Claude Code starts
  the matching hooks of an event in parallel: the wall time on a machine with few cores).

The call is an allowed ``git status`` from ``Bash`` (every check is evaluated, none blocks), the costliest
answer. Per-lesson scripts are the same runtime with one check each, so they cost what the per-lesson
hooks of earlier versions cost. Medians of wall time, and of CPU time (user + system of the children).

    .venv/bin/python -m benchmarks.enforce_latency [--rounds 15] [--sizes 1,10,50] [--python /usr/bin/python3]

The default interpreter is ``/usr/bin/python3`` (or this one): a version-manager shim on PATH adds tens
of milliseconds to every case alike and would hide the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reverie.artifacts.hook_script import render_script

SYSTEM_PYTHON = "/usr/bin/python3"
Sample = tuple[float, float]  # (wall seconds, CPU seconds)


def checks(count: int) -> list[dict[str, Any]]:
    """``count`` checks: never-command and never-path in turn, each on its own command or folder."""
    found = []
    for n in range(count):
        base = {"event": "PreToolUse", "lesson": f"L{n:011d}", "required": []}
        if n % 2:
            paths = {"paths": [f"generated_{n}/**"], "commands": []}
            found.append({**base, "check": "never-path", **paths, "tools": ["Edit", "Write", "apply_patch", "Bash"]})
        else:
            commands = {"commands": [f"tool{n} deploy --force"], "paths": []}
            found.append({**base, "check": "never-command", **commands, "tools": ["Bash"]})
        found[-1]["statement"] = f"Never do thing {n}."
    return found


def write_scripts(folder: Path, count: int) -> tuple[Path, list[Path]]:
    """The one script with every check, and one script per check."""
    listed = checks(count)
    shared = {"artifact": "A0123456789", "files": ".claude/hooks/reverie/enforce.py and .claude/settings.json"}
    one = folder / f"enforce-{count}.py"
    one.write_text(render_script({**shared, "checks": listed}), encoding="utf-8")
    each = []
    for index, check in enumerate(listed):
        path = folder / f"lesson-{count}-{index}.py"
        path.write_text(render_script({**shared, "checks": [check]}), encoding="utf-8")
        each.append(path)
    return one, each


def payload(cwd: str) -> bytes:
    return json.dumps(
        {
            "session_id": "3f1c9a52-7d1e-4c7b-9a51-0d6b2f1e8c44",
            "transcript_path": f"{cwd}/.claude/projects/-work-demo/3f1c9a52.jsonl",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "git status && git diff --stat", "description": "Look at the changes"},
            "tool_use_id": "toolu_01VdH5GQ4bTVWqEq6R9nB2kX",
        }
    ).encode()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sequential(commands: Sequence[Sequence[str]], stdin: bytes, env: dict[str, str]) -> Sample:
    cpu, start = _children_cpu(), time.perf_counter()
    for command in commands:
        done = subprocess.run(command, input=stdin, capture_output=True, env=env, check=False)
        if done.returncode != 0 or done.stdout or done.stderr:
            raise SystemExit(f"{command[-2:]} answered {done.returncode} {done.stderr[:200]!r}: not a pass")
    return time.perf_counter() - start, _children_cpu() - cpu


def run_parallel(commands: Sequence[Sequence[str]], stdin: bytes, env: dict[str, str]) -> Sample:
    cpu, start = _children_cpu(), time.perf_counter()
    running = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        for command in commands
    ]
    for process in running:
        process.communicate(stdin)
    return time.perf_counter() - start, _children_cpu() - cpu


def measure(python: str, sizes: Sequence[int], rounds: int, folder: Path) -> dict[str, Sample]:
    # Agents run hooks with the user's HOME: the script keeps its compiled code in the cache folder there
    # (the warm-up round below writes it, as a machine's first tool call after ``reverie compile`` does).
    env = {"PATH": os.environ.get("PATH", ""), "CLAUDE_PROJECT_DIR": str(folder)}
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    stdin = payload(str(folder))
    floor = [[python, "-I", "-S", "-c", "pass"]]
    cases: dict[str, tuple[Any, list[list[str]]]] = {"floor (-I -S -c pass)": (run_sequential, floor)}
    for count in sizes:
        one, each = write_scripts(folder, count)
        run = [python, "-I", "-S"]
        cases[f"N={count:<3} one script"] = (run_sequential, [[*run, str(one), "PreToolUse"]])
        per_lesson = [[*run, str(path), "PreToolUse"] for path in each]
        cases[f"N={count:<3} per lesson, one after another"] = (run_sequential, per_lesson)
        if count > 1:
            cases[f"N={count:<3} per lesson, all at once"] = (run_parallel, per_lesson)
    for runner, commands in cases.values():  # warm the page cache
        runner(commands, stdin, env)
    samples: dict[str, list[Sample]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (runner, commands) in cases.items():
            samples[name].append(runner(commands, stdin, env))
    return {
        name: (statistics.median(s[0] for s in found), statistics.median(s[1] for s in found))
        for name, found in samples.items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.enforce_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per case (median reported)")
    parser.add_argument("--sizes", default="1,10,50", help="numbers of compiled lessons, comma-separated")
    default = SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else sys.executable
    parser.add_argument("--python", default=default, help=f"the interpreter hooks run with (default: {default})")
    options = parser.parse_args(list(argv) if argv is not None else None)
    python = shutil.which(options.python) or options.python
    sizes = [int(size) for size in options.sizes.split(",")]
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True)
    print(f"compiled enforcement per tool call, {python} ({version.stdout.decode().strip()}),")
    print(f"median of {options.rounds} interleaved rounds; load average {os.getloadavg()[0]:.1f}\n")
    with tempfile.TemporaryDirectory() as folder:
        results = measure(python, sizes, options.rounds, Path(folder))
    floor_wall, floor_cpu = results["floor (-I -S -c pass)"]
    print(f"{'case':<38} {'wall ms':>8} {'ratio':>7} {'cpu ms':>8} {'ratio':>7}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<38} {wall * 1000:8.1f} {wall / floor_wall:6.2f}x {cpu * 1000:8.1f} {cpu / floor_cpu:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
