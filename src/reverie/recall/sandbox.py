"""The memory tool's notes directory, which nothing done through it can leave.

The agent names files by path, and a shell tool in the same session can plant symlinks, hard links or
swap a directory for a symlink between a check and a use. A check on paths followed by a use of the
path (``realpath``, then ``open``) loses that race, so nothing here uses a path twice:

* every operation starts from a descriptor of the notes directory and walks one segment at a time with
  ``os.open(segment, O_DIRECTORY | O_NOFOLLOW, dir_fd=parent)``, so a symlink anywhere on the way is
  refused by the kernel at the moment of use (``ELOOP``), and a directory swapped after it was opened
  is still the directory that was opened (inside);
* files are opened with ``O_NOFOLLOW`` and checked with ``fstat`` on the open descriptor: a regular
  file with one link, so a hard link to a file outside (which would write through) is refused;
* writes go to a fresh temporary file (``O_CREAT | O_EXCL``) in the same directory descriptor and are
  renamed over the name, so a write is whole or absent and never lands in a file someone prepared;
  a rename that must not replace anything links the new name (``link`` fails if it exists);
* every ``OSError`` becomes a ``SandboxError`` that says what was refused, so callers have one error.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reverie.errors import InputError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC


class SandboxError(InputError):
    """An operation on the notes directory that was refused or failed; the message says which."""


class NotesDir:
    """Files under one directory, reached only through directory descriptors."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- the operations ---------------------------------------------------------------------------

    def read(self, segments: list[str], limit: int) -> str:
        with self._parent(segments) as parent, _refusing(segments):
            descriptor = os.open(segments[-1], os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK, dir_fd=parent)
            with os.fdopen(descriptor, "rb") as file:
                _check_plain(os.fstat(file.fileno()), segments)
                return file.read(limit * 4 + 4).decode("utf-8", errors="replace")[:limit]

    def is_file(self, segments: list[str]) -> bool:
        """Whether the name is a plain file (a symlink, a hard-linked file or a folder is not)."""
        try:
            with self._parent(segments) as parent:
                status = os.stat(segments[-1], dir_fd=parent, follow_symlinks=False)
        except SandboxError:
            return False
        except OSError:
            return False
        return stat.S_ISREG(status.st_mode)

    def write(self, segments: list[str], text: str, *, replace: bool = True) -> None:
        """Write the whole file atomically; ``replace=False`` refuses an existing name."""
        with self._parent(segments, create=True) as parent, _refusing(segments):
            name = segments[-1]
            self._refuse_odd_target(parent, segments)
            temp = _write_temp(parent, name, text.encode("utf-8"))
            try:
                if replace:
                    os.rename(temp, name, src_dir_fd=parent, dst_dir_fd=parent)
                else:
                    os.link(temp, name, src_dir_fd=parent, dst_dir_fd=parent, follow_symlinks=False)
            finally:
                with suppress(FileNotFoundError):
                    os.unlink(temp, dir_fd=parent)

    def delete(self, segments: list[str]) -> None:
        with self._parent(segments) as parent, _refusing(segments):
            _check_plain(os.stat(segments[-1], dir_fd=parent, follow_symlinks=False), segments)
            os.unlink(segments[-1], dir_fd=parent)

    def names(self) -> list[str]:
        """Every plain file, relative to the root, without following any symlink."""
        found: list[str] = []
        try:
            root = os.open(self.root, _DIR_FLAGS)
        except OSError:
            return []
        try:
            for folder, directories, files, _ in os.fwalk(".", dir_fd=root, follow_symlinks=False):
                directories[:] = sorted(d for d in directories if not d.startswith("."))
                relative = Path(folder)
                found.extend((relative / name).as_posix() for name in sorted(files) if not name.startswith("."))
        finally:
            os.close(root)
        return found

    # -- walking ----------------------------------------------------------------------------------

    @contextmanager
    def _parent(self, segments: list[str], *, create: bool = False) -> Iterator[int]:
        """A descriptor of the folder that holds the last segment, reached without following links."""
        if not segments:
            raise SandboxError("a file path is needed")
        with _refusing(segments):
            os.makedirs(self.root, mode=0o700, exist_ok=True)
            descriptor = _open_dir(str(self.root), None, segments)
        try:
            for name in segments[:-1]:
                with _refusing(segments):
                    if create:
                        with suppress(FileExistsError):
                            os.mkdir(name, 0o700, dir_fd=descriptor)
                    step = _open_dir(name, descriptor, segments)
                os.close(descriptor)
                descriptor = step
            yield descriptor
        finally:
            os.close(descriptor)

    def _refuse_odd_target(self, parent: int, segments: list[str]) -> None:
        try:
            status = os.stat(segments[-1], dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            return
        _check_plain(status, segments)


def _open_dir(name: str, parent: int | None, segments: list[str]) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except NotADirectoryError:
        # Linux answers O_DIRECTORY | O_NOFOLLOW on a symlink with ENOTDIR: say what it was.
        if stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
            raise SandboxError(f"{_shown(segments)} goes through a symlink; refused") from None
        raise


def _write_temp(parent: int, name: str, data: bytes) -> str:
    temp = f".{name[:200]}.{secrets.token_hex(6)}.tmp"
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=parent)
        raise
    return temp


def _check_plain(status: os.stat_result, segments: list[str]) -> None:
    where = _shown(segments)
    if stat.S_ISLNK(status.st_mode):
        raise SandboxError(f"{where} is a symlink; refused")
    if stat.S_ISDIR(status.st_mode):
        raise SandboxError(f"{where} is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise SandboxError(f"{where} is not a regular file; refused")
    if status.st_nlink > 1:
        raise SandboxError(f"{where} has other hard links (one may be outside /memories); refused")


_MESSAGES = {
    errno.ELOOP: "goes through a symlink; refused",
    errno.ENOENT: "does not exist",
    errno.ENOTDIR: "goes through something that is not a directory",
    errno.EEXIST: "already exists",
    errno.EISDIR: "is a directory",
    errno.ENOTEMPTY: "is a non-empty directory",
    errno.EMLINK: "goes through a symlink; refused",  # FreeBSD's answer to O_NOFOLLOW on a link
    errno.ENAMETOOLONG: "is too long",
}


@contextmanager
def _refusing(segments: list[str]) -> Iterator[None]:
    """``OSError`` (and a path the file system cannot encode) as a ``SandboxError`` naming the path."""
    try:
        yield
    except SandboxError:
        raise
    except OSError as error:
        reason = _MESSAGES.get(error.errno or 0, f"cannot be used ({error.strerror or error})")
        raise SandboxError(f"{_shown(segments)} {reason}") from error
    except ValueError as error:  # UnicodeEncodeError: a lone surrogate in a name
        raise SandboxError(f"{_shown(segments)} has characters the file system cannot store") from error


def _shown(segments: list[str]) -> str:
    return "/".join(["/memories", *segments])
