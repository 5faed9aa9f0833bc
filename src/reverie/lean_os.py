"""``os`` without importing ``os``: what the hook runtimes call, on the always-loaded ``posix`` module.

Under ``python -I -S`` the ``os`` module is not loaded (``site`` is what loads it), and importing it costs
the hook about 1 ms (most of it ``_collections_abc``), an eighth of the interpreter's own start. The
file calls the hooks make are in ``posix`` already (``os`` re-exports them from there); what ``posix``
lacks is the path arithmetic on strings and a ``str`` environment, so this module has them, with the
semantics of ``posixpath`` and ``os.environ``. Anywhere ``posix`` is missing (Windows) every name here is
``os``'s own, so callers are correct everywhere and fast where it matters.

Paths are ``str`` only (the hooks build them from ``--home`` and the payload).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

try:
    import posix as _system

    _POSIX = True
except ImportError:  # pragma: no cover - Windows: os itself
    import os as _system  # type: ignore[no-redef]

    _POSIX = False

O_APPEND = _system.O_APPEND
O_CREAT = _system.O_CREAT
O_EXCL = _system.O_EXCL
O_RDONLY = _system.O_RDONLY
O_TRUNC = _system.O_TRUNC
O_WRONLY = _system.O_WRONLY
O_NONBLOCK = getattr(_system, "O_NONBLOCK", 0)
O_NOCTTY = getattr(_system, "O_NOCTTY", 0)
O_CLOEXEC = getattr(_system, "O_CLOEXEC", 0)
O_BINARY = getattr(_system, "O_BINARY", 0)
W_OK = _system.W_OK
X_OK = _system.X_OK

access = _system.access
chmod = _system.chmod
close = _system.close
fspath = _system.fspath
fstat = _system.fstat
fsync = _system.fsync
getcwd = _system.getcwd
getpid = _system.getpid
listdir = _system.listdir
lstat = _system.lstat
mkdir = _system.mkdir
open = _system.open
read = _system.read
replace = _system.replace
rmdir = _system.rmdir
scandir = _system.scandir
stat = _system.stat
unlink = _system.unlink
urandom = _system.urandom
write = _system.write

pathsep = ":" if _POSIX else ";"
_DIRECTORY = 0o040000
_REGULAR = 0o100000
_KIND = 0o170000
_environ: dict[str, str] | None = None


def environ() -> Mapping[str, str]:
    """``os.environ``: the live one once ``os`` is loaded (a change made through it is seen), else the
    process's environment decoded as ``os`` decodes it."""
    global _environ
    loaded = sys.modules.get("os")
    if loaded is not None or not _POSIX:
        import os

        return os.environ
    if _environ is None:
        encoding = sys.getfilesystemencoding()
        _environ = {
            key.decode(encoding, "surrogateescape"): value.decode(encoding, "surrogateescape")
            for key, value in _system.environ.items()
        }
    return _environ


def getenv(name: str, default: str | None = None) -> str | None:
    return environ().get(name, default)


def join(first: str, *rest: str) -> str:
    """``posixpath.join`` for ``str``."""
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.join(first, *rest)
    path = first
    for part in rest:
        if part.startswith("/"):
            path = part
        elif not path or path.endswith("/"):
            path += part
        else:
            path += "/" + part
    return path


def dirname(path: str) -> str:
    """``posixpath.dirname`` for ``str``."""
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.dirname(path)
    head = path[: path.rfind("/") + 1]
    return head.rstrip("/") if head and head != "/" * len(head) else head


def basename(path: str) -> str:
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.basename(path)
    return path[path.rfind("/") + 1 :]


def isabs(path: str) -> bool:
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.isabs(path)
    return path.startswith("/")


def abspath(path: str) -> str:
    """``posixpath.abspath`` for ``str``: joined to the working directory, then normalised."""
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.abspath(path)
    return normpath(path if path.startswith("/") else join(getcwd(), path))


def normpath(path: str) -> str:
    """``posixpath.normpath`` for ``str``."""
    if not _POSIX:  # pragma: no cover
        import os

        return os.path.normpath(path)
    if not path:
        return "."
    initial = 2 if path.startswith("//") and not path.startswith("///") else 1 if path.startswith("/") else 0
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part != ".." or (not initial and not parts) or (parts and parts[-1] == ".."):
            parts.append(part)
        elif parts:
            parts.pop()
    return "/" * initial + "/".join(parts) or "."


def _mode(path: str) -> int | None:
    try:
        return int(_system.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def exists(path: str) -> bool:
    return _mode(path) is not None


def isdir(path: str) -> bool:
    mode = _mode(path)
    return mode is not None and mode & _KIND == _DIRECTORY


def isfile(path: str) -> bool:
    mode = _mode(path)
    return mode is not None and mode & _KIND == _REGULAR


def lexists(path: str) -> bool:
    try:
        lstat(path)
    except (OSError, ValueError):
        return False
    return True


def getsize(path: str) -> int:
    return int(_system.stat(path).st_size)


def getmtime(path: str) -> float:
    return float(_system.stat(path).st_mtime)
