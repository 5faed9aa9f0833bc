"""Writing a file all or nothing: the one atomic writer, standard library only.

The hook path imports it, so it imports ``os`` and nothing else (``tempfile`` would pull in ``random``,
``shutil`` and more on the agent's critical path). The bytes go to a temporary file beside the target,
created exclusively with the final mode (so no other user can open it in between), and are renamed over
the target: a reader sees the old content or the new, never half. Private by default: files 0600,
folders 0700, because most of what reverie keeps quotes the user's sessions.
"""

from __future__ import annotations

import os

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
TEMP_PREFIX = ".tmp-"
_BINARY = getattr(os, "O_BINARY", 0)


def make_private_dir(folder: str | os.PathLike[str]) -> None:
    """Create ``folder`` and any missing parent 0700 (``os.makedirs`` gives parents the umask's mode)."""
    folder = os.fspath(folder)
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(os.path.abspath(folder))
    if parent != folder and not os.path.isdir(parent):
        make_private_dir(parent)
    try:
        os.mkdir(folder, PRIVATE_DIR)
    except FileExistsError:
        return
    os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    mode: int = PRIVATE_FILE,
    keep_mode: bool = False,
    durable: bool = False,
) -> None:
    """Replace ``path`` with ``data`` in one rename.

    ``keep_mode`` keeps the mode of a file that is already there (a user's settings or project file)
    and uses ``mode`` only for a new one; ``durable`` syncs the bytes to disk before the rename, for
    files whose loss after a power cut would cost more than the sync.
    """
    target = os.fspath(path)
    folder = os.path.dirname(target) or "."
    make_private_dir(folder)
    if keep_mode and os.path.exists(target):
        mode = os.stat(target).st_mode & 0o7777
    # The spool's sweeper removes leftovers by this prefix (a writer killed between open and rename).
    temp = os.path.join(folder, f"{TEMP_PREFIX}{os.path.basename(target)}.{os.getpid()}.{os.urandom(4).hex()}")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, mode)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        if keep_mode:
            os.chmod(temp, mode)  # the umask may have narrowed what os.open was asked for
        os.replace(temp, target)
    except BaseException:
        try:  # noqa: SIM105 - contextlib would cost the hook an import
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_text_atomic(
    path: str | os.PathLike[str], text: str, *, mode: int = PRIVATE_FILE, keep_mode: bool = False, durable: bool = False
) -> None:
    """``write_atomic`` for UTF-8 text."""
    write_atomic(path, text.encode("utf-8"), mode=mode, keep_mode=keep_mode, durable=durable)
