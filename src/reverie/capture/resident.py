"""The resident hook server: one per reverie home, so that an agent event starts no Python process.

Every agent event used to start ``<python> -I -S capture/hook.py``: about 8 ms of interpreter start and
2-5 ms of loading the hook's modules before any work, fourteen times in a short session. The server
loads those modules once and answers events over 127.0.0.1; the agent's hook command is ``hook.sh``,
which reads the event with bash builtins, sends it here and prints the answer (see ``hook.sh`` for the
client and its fallback, ``resident_call`` for the request and the answer).

How it runs:

* **Per event, a fork.** The listening process accepts and forks; the child reads the request, checks
  the token and runs the per-event hook's own ``hook_call.main`` (capture, then recall), answers and
  exits. So each event starts from the same state as a fresh hook process (nothing one event leaves
  behind reaches the next), the hook's ``SIGALRM`` deadlines work, events of parallel hooks run in
  parallel, and the listening process never opens the store, a spool file or a lock: there is nothing
  it could hold between events. A fork of this small process costs well under a millisecond.
* **Found by a file.** It binds 127.0.0.1 on a port the kernel picks and writes ``<home>/run/resident``
  (``<port> <token> <pid>``; 0600 in a 0700 folder; ``resident_start``). The token is 256 random bits;
  a request that does not start with it is closed unanswered (compared in constant time).
* **Gone when it should be.** It exits after ``IDLE_SECONDS`` without a connection; at the first
  connection after any of its modules' sources, its interpreter or the hook runtime file changed (an
  upgrade never runs old code: the connection is closed unanswered, ``hook.sh`` falls back to the Python
  hook, which runs the new code and starts a new server; a runtime file written afresh from the very
  sources it runs, as ``reverie init`` does, is no change); when its run file no longer names it; and
  on SIGTERM. The sources are stat'ed at every connection (about 60 files, tens of microseconds). One
  server per home: it holds ``<home>/run/resident.lock`` (``flock``) while it runs.
* **Bounded.** At most ``MAX_CHILDREN`` events at once (more are closed: their hooks fall back); each
  request must arrive within a few seconds and under 32 MiB (``resident_call``).

``reverie init`` writes ``hook.sh`` as the command where the agent's hook runner can reach it;
``REVERIE_RESIDENT=0`` turns it off (``hook.sh`` then runs the Python hook directly, and no server starts).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import marshal
import os
import select
import signal
import socket
import sys
import time

from reverie.capture import bundle, resident_call, resident_start
from reverie.capture import runtime as hook_runtime

IDLE_SECONDS = 20 * 60.0
TICK_SECONDS = 1.0  # how often an idle server looks at its run file and its sources
MAX_CHILDREN = 32
LOCK_WAIT_SECONDS = 2.0  # a server that found its code changed may still be on its way out
BACKLOG = 128
_HOOK_FILE = "hook.py"


class Server:
    """The listening socket, the run file that announces it, and what decides that it should go."""

    def __init__(self, home: str, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self.home = home
        self.idle_seconds = idle_seconds
        self.token = os.urandom(32).hex().encode()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(BACKLOG)
        self.port = self.listener.getsockname()[1]
        self.children: set[int] = set()
        self.runtime_file = os.path.join(home, *hook_runtime.FOLDER, hook_runtime.file_name())
        self.stamps = _stamps(_watched_files())
        self.runtime_stamp = _stamps([self.runtime_file])
        self.hook_file = os.path.join(os.path.dirname(os.path.abspath(resident_call.__file__)), _HOOK_FILE)
        self.last_seen = time.monotonic()
        # A child's exit wakes the loop (SIGCHLD through the wakeup socket), so it is reaped at once.
        self.wakeup, self.wakeup_writer = socket.socketpair()
        self.wakeup_writer.setblocking(False)
        signal.set_wakeup_fd(self.wakeup_writer.fileno())
        signal.signal(signal.SIGCHLD, _ignore)

    def announce(self) -> None:
        from reverie.atomic import write_atomic

        line = f"{self.port} {self.token.decode()} {os.getpid()}\n"
        write_atomic(resident_start.run_file(self.home), line.encode())

    def serve(self) -> str:
        """Answer connections until a reason to stop; that reason."""
        while True:
            ready, _, _ = select.select([self.listener, self.wakeup], [], [], TICK_SECONDS)
            if self.wakeup in ready:
                self.wakeup.recv(4096)
                ready.remove(self.wakeup)
            self._reap()
            if not ready:
                reason = self._why_stop(time.monotonic())
                if reason:
                    return reason
                continue
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.last_seen = time.monotonic()
            if self._changed():
                connection.close()  # unanswered: the hook falls back to the new code
                return "code changed"
            self._fork(connection)

    def close(self) -> None:
        """Withdraw the run file (when it still names this server) and the socket."""
        with contextlib.suppress(OSError):
            with open(resident_start.run_file(self.home), "rb") as file:
                mine = file.read().split()[1:2] == [self.token]
            if mine:
                os.unlink(resident_start.run_file(self.home))
        for own in (self.listener, self.wakeup, self.wakeup_writer):
            own.close()

    def _fork(self, connection: socket.socket) -> None:
        if len(self.children) >= MAX_CHILDREN:
            connection.close()
            return
        pid = os.fork()
        if pid:
            connection.close()
            self.children.add(pid)
            return
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            for inherited in (self.listener, self.wakeup, self.wakeup_writer):
                inherited.close()
            for number in (signal.SIGTERM, signal.SIGCHLD):
                signal.signal(number, signal.SIG_DFL)
            request = resident_call.read_request(connection, self.token)
            connection.settimeout(None)
            resident_call.answer(connection, request, os.environ, self.hook_file)
        except BaseException:
            code = 1
        finally:
            with contextlib.suppress(BaseException):
                connection.close()
            os._exit(code)

    def _reap(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if not done:
                    continue
            self.children.discard(pid)

    def _why_stop(self, now: float) -> str:
        if now - self.last_seen >= self.idle_seconds:
            return "idle"
        if not self._announced():
            return "run file gone"
        if self._changed():
            return "code changed"
        return ""

    def _announced(self) -> bool:
        try:
            with open(resident_start.run_file(self.home), "rb") as file:
                return file.read().split()[1:2] == [self.token]
        except OSError:
            return False

    def _changed(self) -> bool:
        """Whether a source of this process's modules (or its interpreter) changed, or the hook runtime
        file was written from sources other than those this process runs. ``reverie init`` writes the
        runtime file afresh from the same sources: that is no reason to leave."""
        if _stamps(self.stamps) != self.stamps:
            return True
        runtime_stamp = _stamps([self.runtime_file])
        if runtime_stamp == self.runtime_stamp:
            return False
        try:
            with open(self.runtime_file, "rb") as file:
                written = marshal.loads(file.read())
        except (OSError, ValueError, EOFError, TypeError):
            return True
        if not (isinstance(written, dict) and hook_runtime.current(written)):
            return True
        self.runtime_stamp = runtime_stamp
        return False


def main(argv: list[str]) -> int:
    """``--home DIR``: serve that home's hook events until idle (started by ``resident_start``)."""
    options = dict(zip(argv[::2], argv[1::2], strict=False))
    home = os.environ.get("REVERIE_HOME") or options.get("--home", "")
    if not home or not resident_start.enabled():
        return 2
    os.closerange(3, 256)  # whatever the agent let its hook inherit is not ours to keep open
    folder = resident_start.private_run_folder(home)
    try:
        lock = _lock(os.path.join(folder, resident_start.LOCK_FILE))
        if lock is None:
            return 0  # another server holds this home
        _preload()
        server = Server(home, idle_seconds=float(options.get("--idle", IDLE_SECONDS)))
        signal.signal(signal.SIGTERM, _stop)
        try:
            server.announce()
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, resident_start.STARTING_FILE))  # started: the next may try
            server.serve()
        finally:
            server.close()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, resident_start.STARTING_FILE))
    return 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _ignore(signum: int, frame: object) -> None:
    """A handler that does nothing: its only effect is the byte on the wakeup socket."""


def _lock(path: str) -> int | None:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor  # held until the process ends
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(descriptor)
                return None
            time.sleep(0.05)


def _preload() -> None:
    """Import what the hook imports (the runtime file's roots and what they import inside functions),
    so that each forked event finds it loaded; then keep those objects out of the collector's way, so
    that a child does not copy the pages the collector would touch."""
    for name in (*bundle.ROOTS, "reverie.capture.resident_call", "hashlib", "traceback", "subprocess"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    gc.freeze()


def _watched_files() -> list[str]:
    """The sources of every reverie module this process loaded, and the interpreter."""
    root = bundle.package_root()
    loaded = [getattr(module, "__file__", None) for module in list(sys.modules.values())]
    files = {path for path in loaded if isinstance(path, str) and path.startswith(root)}
    return sorted({*files, os.path.realpath(sys.executable)})


def _stamps(files: list[str] | dict[str, tuple[int, int] | None]) -> dict[str, tuple[int, int] | None]:
    stamps: dict[str, tuple[int, int] | None] = {}
    for path in files:
        try:
            info = os.stat(path)
            stamps[path] = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamps[path] = None
    return stamps
