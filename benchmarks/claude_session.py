"""Wall time of a real Claude Code session with and without reverie's hooks.

The real ``claude`` CLI (installed for the end-to-end tests, ``tests/e2e/node_modules``) runs headless
against the scripted model server on 127.0.0.1. Each session is one prompt and five tool calls
(``ls``, ``git status``, ``cat``, ``echo``, ``true``) then a closing text: the shape of a short, real
working session, where every tool call crosses PreToolUse and PostToolUse. Rounds alternate:

* **bare**: no hooks at all;
* **reverie**: ``reverie init`` as it writes hooks by default: ``hook.sh`` sending each event to the
  resident server (``capture/resident.py``; capture on every event, recall answering at SessionStart,
  UserPromptSubmit and PreToolUse) with a store of 200 active lessons for this project and others. The
  server is running already (the first event after 20 idle minutes starts it: ``first event starts the
  server`` with ``--explain``), and its own CPU time in the session is added to the case's
  (``benchmarks/resident_cost.py``; not the session-end ingest it starts, which no case counts);
* **per-event process**: ``REVERIE_RESIDENT=0 reverie init``: the hooks of the previous version, one
  ``python -I -S capture/hook.py`` process per event.

The session-end ingest runs detached after the agent exits, so it is not on the agent's wall time
(as for a person). Reported: medians per case, the added wall time and its ratio to the bare session
(goal: at most 10% added). ``--explain`` adds sessions with parts of reverie off (recall with
``REVERIE_INJECT=0``, the session-end ingest with ``REVERIE_AUTO_INGEST=0``, and everything but the hook
processes themselves, for both hook commands) to show where the added time goes, the hooks as earlier
versions wrote them (capture and recall as separate processes), a session whose first event finds no
server running, and the same hooks each running ``true`` (what Claude Code spends on a hook at all), in
the same interleaved rounds.
Run: ``python -m benchmarks.claude_session [--rounds 8] [--explain]``.
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
from dataclasses import dataclass
from pathlib import Path

from benchmarks import resident_cost
from reverie.distill.explicit import remember
from reverie.domain.lessons import ScopeLevel
from reverie.llms.scripted_server import Script, ScriptedServer, say, shell
from reverie.recall.index import refresh_index
from reverie.workspace import Workspace

CLAUDE = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "node_modules" / ".bin" / "claude"
COMMANDS = ["ls", "git status --short", "cat README.md", "echo done", "true"]


def environment(root: Path, server_url: str, home: Path) -> dict[str, str]:
    inherited = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    return {
        **inherited,
        "HOME": str(root / "home"),
        "ANTHROPIC_BASE_URL": server_url,
        "ANTHROPIC_API_KEY": "sk-ant-scripted-dummy",
        "CLAUDE_CONFIG_DIR": str(root / "claude-config"),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "IS_SANDBOX": "1",
        "REVERIE_HOME": str(home),
    }


SEPARATE = "separate"  # the case that runs the hooks as reverie wrote them before one process per event
COLD = "cold"  # the case whose session starts with no resident server running
NOOP = "noop"  # the case whose every hook command is `true`: what registering the hooks costs at all
PER_EVENT = "per-event process"


# With --explain, the same session with parts of reverie turned off, to show where the added time goes.
EXPLAIN = {
    "first event starts the server": {COLD: "1"},
    "separate (before)": {SEPARATE: "1", "REVERIE_RESIDENT": "0"},
    "no recall": {"REVERIE_INJECT": "0"},
    "no ingest": {"REVERIE_AUTO_INGEST": "0"},
    "capture off": {"REVERIE_INJECT": "0", "REVERIE_CAPTURE": "0", "REVERIE_AUTO_INGEST": "0"},
    "every hook is `true`": {NOOP: "1"},
    "capture off, per-event": {
        "REVERIE_INJECT": "0",
        "REVERIE_CAPTURE": "0",
        "REVERIE_AUTO_INGEST": "0",
        "REVERIE_RESIDENT": "0",
    },
}


def separate_entries(settings: Path) -> None:
    """Rewrite what ``reverie init`` wrote as earlier versions wrote it: capture ``async`` on every event
    and, where recall answers, a second, synchronous process running ``recall/hook.py``."""
    data = json.loads(settings.read_text())
    for groups in data["hooks"].values():
        for group in list(groups):
            handler = group["hooks"][0]
            if not handler["command"].endswith(" --recall yes || true"):
                continue
            capture = handler["command"].removesuffix(" --recall yes || true") + " || true"
            recall = capture.replace("/capture/hook.py", "/recall/hook.py")
            group["hooks"] = [{**handler, "command": capture, "async": True}]
            groups.append({**group, "hooks": [{**handler, "command": recall}]})
    settings.write_text(json.dumps(data, indent=2))


def noop_entries(settings: Path) -> None:
    """Every handler's command replaced by ``true``: the agent's own cost of running a hook at all."""
    data = json.loads(settings.read_text())
    for groups in data["hooks"].values():
        for group in groups:
            group["hooks"] = [{**handler, "command": "true"} for handler in group["hooks"]]
    settings.write_text(json.dumps(data, indent=2))


@dataclass(frozen=True)
class Sample:
    """One session: its wall time, and the CPU time (user + system) of the CLI and every hook it waited
    for, which the machine's load inflates far less than the wall time."""

    wall: float
    cpu: float


def one_session(root: Path, project: Path, home: Path, *, hooks: bool, extra: dict[str, str] | None = None) -> Sample:
    script = Script([*(shell(command) for command in COMMANDS), say("Done.")])
    extra = dict(extra or {})
    separate = extra.pop(SEPARATE, None) is not None
    noop = extra.pop(NOOP, None) is not None
    if extra.pop(COLD, None) is not None:
        stop_server(home)
    with ScriptedServer(script) as server:
        env = environment(root, server.url, home) | extra
        (root / "claude-config").mkdir(parents=True, exist_ok=True)
        if hooks:
            init = [sys.executable, "-m", "reverie.cli", "init", "--agent", "claude-code", "--yes"]
            subprocess.run(init, env=env, cwd=project, capture_output=True, check=True)
            if separate:
                separate_entries(root / "claude-config" / "settings.json")
            if noop:
                noop_entries(root / "claude-config" / "settings.json")
        args = [str(CLAUDE), "-p", "Look around the repository.", "--output-format", "json"]
        args += ["--dangerously-skip-permissions", "--allowedTools", "Bash"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=project, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0 or not script.done:
            raise SystemExit(f"the session failed: {done.stderr[-500:]}")
        return Sample(elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def server_pid(home: Path) -> int | None:
    try:
        return int((home / "run" / "resident").read_text().split()[2])
    except (OSError, ValueError, IndexError):
        return None


def stop_server(home: Path) -> None:
    pid = server_pid(home)
    if pid is not None:
        resident_cost.stop(pid)
        for _ in range(200):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.01)


def stocked_home(root: Path) -> Path:
    """A reverie home with 200 active global lessons (as `reverie remember` writes them) and its index."""
    home = root / "reverie-home"
    workspace = Workspace.open(home)
    try:
        for number in range(200):
            text = f"Use `tool{number} --flag` for step {number} of the release, not `old{number}`."
            remember(workspace.store, text, scope=ScopeLevel.GLOBAL)
        refresh_index(workspace)
    finally:
        workspace.close()
    return home


def report(samples: dict[str, list[Sample]], rounds: int) -> None:
    medians = {
        case: (statistics.median(s.wall for s in runs), statistics.median(s.cpu for s in runs))
        for case, runs in samples.items()
    }
    (bare, bare_cpu), (with_hooks, with_cpu) = medians["bare"], medians["reverie"]
    print(f"load average {os.getloadavg()}")
    print(f"{'case':<30} {'wall s':>7} {'added':>7} {'cpu s':>7} {'added':>7}")
    for case, (wall, cpu) in medians.items():
        print(f"{case:<30} {wall:7.3f} {wall - bare:+7.3f} {cpu:7.3f} {cpu - bare_cpu:+7.3f}")
    share = 100 * (with_hooks - bare) / bare
    print(f"added: {with_hooks - bare:.3f} s ({share:.1f}% of the bare session's wall time; goal <= 10%)")
    summary = {
        "rounds": rounds,
        "tool_calls": len(COMMANDS),
        "bare_s": round(bare, 3),
        "reverie_s": round(with_hooks, 3),
        "added_s": round(with_hooks - bare, 3),
        "added_ratio": round((with_hooks - bare) / bare, 3),
        "added_cpu_s": round(with_cpu - bare_cpu, 3),
        "per_event_added_s": round(medians[PER_EVENT][0] - bare, 3),
    }
    print(json.dumps(summary))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.claude_session")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--explain", action="store_true", help="also run with recall, ingest, capture turned off")
    options = parser.parse_args(argv)
    if not CLAUDE.exists():
        print(f"{CLAUDE} is missing: run `make test` (or `cd tests/e2e && npm ci`) first", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="reverie-bench-session-"))
    try:
        project = root / "project"
        project.mkdir()
        subprocess.run(["git", "init", "-q", str(project)], check=True)
        (project / "README.md").write_text("# A project\n")
        home = stocked_home(root)
        cases = {"bare": None, "reverie": {}, PER_EVENT: {"REVERIE_RESIDENT": "0"}}
        cases |= EXPLAIN if options.explain else {}
        samples: dict[str, list[Sample]] = {case: [] for case in cases}
        for round_number in range(options.rounds + 1):
            for case, extra in cases.items():
                run_root = root / f"{case.replace(' ', '-').replace(',', '')}-{round_number}"
                server = server_pid(home)
                served = resident_cost.cpu_seconds(server) if server else 0.0
                sample = one_session(run_root, project, home, hooks=extra is not None, extra=extra)
                server_after = server_pid(home)
                if server_after is not None and server_after == server:
                    served = resident_cost.cpu_seconds(server_after) - served
                elif server_after is not None:  # started in this session
                    served = resident_cost.cpu_seconds(server_after)
                else:
                    served = 0.0
                if round_number:  # the first round warms caches (node, the CLI's own files)
                    samples[case].append(Sample(sample.wall, sample.cpu + served))
        report(samples, options.rounds)
        return 0
    finally:
        stop_server(home)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
