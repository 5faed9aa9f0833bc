"""The project identity of a working directory, kept across sessions while its git files are unchanged.

``project.identity`` walks up from the working directory to ``.git`` and reads the remote from the
repository's config; importing it (``pathlib``, ``re``) and doing it costs a fresh session's hook about
5 ms, more than half an interpreter start, to compute the same answer as the previous session in the
same folder. So the answer is kept in ``<home>/cache/projects/cwd/<hash of the cwd>.bin`` with a stamp
of every file the walk looked at (each ``.git`` it probed, the pointer file of a worktree, ``commondir``,
``config``: see ``file_stamps``), and is used while every stamp holds. A new remote, a worktree moved,
a ``.git`` created in a folder between, all change a stamp and the identity is read afresh.

Standard library only, no ``os``: it runs inside the hook.
"""

from __future__ import annotations

import marshal
import time

from reverie import lean_os
from reverie.atomic import make_private_dir, write_atomic
from reverie.capture import file_stamps

FORMAT = 1
FOLDER = ("cache", "projects", "cwd")


def identity(cwd: str, home: str | None) -> tuple[str, str]:
    """(key, name) of the project of ``cwd``, from the cache when it still holds."""
    path = lean_os.join(home, *FOLDER, file_stamps.name_of(cwd) + ".bin") if home else None
    if path is not None:
        cached = _read(path)
        if (
            isinstance(cached, dict)
            and cached.get("v") == FORMAT
            and cached.get("cwd") == cwd
            and file_stamps.holds(cached.get("stamps", ()))
        ):
            return str(cached["key"]), str(cached["name"])
    from reverie.capture import project  # only when the cache is missing or stale: imports pathlib and re

    stamps = file_stamps.Stamps()
    key, name = project.identity(cwd, stamps)
    listed = stamps.listed()
    if path is not None and file_stamps.settled(listed, time.time()):
        try:
            make_private_dir(lean_os.dirname(path))
            record = {"v": FORMAT, "cwd": cwd, "key": key, "name": name, "stamps": listed}
            write_atomic(path, marshal.dumps(record))
        except OSError:
            pass  # a read-only home: the identity is read afresh next time
    return key, name


def _read(path: str) -> object:
    try:
        with open(path, "rb") as file:
            return marshal.loads(file.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
