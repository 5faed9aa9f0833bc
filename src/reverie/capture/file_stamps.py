"""Stamps of the files an answer was read from, so that a cached answer is used only while they hold.

The hook caches what a fresh session would otherwise recompute from the workspace (the project identity
of a working directory, the session-start digest with its premise checks). Each such answer records a
stamp of every path it looked at, taken *before* looking (so a change in between makes the stamp
differ, never the answer wrong), of one of two kinds:

* ``presence``: whether the path exists and what it is (``.git`` is a folder, ``src/generated`` is
  gone). Only the file type counts: a ``.git`` folder's times change with every commit.
* ``content``: the file's identity, size and times (a Makefile, ``package.json``, a git ``config``).

``holds`` re-stamps every path (a stat or two each: tens of microseconds for a dozen paths) and says
whether all are unchanged. ``settled`` refuses to vouch for content stamped within ``RACY_SECONDS`` of
its last change: a file written twice within one tick of the file system's clock can keep its size and
times (git's "racy" problem), so an answer read from such a file is not cached.

Standard library only, without ``os``: it runs inside the hook.
"""

from __future__ import annotations

try:
    from posix import lstat, stat
except ImportError:  # pragma: no cover - not POSIX
    from os import lstat, stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    Stamp = tuple[str, str, object]  # (path, PRESENCE or CONTENT, what the stat said)

PRESENCE = "e"
CONTENT = "c"
RACY_SECONDS = 2.0
_TYPE_BITS = 0o170000


def presence(path: str) -> tuple[int, int]:
    """(file type without following a link, file type following it); 0 where nothing is there."""
    return _type(lstat, path), _type(stat, path)


def content(path: str) -> tuple[int, ...] | None:
    """What changes when the file behind ``path`` changes: mode, inode, device, size, both times."""
    try:
        info = stat(path)
    except (OSError, ValueError):
        return None
    return info.st_mode, info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _type(function: object, path: str) -> int:
    try:
        return int(function(path).st_mode) & _TYPE_BITS  # type: ignore[operator]
    except (OSError, ValueError):
        return 0


class Stamps:
    """The stamps one answer is built on, in the order they were taken."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], object] = {}

    def presence(self, path: str) -> None:
        if (path, PRESENCE) not in self.items:
            self.items[path, PRESENCE] = presence(path)

    def content(self, path: str) -> None:
        if (path, CONTENT) not in self.items:
            self.items[path, CONTENT] = content(path)

    def listed(self) -> list[Stamp]:
        return [(path, kind, value) for (path, kind), value in self.items.items()]


def holds(stamps: Iterable[Stamp]) -> bool:
    """Whether every path still stamps as it did; False for anything malformed."""
    try:
        for path, kind, value in stamps:
            now = presence(path) if kind == PRESENCE else content(path)
            if now != value:
                return False
    except (TypeError, ValueError):
        return False
    return True


def settled(stamps: Iterable[Stamp], now: float) -> bool:
    """Whether no file's content changed within ``RACY_SECONDS`` of ``now`` (see the module docstring)."""
    limit = int((now - RACY_SECONDS) * 1e9)  # against the time of the last write (st_mtime_ns)
    return not any(kind == CONTENT and isinstance(value, tuple) and value[4] > limit for _, kind, value in stamps)


def name_of(text: str) -> str:
    """A file name for ``text``: FNV-1a, 64 bits, stable across processes (``hash()`` is salted per
    process) and import-free."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"
