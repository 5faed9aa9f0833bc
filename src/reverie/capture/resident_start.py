"""Where the resident hook server is found, and starting it detached from a hook that found none.

The resident server (``resident.py``) answers hook events over 127.0.0.1 so that an agent event costs a
bash builtin or two instead of a Python process. It announces itself in ``<home>/run/resident``, one line
``<port> <token> <pid>``: the file is 0600 in a 0700 folder, so only the user (and root) can read the
256-bit token that every request must start with. ``hook.sh`` reads that line with the ``read`` builtin.

``start`` is what the Python hook calls when ``hook.sh`` fell back to it because no server answered
(``--resident start``): it spawns the server in its own session with stdio on ``/dev/null``, so the
agent, which waits for the hook's stdout to close, never waits for the server. At most one attempt per
``START_INTERVAL_SECONDS`` (a ``starting`` marker), so a server that cannot run (no loopback, a
read-only home) costs the hooks a stat, not a spawn per event. Standard library only and no ``os``:
it runs inside the hook.
"""

from __future__ import annotations

import sys
import time

from reverie import lean_os
from reverie.atomic import make_private_dir

RUN_FOLDER = "run"
RUN_FILE = "resident"  # "<port> <token> <pid>\n"
LOCK_FILE = "resident.lock"  # held (flock) by the one live server of a home
STARTING_FILE = "starting"
START_INTERVAL_SECONDS = 10.0
RESIDENT_ENV = "REVERIE_RESIDENT"  # "0": hook.sh goes straight to the Python hook, and nothing starts a server
_PACKAGE_ROOT_DEPTH = 3  # this file is <root>/reverie/capture/resident_start.py


def run_folder(home: str) -> str:
    return lean_os.join(home, RUN_FOLDER)


def run_file(home: str) -> str:
    return lean_os.join(home, RUN_FOLDER, RUN_FILE)


def private_run_folder(home: str) -> str:
    """``<home>/run``, created 0700; refused (``PermissionError``) when it is not a folder of ours that
    only we can enter: the token must not be readable by anyone else on the way."""
    folder = run_folder(home)
    make_private_dir(folder)
    info = lean_os.lstat(folder)
    if (info.st_mode & 0o170000) != 0o040000 or info.st_uid != _uid():
        raise PermissionError(f"{folder} is not a folder owned by this user")
    if info.st_mode & 0o077:
        lean_os.chmod(folder, 0o700)
    return folder


def withdraw(home: str) -> bool:
    """Take the resident server's run file away: the server leaves within a second (it looks at the file
    whenever it is idle), and no hook finds it meanwhile. Whether there was one. ``reverie uninstall``
    calls it; a hook still registered elsewhere starts a server again at its next event."""
    try:
        lean_os.unlink(run_file(home))
    except OSError:
        return False
    return True


def enabled() -> bool:
    return (lean_os.getenv(RESIDENT_ENV) or "").strip() != "0"


def start(home: str) -> bool:
    """Spawn the resident server for ``home`` in its own session, unless one was started in the last
    ``START_INTERVAL_SECONDS``; whether a server was spawned. Never raises: the hook's answer is given."""
    try:
        if not home or not enabled():
            return False
        folder = private_run_folder(home)
        marker = lean_os.join(folder, STARTING_FILE)
        try:
            if time.time() - lean_os.stat(marker).st_mtime < START_INTERVAL_SECONDS:
                return False
            lean_os.unlink(marker)
        except FileNotFoundError:
            pass
        try:
            lean_os.close(lean_os.open(marker, lean_os.O_CREAT | lean_os.O_EXCL | lean_os.O_WRONLY, 0o600))
        except FileExistsError:
            return False  # another hook is starting it right now
        _spawn(home)
        return True
    except Exception:
        return False


def server_command(home: str, python: str | None = None) -> list[str]:
    """The server's command line: ``-I -S`` as the hook runs, the package root put on the path by hand."""
    root = _package_root()
    code = f"import sys; sys.path.insert(0, {root!r}); from reverie.capture.resident import main; main(sys.argv[1:])"
    return [python or sys.executable, "-I", "-S", "-c", code, "--home", home]


def _spawn(home: str) -> None:
    import posix  # always loaded; posix_spawn without subprocess (which would cost the hook 5 ms to import)

    environ = dict(posix.environ)
    environ[b"REVERIE_CAPTURE"] = b"0"  # nothing the server runs on its own is ever captured
    devnull = "/dev/null"
    actions = [
        (posix.POSIX_SPAWN_OPEN, 0, devnull, lean_os.O_RDONLY, 0),
        (posix.POSIX_SPAWN_OPEN, 1, devnull, lean_os.O_WRONLY, 0),
        (posix.POSIX_SPAWN_OPEN, 2, devnull, lean_os.O_WRONLY, 0),
    ]
    command = server_command(home)
    posix.posix_spawn(command[0], command, environ, file_actions=actions, setsid=True)


def _package_root() -> str:
    path = lean_os.abspath(__file__)
    for _ in range(_PACKAGE_ROOT_DEPTH):
        path = lean_os.dirname(path)
    return path


def _uid() -> int:
    import posix

    return posix.getuid()
