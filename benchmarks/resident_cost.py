"""What the resident hook server spends, for the benchmarks that compare it with the per-event hook.

A hook answered by the resident server (``capture/resident.py``) runs in a child the server forks, not
in a process the benchmark started, so ``RUSAGE_CHILDREN`` misses it. The server reaps its children,
so their CPU time lands in its ``cutime``/``cstime`` (``/proc/<pid>/stat``), counted in clock ticks
(10 ms): one event's share is below that resolution, so the benchmarks report it as the mean over all
rounds (total server CPU / events), added to the client's own median.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from reverie.capture import resident_start

TICK = os.sysconf("SC_CLK_TCK")


def start(python: str, home: Path) -> int:
    """A server for ``home`` run by ``python``, detached as the hooks start it; its pid once it is listening."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")} | {"REVERIE_CAPTURE": "0"}
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.Popen(resident_start.server_command(str(home), python), env=env, start_new_session=True, **quiet)
    for _ in range(1000):
        try:
            _, _, pid = (home / "run" / "resident").read_text().split()
            return int(pid)
        except (OSError, ValueError):
            time.sleep(0.01)
    raise SystemExit(f"no resident server came up for {home}")


def stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def cpu_seconds(pid: int) -> float:
    """User + system time of the server and of the children it reaped."""
    settle(pid)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK


def settle(pid: int) -> None:
    """Wait (up to a second) until the server has no child left running: an event's child may still be
    on its way out after its answer went back."""
    for _ in range(100):
        if not any(_parent(entry) == pid for entry in os.scandir("/proc") if entry.name.isdigit()):
            return
        time.sleep(0.01)


def _parent(entry: os.DirEntry[str]) -> int:
    try:
        return int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1
