"""What keeps background dreaming cheap and harmless.

* **Single flight.** One dream at a time per reverie home: an advisory ``flock`` on
  ``<home>/dream.lock`` that dies with its process (a killed dream never leaves it stuck). A second
  dream waits up to ``wait`` seconds, then gives up with a clear message (``DreamBusy``).
* **Cooldown** between automatic dreams, and a minimum of new sessions before one is worth it.
* **Budgets.** Wall time is checked between passes; tokens are charged by any pass that asks a
  model (``Budget.charge``). Exceeding either fails the dream; its input is untouched either way.
* **Quiet.** ``REVERIE_CAPTURE=0`` and ``REVERIE_INJECT=0`` are set in the dream's own environment
  before anything runs, so anything it spawns (a model CLI, a hook) neither captures nor injects:
  a dream never observes itself.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reverie.errors import ReverieError

QUIET = {"REVERIE_CAPTURE": "0", "REVERIE_INJECT": "0"}
LOCK_FILE = "dream.lock"


class DreamBusy(ReverieError):
    """Another dream holds the lock."""


class BudgetExceeded(ReverieError):
    """A dream went over its time or token budget."""


def quiet(environ: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Turn capture and injection off in ``environ`` (the process's own by default); returns it."""
    target = os.environ if environ is None else environ
    target.update(QUIET)
    return target


def quiet_env() -> dict[str, str]:
    """An environment for a child process of a dream."""
    return dict(quiet(dict(os.environ)))


@contextmanager
def single_flight(home: Path, *, wait: float = 0.0, poll: float = 0.1) -> Iterator[bool]:
    """Yields True while this process holds the dream lock; False if another held it for ``wait`` s."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): SQLite still keeps every write whole
        yield True
        return
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = os.open(home / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(poll)
        yield True
    finally:
        os.close(handle)


@dataclass
class Budget:
    """Wall seconds and model tokens for one dream; ``0`` tokens means no model may be asked."""

    seconds: float = 300.0
    tokens: int = 0
    started: float = field(default_factory=time.monotonic)
    spent_tokens: int = 0

    def check_time(self, where: str) -> None:
        if self.elapsed() > self.seconds:
            raise BudgetExceeded(f"time budget of {self.seconds:g}s exceeded {where}")

    def charge(self, tokens: int) -> None:
        self.spent_tokens += tokens
        if self.spent_tokens > self.tokens:
            raise BudgetExceeded(f"token budget of {self.tokens} exceeded ({self.spent_tokens} asked for)")

    def elapsed(self) -> float:
        return time.monotonic() - self.started
