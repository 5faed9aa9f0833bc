"""What the resident hook server spends, for the benchmarks that compare it with the per-event hook.

A hook answered by the resident server (``capture/resident.py``) does its work in the server, not in a
process the benchmark started, so ``RUSAGE_CHILDREN`` misses it. The server's own user + system time
(``/proc/<pid>/stat``; not its reaped children's: those are the detached ingest and index builds the hook
starts, which the per-event hook's figures do not count either) is counted in clock ticks (10 ms): one
event's share is below that resolution, so the benchmarks report it as the mean over all rounds (server
CPU / events), added to the client's own median.
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
    """User + system time of the server process itself."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:13]) / TICK
