"""Writing a file all or nothing: the one atomic writer, standard library only.

The hook path imports it, so it imports ``lean_os`` and nothing else (``os`` is not loaded in the hook,
and ``tempfile`` would pull in ``random``, ``shutil`` and more on the agent's critical path). The bytes
go to a temporary file beside the target, created exclusively with the final mode (so no other user can
open it in between), and are renamed over the target: a reader sees the old content or the new, never
half. Private by default: files 0600,
folders 0700, because most of what reverie keeps quotes the user's sessions.
"""

from __future__ import annotations

from reverie import lean_os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
TEMP_PREFIX = ".tmp-"


def make_private_dir(folder: str | os.PathLike[str]) -> None:
    """Create ``folder`` and any missing parent 0700 (``os.makedirs`` gives parents the umask's mode)."""
    folder = lean_os.fspath(folder)
    if lean_os.isdir(folder):
        return
    parent = lean_os.dirname(lean_os.abspath(folder))
    if parent != folder and not lean_os.isdir(parent):
        make_private_dir(parent)
    try:
        lean_os.mkdir(folder, PRIVATE_DIR)
    except FileExistsError:
        return
    lean_os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


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
    target = lean_os.fspath(path)
    folder = lean_os.dirname(target) or "."
    make_private_dir(folder)
    if keep_mode and lean_os.exists(target):
        mode = lean_os.stat(target).st_mode & 0o7777
    # The spool's sweeper removes leftovers by this prefix (a writer killed between open and rename).
    name = f"{TEMP_PREFIX}{lean_os.basename(target)}.{lean_os.getpid()}.{lean_os.urandom(4).hex()}"
    temp = lean_os.join(folder, name)
    descriptor = lean_os.open(temp, lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_EXCL | lean_os.O_BINARY, mode)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            if durable:
                file.flush()
                lean_os.fsync(file.fileno())
        if keep_mode:
            lean_os.chmod(temp, mode)  # the umask may have narrowed what os.open was asked for
        lean_os.replace(temp, target)
    except BaseException:
        try:  # noqa: SIM105 - contextlib would cost the hook an import
            lean_os.unlink(temp)
        except OSError:
            pass
        raise


def write_text_atomic(
    path: str | os.PathLike[str], text: str, *, mode: int = PRIVATE_FILE, keep_mode: bool = False, durable: bool = False
) -> None:
    """``write_atomic`` for UTF-8 text."""
    write_atomic(path, text.encode("utf-8"), mode=mode, keep_mode=keep_mode, durable=durable)
