"""Project identity, read from the files of a git checkout without running git.

A project is the repository, not the folder: every clone and every worktree of one repository is one
project, so the identity is the normalised URL of its remote (``github.com/owner/repo``). Agents
increasingly work in a throw-away worktree per task, so this is read at capture time and kept. A
folder outside any repository is identified by its path.

Standard library only: this runs inside the capture hook and the synchronous recall hook, so every
file is read with ``read_regular``: opened without blocking, taken only if it is a regular file, and
never more than a small cap. A ``.git`` that points at a FIFO, a ``config`` linked to ``/dev/zero`` or a
gigabyte of config cannot stall or exhaust the agent's hook; such a repository is named by its path.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

TYPE_CHECKING = False  # the hook imports this module: typing and the domain cost it more than its work
if TYPE_CHECKING:
    from reverie.capture.file_stamps import Stamps
    from reverie.domain.sessions import Project

POINTER_BYTES = 4096  # a ".git" file or "commondir": one line
CONFIG_BYTES = 256 * 1024  # a repository's config is a few kilobytes; more is not a config to trust
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>.+)$")  # git@host:owner/repo


def identify(cwd: str) -> Project:
    """The project that ``cwd`` belongs to."""
    from reverie.domain.sessions import Project

    key, name = identity(cwd)
    return Project(key=key, name=name)


def identity(cwd: str, stamps: Stamps | None = None) -> tuple[str, str]:
    """(key, name) of the project that ``cwd`` belongs to: :func:`identify` without the domain's
    dataclasses, whose import costs the hooks more than a fresh session's whole capture. ``stamps``
    collects a stamp of every file looked at, before it is looked at (``project_cache`` keeps the answer
    while they hold)."""
    if not _is_absolute(cwd):
        # A path from another platform (``C:\\work\\app`` read on Linux) or a relative one: never
        # resolve it against this process's own folder, which would name the wrong repository.
        name = re.split(r"[\\/]", cwd.rstrip("\\/"))[-1] or cwd
        return f"path:{cwd}", name
    git_dir = _find_git_dir(Path(cwd), stamps)
    if git_dir is not None:
        url = _remote_url(_common_dir(git_dir, stamps) / "config", stamps)
        if url:
            key = normalise_remote(url)
            return key, "/".join(key.split("/")[-2:])
        root = git_dir.parent if git_dir.name == ".git" else Path(cwd)
        return f"path:{root}", root.name
    return f"path:{cwd}", Path(cwd).name or cwd


def normalise_remote(url: str) -> str:
    """``git@github.com:Owner/Repo.git`` and ``https://user@github.com/Owner/Repo`` -> ``github.com/owner/repo``."""
    url = url.strip()
    scp = _SCP_LIKE.match(url) if "://" not in url else None
    if scp:
        host, path = scp["host"], scp["path"]
    else:
        rest = url.split("://", 1)[-1]
        authority, _, path = rest.partition("/")
        host = authority.rsplit("@", 1)[-1].split(":", 1)[0]  # drop credentials and port
    path = path.strip("/").removesuffix(".git").strip("/")
    return f"{host.lower()}/{path.lower()}" if host else path.lower()


def _is_absolute(path: str) -> bool:
    if os.name != "nt" and re.match(r"^[A-Za-z]:[\\/]", path):
        return False
    return os.path.isabs(path)


def _find_git_dir(start: Path, stamps: Stamps | None) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / ".git"
        if stamps is not None:
            stamps.presence(str(candidate))
        if candidate.is_dir():
            return candidate
        if os.path.lexists(candidate):  # a worktree or submodule: ".git" names the real git dir
            if stamps is not None:
                stamps.content(str(candidate))
            raw = read_regular(candidate, POINTER_BYTES)
            if raw is None:
                return None
            text = raw.decode("utf-8", "replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (folder / target).resolve()
            return None
    return None


def _common_dir(git_dir: Path, stamps: Stamps | None = None) -> Path:
    """A linked worktree's git dir points at the main repository's through ``commondir``."""
    if stamps is not None:
        stamps.content(str(git_dir / "commondir"))
    raw = read_regular(git_dir / "commondir", POINTER_BYTES)
    if raw is None:
        return git_dir
    relative = raw.decode("utf-8", "replace").strip()
    if not relative:
        return git_dir
    return (git_dir / relative).resolve() if not os.path.isabs(relative) else Path(relative)


def _remote_url(config_path: Path, stamps: Stamps | None = None) -> str | None:
    """The ``url`` of ``[remote "origin"]``, else of the first other remote by name. Read by hand:
    ``configparser`` costs a fresh session's hook 6 ms to import, and only this one key is needed."""
    if stamps is not None:
        stamps.content(str(config_path))
    raw = read_regular(config_path, CONFIG_BYTES)
    if raw is None:
        return None
    urls: dict[str, str] = {}
    section = None
    for line in raw.decode("utf-8", "replace").splitlines():
        text = line.strip()
        if not text or text[0] in "#;":
            continue
        if text.startswith("["):
            name = text[1 : text.find("]")].strip() if "]" in text else ""
            section = name if name.startswith('remote "') else None
        elif section is not None:
            key, equals, value = text.partition("=")
            if equals and key.strip().lower() == "url" and value.strip():
                urls[section] = value.strip()  # the last one wins, as in git's own reading of one key
    preferred = sorted(urls, key=lambda name: (name != 'remote "origin"', name))
    return urls[preferred[0]] if preferred else None


def read_regular(path: Path | str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else (missing, a FIFO, a
    device, a socket, a folder, too large, unreadable). Opening never blocks: ``O_NONBLOCK`` makes the
    open of a FIFO return at once, and ``fstat`` then says what was opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        data = os.read(fd, limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)
