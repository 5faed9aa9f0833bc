"""Wall time of the hook where recall answers, with ten thousand active lessons, against a bare interpreter.

The store gets ``--lessons`` generated active lessons (default 10,000) spread over 200 projects and the
global scope, with the trigger shapes distill writes (command prefixes, path globs, tools with
keywords) and statements drawn from a vocabulary of a few thousand words; the recall index is built
from them once (its build time is reported). The hook is the one ``reverie init`` writes, run as agents
run it: ``<python> -I -S .../capture/hook.py ... --recall yes``, which spools the event and answers it in
one process. Each round runs, interleaved so that drift on a busy machine hits every case alike:

* ``<python> -I -S -c pass``: the floor, what any Python hook costs;
* ``UserPromptSubmit`` with a realistic prompt, in a session whose project is already known (as after
  its SessionStart) and where nothing has been shown yet, so the hook does all of its work;
* ``PreToolUse`` for ``npm test`` (a command trigger fires) and for an ``Edit`` under a path with a
  lesson (a glob fires);
* ``SessionStart`` (the digest) for a session whose project is known and for a fresh one (no session
  state, no per-session project identity: what a new session pays once an earlier session in the same
  folder left the per-folder identity and the digest in ``<home>/cache``), a fresh one with no digest
  kept (the first session after the index was rebuilt) and one with nothing cached (the first session
  after an install or in a new folder);
* the working directory is a git checkout of the project with a Makefile and a ``package.json``, as the
  project identity and the premise checks find them in real sessions;
* the resident path (``capture/resident.py``, what ``reverie init`` writes by default): the same events
  through ``/bin/sh -c '<the command>'`` as Claude Code runs it (``hook.sh`` sends the event to a server
  that is already running), with ``/bin/sh -c :`` as the floor of any hook command (``resident:`` rows;
  their CPU is the client's median plus the server's mean per event, ``benchmarks/resident_cost.py``);
* with ``--before SRC`` (the ``src`` folder of another checkout, e.g. ``git worktree add /tmp/old main``):
  the same events run by that checkout's hook, on a home whose index that checkout built from the same
  lessons, in the same rounds (``before:`` rows).

The hook runtime file (``capture/bundle.py``) is built in the warm-up round, as the first event after
``reverie init`` or an upgrade builds it. The table gives medians of wall time and of the hook process's
CPU time (user + system: what other load on a shared machine inflates least) and the ratio hook / floor
(goals: capture and the two hot events at most 1.3x, a fresh session's SessionStart at most 2x).
Run: ``python -m benchmarks.recall_latency [--lessons 10000] [--rounds 40] [--before SRC]``.
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

from benchmarks import resident_cost
from reverie.adapters.claude_code import settings as claude_code
from reverie.domain.lessons import Confidence, Lesson, LessonKind, LessonStatus, Scope, ScopeLevel, Trigger, lesson_id
from reverie.recall.index import refresh_index
from reverie.store import LessonBatch
from reverie.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
HOOK = ROOT / "src" / "reverie" / "capture" / "hook.py"
FLOOR = "floor (-I -S -c pass)"
RESIDENT = "resident: "
RESIDENT_EVENTS = (
    "UserPromptSubmit",
    "PreToolUse Bash npm test",
    "PreToolUse Edit migrations/",
    "SessionStart, fresh session",
)
FRESH = "bench-fresh"
COLD = "SessionStart, fresh, nothing cached"
REBUILT = "SessionStart, fresh, no digest kept"
PROMPT = "The checkout tests fail after the upgrade; how do I run the tests here and check the build?"
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


def fresh_session(home: Path, session: str) -> None:
    """A session that has never run: no recall state, no cached project identity."""
    for path in (home / "recall" / "sessions" / f"{session}.json", home / "cache" / "projects" / f"{session}.json"):
        path.unlink(missing_ok=True)


def nothing_cached(home: Path) -> None:
    """No project identity or digest kept from an earlier session (the first session after an install)."""
    for folder in (home / "cache" / "projects" / "cwd", home / "cache" / "digest"):
        shutil.rmtree(folder, ignore_errors=True)


def checkout(folder: Path) -> str:
    """A working directory as a session has one: a git checkout of ``PROJECT`` with a Makefile and a
    ``package.json`` (what the premise checks read), last changed an hour ago."""
    (folder / ".git").mkdir(parents=True, exist_ok=True)
    (folder / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:bench/project-7.git\n')
    (folder / "Makefile").write_text("test:\n\tpytest\nbuild:\n\tpython -m build\ncheck: test\n")
    (folder / "package.json").write_text('{"scripts": {"test": "jest", "build": "tsc", "lint": "eslint ."}}\n')
    (folder / "package-lock.json").write_text("{}\n")
    an_hour_ago = time.time() - 3600
    for name in (".git/config", "Makefile", "package.json", "package-lock.json"):
        os.utime(folder / name, (an_hour_ago, an_hour_ago))
    return str(folder)


Case = tuple[list[str], bytes | None, Path]  # the command, its stdin, the home it uses


def cases(python: str, home: Path, cwd: str, before: tuple[Path, Path] | None = None) -> dict[str, Case]:
    """Every case of one round; ``before`` = (the other checkout's hook script, its home)."""

    def entry(event: str, hook: Path = HOOK, where: Path = home) -> list[str]:
        """What ``reverie init`` writes: one process captures and answers."""
        return [python, "-I", "-S", str(hook), "--agent", "claude-code", "--event", event, "--home", str(where)]

    base = {"session_id": "bench-session", "transcript_path": f"{cwd}/t.jsonl", "cwd": cwd}
    prompt = json.dumps({**base, "prompt": PROMPT}).encode()
    npm = json.dumps({**base, "tool_name": "Bash", "tool_input": {"command": "cd web && npm test 2>&1 | tail -5"}})
    edit = json.dumps({**base, "tool_name": "Edit", "tool_input": {"file_path": f"{cwd}/migrations/0042_add.py"}})
    known = json.dumps({**base, "source": "startup"}).encode()
    fresh = json.dumps({**base, "session_id": FRESH, "source": "startup"}).encode()
    events = {
        "UserPromptSubmit": ("UserPromptSubmit", prompt),
        "PreToolUse Bash npm test": ("PreToolUse", npm.encode()),
        "PreToolUse Edit migrations/": ("PreToolUse", edit.encode()),
        "SessionStart, known project": ("SessionStart", known),
        "SessionStart, fresh session": ("SessionStart", fresh),
        REBUILT: ("SessionStart", fresh),
        COLD: ("SessionStart", fresh),
    }
    planned: dict[str, Case] = {FLOOR: ([python, "-I", "-S", "-c", "pass"], None, home)}
    for name, (event, stdin) in events.items():
        planned[name] = ([*entry(event), "--recall", "yes"], stdin, home)
        if before is not None:
            planned[f"before: {name}"] = ([*entry(event, *before), "--recall", "yes"], stdin, before[1])
    planned[f"{RESIDENT}shell floor (/bin/sh -c :)"] = (["/bin/sh", "-c", ":"], None, home)
    for name in RESIDENT_EVENTS:
        event, stdin = events[name]
        command = claude_code.HOOKS.command(Path(python), HOOK, event, home, recall=True, resident=True)
        planned[f"{RESIDENT}{name}"] = (["/bin/sh", "-c", command], stdin, home)
    return planned


class Result:
    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []  # user + system time of the hook process: what load on the machine cannot inflate
        self.output = 0
        self.served: list[float] = []  # the resident server's CPU time for this event (resident rows)

    def cpu_median(self) -> float:
        """The process's median, plus the server's mean share where a resident server did the work."""
        return statistics.median(self.cpu) + (statistics.mean(self.served) if self.served else 0.0)


def measure(python: str, home: Path, cwd: str, rounds: int, before: tuple[Path, Path] | None) -> dict[str, Result]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")} | {"REVERIE_AUTO_INGEST": "0"}
    planned = cases(python, home, cwd, before)
    results = {name: Result() for name in planned}
    server = resident_cost.start(python, home)
    try:
        run_rounds(planned, results, env, cwd, rounds, server)
    finally:
        resident_cost.stop(server)
    return results


def run_rounds(
    planned: dict[str, Case], results: dict[str, Result], env: dict[str, str], cwd: str, rounds: int, server: int
) -> None:
    for round_number in range(rounds + 1):  # round 0 warms the page cache and builds the hook runtime file
        for name, (command, stdin, where) in planned.items():
            session_with_known_project(where, "bench-session", cwd)
            fresh_session(where, FRESH)
            if name.endswith(COLD):
                nothing_cached(where)
            if name.endswith(REBUILT):
                shutil.rmtree(where / "cache" / "digest", ignore_errors=True)  # as after a new index build
            resident = name.startswith(RESIDENT)
            served = resident_cost.cpu_seconds(server) if resident else 0.0
            start_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, input=stdin, capture_output=True, env=env, check=True)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_number:
                results[name].wall.append(elapsed)
                cpu = after.ru_utime + after.ru_stime - start_usage.ru_utime - start_usage.ru_stime
                results[name].cpu.append(cpu)
                if resident:
                    results[name].served.append(resident_cost.cpu_seconds(server) - served)
            results[name].output = len(done.stdout)


def populate_with(source: Path, home: Path, count: int) -> None:
    """The same lessons and index, written by the checkout whose ``src`` folder is ``source``."""
    code = "from pathlib import Path; from benchmarks.recall_latency import populate; "
    code += f"populate(Path({str(home)!r}), {count})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(source), str(ROOT)))}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("RECALL_BENCH_ROUNDS", "40")))
    parser.add_argument("--before", type=Path, help="the src folder of another checkout, measured in the same rounds")
    options = parser.parse_args()
    pythons = [sys.executable] + (["/usr/bin/python3"] if os.path.exists("/usr/bin/python3") else [])
    folder = Path(tempfile.mkdtemp(prefix="recall-bench-"))
    try:
        home = folder / "home"
        written, built = populate(home, options.lessons)
        before = None
        if options.before is not None:
            populate_with(options.before.resolve(), folder / "before", options.lessons)
            before = (options.before.resolve() / "reverie" / "capture" / "hook.py", folder / "before")
        size = (home / "recall.db").stat().st_size
        print(
            f"{options.lessons:,} active lessons: written in {written:.1f} s;"
            f" index built in {built:.2f} s, recall.db {size / 1e6:.1f} MB"
        )
        print(f"hook latency where recall answers: median of {options.rounds} interleaved rounds")
        print(f"load average {os.getloadavg()}\n")
        print(f"{'interpreter':<34} {'case':<36} {'wall ms':>8} {'ratio':>6} {'cpu ms':>7} {'ratio':>6} {'output':>7}")
        for python in pythons:
            results = measure(python, home, checkout(folder / "work"), options.rounds, before)
            floor = results[FLOOR]
            floor_wall, floor_cpu = statistics.median(floor.wall), floor.cpu_median()
            label = python if len(python) <= 34 else "..." + python[-31:]
            for name, result in results.items():
                wall, cpu = statistics.median(result.wall), result.cpu_median()
                print(
                    f"{label:<34} {name:<36} {wall * 1000:8.1f} {wall / floor_wall:5.2f}x"
                    f" {cpu * 1000:7.1f} {cpu / floor_cpu:5.2f}x {result.output:>6}B"
                )
                label = ""
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
