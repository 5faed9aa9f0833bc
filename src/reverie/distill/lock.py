"""One distillation at a time per reverie home.

A SessionEnd hook may start a background distill while the person runs one by hand, and a model-
backed run must never overlap another (that is how background loops multiply their cost). The
lock is an advisory ``flock`` on a file in the home: it dies with its process, so a crash never
leaves it stuck. Where ``fcntl`` does not exist, SQLite's own locking still keeps each write whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def single_flight(path: Path) -> Iterator[bool]:
    """Yields True when this process holds the lock, False when another one does."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    handle = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(handle)
