"""Wall time of the recall hook with ten thousand active lessons, against starting the same interpreter.

The store gets ``--lessons`` generated active lessons (default 10,000) spread over 200 projects and the
global scope, with the trigger shapes distill writes (command prefixes, path globs, tools with
keywords) and statements drawn from a vocabulary of a few thousand words; the recall index is built
from them once (its build time is reported). Then each round runs, interleaved so that drift on a busy
machine hits every case alike:

* ``<python> -I -S -c pass``: the floor, what any Python hook costs;
* ``UserPromptSubmit`` with a realistic prompt, in a session whose project is already known (as after
  its SessionStart) and where nothing has been shown yet, so the hook does all of its work;
* ``PreToolUse`` for ``npm test`` (a command trigger fires) and for an ``Edit`` under a path with a
  lesson (a glob fires);
* ``SessionStart`` (the digest; not on the 2x budget, reported for completeness).

The table gives medians and the ratio hook / floor (goal for the two hot events: at most about 2x).
Run: ``python -m benchmarks.recall_latency [--lessons 10000] [--rounds 40]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from reverie.domain.lessons import Confidence, Lesson, LessonKind, LessonStatus, Scope, ScopeLevel, Trigger, lesson_id
from reverie.recall.index import refresh_index
from reverie.store import LessonBatch
from reverie.workspace import Workspace

HOOK = Path(__file__).resolve().parents[1] / "src" / "reverie" / "recall" / "hook.py"
PROJECT = "github.com/bench/project-7"
PROGRAMS = ["npm", "pnpm", "yarn", "python", "python3", "pytest", "make", "cargo", "go", "git", "docker", "uv", "ruff"]
SUBCOMMANDS = ["test", "run", "build", "install", "push", "check", "lint", "fmt", "up", "exec", "sync"]
FOLDERS = ["migrations", "src", "docs", "scripts", "config", "web", "api", "vendor", "generated", "fixtures"]
KINDS = list(LessonKind)


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(size)]


def generated_lesson(number: int, rng: random.Random, words: Sequence[str]) -> Lesson:
    project = None if number % 10 == 0 else f"github.com/bench/project-{number % 200}"
    scope = Scope(level=ScopeLevel.GLOBAL if project is None else ScopeLevel.PROJECT, project=project)
    shape = number % 3
    program, sub = rng.choice(PROGRAMS), rng.choice(SUBCOMMANDS)
    trigger = (
        Trigger(tools=("Bash",), commands=(f"{program} {sub}" if number % 2 else program,))
        if shape == 0
        else Trigger(paths=(f"{rng.choice(FOLDERS)}/**",))
        if shape == 1
        else Trigger(tools=("Bash",), keywords=(rng.choice(SUBCOMMANDS),))
    )
    statement = f"Use `{program} {sub}` when you {' '.join(rng.sample(list(words), 8))}."
    key = f"bench:{number}"
    return Lesson(
        id=lesson_id(key, scope),
        key=key,
        statement=statement,
        kind=KINDS[number % len(KINDS)],
        scope=scope,
        evidence=(),
        trigger=trigger,
        confidence=Confidence(value=round(rng.uniform(0.4, 0.95), 3), sessions=rng.randint(1, 4)),
        status=LessonStatus.ACTIVE,
        stance=program if shape == 0 else "",
        recorded_at="2026-05-01T00:00:00+00:00",
    )


def populate(home: Path, count: int) -> tuple[float, float]:
    """Write ``count`` lessons and build the index: (seconds to write, seconds to build the index)."""
    rng = random.Random(7)
    words = vocabulary(rng)
    lessons = [generated_lesson(n, rng, words) for n in range(count)]
    lessons.append(replace(generated_lesson(count, rng, words), id="Lbenchpnpm", statement="Use `pnpm`, not `npm`."))
    workspace = Workspace.open(home)
    try:
        start = time.perf_counter()
        for offset in range(0, len(lessons), 1000):
            workspace.store.write_lessons(LessonBatch(lessons=lessons[offset : offset + 1000]))
        written = time.perf_counter() - start
        start = time.perf_counter()
        refresh_index(workspace)
        return written, time.perf_counter() - start
    finally:
        workspace.close()


def session_with_known_project(home: Path, session: str, cwd: str) -> None:
    """The state a session has after its SessionStart: the project of its cwd, nothing shown yet."""
    folder = home / "recall" / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{session}.json").write_text(json.dumps({"v": 1, "turn": 1, "projects": {cwd: PROJECT}, "shown": {}}))


def cases(python: str, home: Path, cwd: str) -> dict[str, tuple[list[str], bytes | None]]:
    def hook(event: str) -> list[str]:
        return [python, "-I", "-S", str(HOOK), "--agent", "claude-code", "--event", event, "--home", str(home)]

    base = {"session_id": "bench-session", "transcript_path": f"{cwd}/t.jsonl", "cwd": cwd}
    prompt = "The checkout tests fail after the upgrade; how do I run the tests here and check the build?"
    return {
        "floor (-I -S -c pass)": ([python, "-I", "-S", "-c", "pass"], None),
        "UserPromptSubmit": (hook("UserPromptSubmit"), json.dumps({**base, "prompt": prompt}).encode()),
        "PreToolUse Bash npm test": (
            hook("PreToolUse"),
            json.dumps(
                {**base, "tool_name": "Bash", "tool_input": {"command": "cd web && npm test 2>&1 | tail -5"}}
            ).encode(),
        ),
        "PreToolUse Edit migrations/": (
            hook("PreToolUse"),
            json.dumps(
                {**base, "tool_name": "Edit", "tool_input": {"file_path": f"{cwd}/migrations/0042_add.py"}}
            ).encode(),
        ),
        "SessionStart (digest)": (hook("SessionStart"), json.dumps({**base, "source": "startup"}).encode()),
    }


class Result:
    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []  # user + system time of the hook process: what load on the machine cannot inflate
        self.output = 0


def measure(python: str, home: Path, cwd: str, rounds: int) -> dict[str, Result]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}
    planned = cases(python, home, cwd)
    results = {name: Result() for name in planned}
    for round_number in range(rounds + 1):  # round 0 warms the page cache and writes the .pyc files
        for name, (command, stdin) in planned.items():
            session_with_known_project(home, "bench-session", cwd)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, input=stdin, capture_output=True, env=env, check=True)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_number:
                results[name].wall.append(elapsed)
                results[name].cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            results[name].output = len(done.stdout)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("RECALL_BENCH_ROUNDS", "40")))
    options = parser.parse_args()
    pythons = [sys.executable] + (["/usr/bin/python3"] if os.path.exists("/usr/bin/python3") else [])
    folder = Path(tempfile.mkdtemp(prefix="recall-bench-"))
    try:
        home = folder / "home"
        written, built = populate(home, options.lessons)
        size = (home / "recall.db").stat().st_size
        print(
            f"{options.lessons:,} active lessons: written in {written:.1f} s;"
            f" index built in {built:.2f} s, recall.db {size / 1e6:.1f} MB"
        )
        print(f"recall hook latency: median of {options.rounds} interleaved rounds\n")
        print(f"{'interpreter':<34} {'case':<28} {'wall ms':>8} {'ratio':>6} {'cpu ms':>7} {'ratio':>6} {'output':>7}")
        for python in pythons:
            results = measure(python, home, str(folder / "work"), options.rounds)
            floor = results["floor (-I -S -c pass)"]
            floor_wall, floor_cpu = statistics.median(floor.wall), statistics.median(floor.cpu)
            label = python if len(python) <= 34 else "..." + python[-31:]
            for name, result in results.items():
                wall, cpu = statistics.median(result.wall), statistics.median(result.cpu)
                print(
                    f"{label:<34} {name:<28} {wall * 1000:8.1f} {wall / floor_wall:5.2f}x"
                    f" {cpu * 1000:7.1f} {cpu / floor_cpu:5.2f}x {result.output:>6}B"
                )
                label = ""
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
