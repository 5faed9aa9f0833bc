"""Wall time of the capture hook per call, against starting the same interpreter at all.

Each round runs, interleaved so that drift on a busy machine hits them alike:

* ``<python> -I -S -c pass``: the floor, what any Python hook costs;
* the real hook command (as ``reverie init`` writes it) with a realistic ``PostToolUse`` payload;
* the same with a 1 MB payload (a large file read whole);
* ``/bin/sh -c :``, the floor of any hook command (Claude Code runs every one with ``/bin/sh -c``);
* the resident path (``capture/resident.py``): the command ``reverie init`` writes by default, run with
  ``/bin/sh -c`` as Claude Code runs it (dash execs bash, ``hook.sh`` sends the event to a server that
  is already running), for both payloads. Its CPU time is the client's median plus the server's mean
  per event (``benchmarks/resident_cost.py``: the server's share is below the kernel's 10 ms tick).

The table gives medians and the ratio hook / floor (goal: at most 1.3x), for the interpreter that
runs the benchmark and for the system's ``/usr/bin/python3``. Then, for the hook's main piece of
work, redaction alone over the real corpus in ``../shared/data`` when it is there (MB/s, best of 3).

    .venv/bin/python -m benchmarks.hook_latency [--rounds 40] [--data ../shared/data] [--before SRC]

``--before SRC`` (the ``src`` folder of another checkout) runs that checkout's hook in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import resident_cost
from reverie.adapters.claude_code import settings as claude_code

HOOK = Path(__file__).resolve().parents[1] / "src" / "reverie" / "capture" / "hook.py"
SYSTEM_PYTHON = "/usr/bin/python3"
RESIDENT = "resident (sh -c hook.sh), "
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def realistic_payload(cwd: str) -> bytes:
    """A PostToolUse for a Bash call, shaped like the real Claude Code dumps (about 3 KB)."""
    output = "\n".join(f"tests/capture/test_case_{n}.py::test_behaviour_{n} PASSED [{n}%]" for n in range(40))
    return json.dumps(
        {
            "session_id": "3f1c9a52-7d1e-4c7b-9a51-0d6b2f1e8c44",
            "transcript_path": f"{cwd}/.claude/projects/-work-demo/3f1c9a52.jsonl",
            "cwd": cwd,
            "permission_mode": "default",
            "hook_event_name": "PostToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "python -m pytest -q tests/capture", "description": "Run the capture tests"},
            "tool_response": {"stdout": output, "stderr": "", "interrupted": False, "isImage": False},
            "tool_use_id": "toolu_01VdH5GQ4bTVWqEq6R9nB2kX",
        }
    ).encode()


def large_payload(cwd: str) -> bytes:
    """A Read of a 1 MB source file."""
    content = "".join(
        f"    def method_{n}(self, value: int) -> int:\n        return value * {n}\n" for n in range(14_000)
    )
    return json.dumps(
        {
            "session_id": "3f1c9a52-7d1e-4c7b-9a51-0d6b2f1e8c44",
            "transcript_path": f"{cwd}/x.jsonl",
            "cwd": cwd,
            "hook_event_name": "PostToolUse",
            "tool_name": "Read",
            "tool_input": {"file_path": f"{cwd}/big.py"},
            "tool_response": {"type": "text", "file": {"filePath": f"{cwd}/big.py", "content": content}},
            "tool_use_id": "toolu_01Big",
        }
    ).encode()


def _time(command: Sequence[str], stdin: bytes, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, the child's CPU seconds: user + system, what other load inflates least)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure(
    python: str, home: Path, cwd: str, rounds: int, before: Path | None = None
) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) per case; ``before``: another checkout's ``src``, its hook run in the same rounds."""
    env = {k: v for k, v in os.environ.items() if k not in ("REVERIE_HOME", "REVERIE_CAPTURE", "REVERIE_RESIDENT")}
    cases = {"floor (-I -S -c pass)": ([python, "-I", "-S", "-c", "pass"], b"")}
    hooks = {"": HOOK} | ({"before: ": before / "reverie" / "capture" / "hook.py"} if before else {})
    for label, script in hooks.items():
        hook = [python, "-I", "-S", str(script), "--agent", "claude-code", "--event", "PostToolUse"]
        hook += ["--home", str(home.with_name(home.name + label.strip(": ")))]
        cases[f"{label}hook, PostToolUse 3 KB"] = (hook, realistic_payload(cwd))
        cases[f"{label}hook, PostToolUse 1 MB"] = (hook, large_payload(cwd))
    resident_home = home.with_name(home.name + "-resident")
    command = claude_code.HOOKS.command(Path(python), HOOK, "PostToolUse", resident_home, resident=True)
    resident = ["/bin/sh", "-c", command]
    cases["shell floor (/bin/sh -c :)"] = (["/bin/sh", "-c", ":"], b"")
    cases[f"{RESIDENT}PostToolUse 3 KB"] = (resident, realistic_payload(cwd))
    cases[f"{RESIDENT}PostToolUse 1 MB"] = (resident, large_payload(cwd))
    server = resident_cost.start(python, resident_home)
    try:
        for command, stdin in cases.values():  # warm the page cache, write the .pyc files and the hook runtime file
            _time(command, stdin, env)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        served: dict[str, list[float]] = {name: [] for name in cases if name.startswith(RESIDENT)}
        for _ in range(rounds):
            for name, (command, stdin) in cases.items():
                if name in served:
                    before_cpu = resident_cost.cpu_seconds(server)
                samples[name].append(_time(command, stdin, env))
                if name in served:
                    served[name].append(resident_cost.cpu_seconds(server) - before_cpu)
    finally:
        resident_cost.stop(server)
    return {
        name: (
            statistics.median(w for w, _ in values),
            statistics.median(c for _, c in values) + (statistics.mean(served[name]) if name in served else 0.0),
        )
        for name, values in samples.items()
    }


def redaction_throughput(data: Path) -> tuple[float, float, float] | None:
    """(MB, MB/s over whole files, MB/s over the strings of parsed records), or None without data."""
    from reverie.capture.redact import redact_text

    files = sorted(data.glob("claude-code/**/*.json*")) + sorted(data.glob("codex/**/*.jsonl"))
    if not files:
        return None
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in files]
    strings: list[str] = []
    for text in texts:
        for line in text.splitlines():
            try:
                _collect_strings(json.loads(line), strings)
            except ValueError:
                continue
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    string_megabytes = sum(len(text.encode("utf-8", "replace")) for text in strings) / 1e6
    whole = min(_timed(lambda: [redact_text(text) for text in texts]) for _ in range(3))
    parsed = min(_timed(lambda: [redact_text(text) for text in strings]) for _ in range(3))
    return megabytes, megabytes / whole, string_megabytes / parsed


def _collect_strings(value: object, into: list[str]) -> None:
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, into)


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hook_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds per case (median reported)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the real corpus, for redaction throughput")
    parser.add_argument("--before", type=Path, help="the src folder of another checkout, measured in the same rounds")
    options = parser.parse_args(list(argv) if argv is not None else None)
    pythons = [sys.executable] + ([SYSTEM_PYTHON] if os.path.exists(SYSTEM_PYTHON) else [])
    cwd = str(Path(__file__).resolve().parents[1])
    print(f"hook latency: median of {options.rounds} interleaved rounds; load average {os.getloadavg()}\n")
    print(f"{'interpreter':<40} {'case':<34} {'wall ms':>7} {'ratio':>6} {'cpu ms':>7} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for python in pythons:
            results = measure(python, Path(folder) / "home", cwd, options.rounds, options.before)
            floor_wall, floor_cpu = results["floor (-I -S -c pass)"]
            version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True)
            label = f"{python} ({version.stdout.decode().strip()})"
            for name, (wall, cpu) in results.items():
                print(
                    f"{label:<40} {name:<34} {wall * 1000:7.1f} {wall / floor_wall:5.2f}x"
                    f" {cpu * 1000:7.1f} {cpu / floor_cpu:5.2f}x"
                )
                label = ""
    throughput = redaction_throughput(options.data) if options.data.is_dir() else None
    if throughput:
        megabytes, whole, parsed = throughput
        print(f"\nredaction alone over the real corpus ({megabytes:.1f} MB, best of 3):")
        print(f"  whole files {whole:.1f} MB/s; the strings of parsed records {parsed:.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
