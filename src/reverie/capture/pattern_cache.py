"""Compiled regular expressions that outlive the process, so the capture hook does not compile them.

The hook is a fresh interpreter on every agent event, and compiling redaction's patterns (a
Python-level parse of a few kilobytes of regular expressions) cost it more than everything else it
does together: 10-40 ms against an interpreter start of about 10 ms. The engine's compiled form is
a list of integers, so it is stored next to the module's bytecode (``__pycache__``, where Python keeps
``.pyc`` files with the same trust) with ``marshal``, keyed by the exact interpreter and engine
version, and handed straight to the engine on the next start. With every pattern in the cache,
``re`` itself is never imported (it imports ``enum``, ``functools`` and more: about 8 ms of the
hook's time on the development machine); the patterns work without it.

This uses the ``re`` package's internal parser and compiler; anything unexpected (another Python
implementation, a changed internal API, an unreadable or unwritable cache) falls back to plain
``re.compile``, which is always correct, only slower. Standard library only: the hook imports it.
"""

from __future__ import annotations

import marshal
import sys

from reverie import lean_os
from reverie.atomic import write_atomic

_sre: Any
try:
    import _sre  # type: ignore[import-not-found,no-redef]  # CPython's regular-expression engine
except ImportError:  # pragma: no cover - not CPython
    _sre = None

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from typing import Any

IGNORECASE = 2  # re.IGNORECASE: importing re itself is what a warm cache saves (``re`` pulls in enum)


class PatternCache:
    """``compile`` through an on-disk cache; ``save`` writes what was compiled afresh."""

    def __init__(self, path: str, source: str = "") -> None:
        self.path = path
        # ``source`` names the version of the module whose patterns these are: when it changes, the
        # cache starts afresh instead of carrying the old patterns forever (it is read on every call).
        self.stamp = f"{sys.version}|{getattr(_sre, 'MAGIC', '')}|{getattr(_sre, 'CODESIZE', '')}|{source}"
        self.entries: dict[tuple[str, int], Any] = self._load()
        self.fresh = False

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        flags = int(flags)
        entry = self.entries.get((pattern, flags))
        if entry is not None and _sre is not None:
            try:
                compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
                return compiled
            except Exception:
                self.entries.pop((pattern, flags), None)
        parts = _engine_parts(pattern, flags)
        if parts is None or _sre is None:
            import re

            return re.compile(pattern, flags)
        self.entries[(pattern, flags)] = parts
        self.fresh = True
        fresh: re.Pattern[str] = _sre.compile(pattern, *parts)
        return fresh

    def save(self) -> None:
        """Write the cache if anything was compiled afresh; silently keep going if that fails."""
        if not self.fresh or sys.dont_write_bytecode:
            return
        try:
            write_atomic(self.path, marshal.dumps({"stamp": self.stamp, "entries": self.entries}))
            self.fresh = False
        except (OSError, ValueError):  # ValueError: something marshal cannot store
            pass

    def _load(self) -> dict[tuple[str, int], Any]:
        try:
            with open(self.path, "rb") as file:
                data = marshal.loads(file.read())  # load(file) reads in small steps: ten times slower
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(data, dict) or data.get("stamp") != self.stamp or not isinstance(data.get("entries"), dict):
            return {}
        return dict(data["entries"])


def _engine_parts(pattern: str, flags: int) -> Any:
    """What ``re._compiler.compile`` hands to ``_sre.compile``, or None if the internals differ."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (
            int(flags | parsed.state.flags),
            [int(op) for op in code],
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except Exception:
        return None


def cache_for(module_file: str, name: str) -> PatternCache:
    """The cache of one module, kept in its ``__pycache__`` beside its bytecode."""
    folder = lean_os.join(lean_os.dirname(lean_os.abspath(module_file)), "__pycache__")
    # One file per exact interpreter: two of the same minor version (a venv's and the system's) must
    # not overwrite each other's cache on every run.
    tag = f"{sys.implementation.cache_tag or 'python'}-{sys.hexversion:x}"
    try:
        status = lean_os.stat(module_file)
        source = f"{status.st_mtime_ns}:{status.st_size}"  # what bytecode caching trusts too
    except OSError:
        source = ""
    return PatternCache(lean_os.join(folder, f"{name}.{tag}.patterns"), source)
