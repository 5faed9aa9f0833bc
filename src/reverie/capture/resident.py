"""The resident hook server: one per reverie home, so that an agent event starts no Python process.

Every agent event used to start ``<python> -I -S capture/hook.py``: about 8 ms of interpreter start and
2-5 ms of loading the hook's modules before any work, fourteen times in a short session. The server
loads those modules once and answers events over 127.0.0.1; the agent's hook command is ``hook.sh``,
which reads the event with bash builtins, sends it here and prints the answer (see ``hook.sh`` for the
client and its fallback, ``resident_call`` for the request and the answer).

How it runs:

* **Per event, the hook's own code, in this process.** Requests are read as they arrive, several at a
  time; once one is complete and its token matched, the event runs through the per-event hook's own
  ``hook_call.main`` (capture, then recall) with that event's argv, stdin, stdout and environment, and the
  answer goes back (``resident_call``). Events run one after another: each takes a few milliseconds and
  has the hook's own deadlines, so a slow one delays the next by at most those; the client gives up
  after 4 s and runs the Python hook. The hook keeps nothing between events that depends on an event
  and holds no store lock, file or connection once it returns. Forking a child per event was measured
  first: the fork, the copy-on-write faults of a cold child and its exit cost 2.5 ms of CPU an event,
  and a cold child's recall 6.5 ms where a warm process needs 2.5 (benchmarks/README.md).
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
* **Bounded.** At most ``MAX_INCOMING`` requests on their way in (more are closed: their hooks fall
  back); each must be complete within ``resident_call.READ_SECONDS`` and under 32 MiB; after
  ``MAX_EVENTS`` events the process leaves and the next event starts a fresh one.

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
MAX_INCOMING = 64  # requests on their way in at once; more are closed (their hooks fall back)
MAX_EVENTS = 100_000  # then a fresh process: whatever a long life accumulates does not
ANSWER_SEND_SECONDS = 2.0
LOCK_WAIT_SECONDS = 2.0  # a server that found its code changed may still be on its way out
BACKLOG = 128
_HOOK_FILE = "hook.py"


class Server:
    """The listening socket, the run file that announces it, the requests on their way in, and what
    decides that the server should go."""

    def __init__(self, home: str, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self.home = home
        self.idle_seconds = idle_seconds
        self.token = os.urandom(32).hex().encode()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(BACKLOG)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.incoming: dict[socket.socket, resident_call.Incoming] = {}
        self.events = 0
        self.runtime_file = os.path.join(home, *hook_runtime.FOLDER, hook_runtime.file_name())
        self.stamps = _stamps(_watched_files())
        self.runtime_stamp = _stamps([self.runtime_file])
        self.hook_file = os.path.join(os.path.dirname(os.path.abspath(resident_call.__file__)), _HOOK_FILE)
        self.last_seen = time.monotonic()
        # The hook may start detached processes (ingest, an index rebuild): SIGCHLD wakes the loop through
        # this socket so that they are reaped at once instead of lingering as zombies.
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
            now = time.monotonic()
            waits = [incoming.until - now for incoming in self.incoming.values()]
            timeout = max(0.0, min([TICK_SECONDS, *waits]))
            ready, _, _ = select.select([self.listener, self.wakeup, *self.incoming], [], [], timeout)
            if self.wakeup in ready:
                with contextlib.suppress(OSError):
                    self.wakeup.recv(4096)
                _reap()
            if self.listener in ready and not self._accept():
                return "code changed"
            for connection in ready:
                if connection in self.incoming:
                    self._receive(connection)
            self._expire(time.monotonic())
            if self.events >= MAX_EVENTS:
                return "enough events"
            if not ready:
                reason = self._why_stop(time.monotonic())
                if reason:
                    return reason

    def close(self) -> None:
        """Withdraw the run file (when it still names this server) and the sockets."""
        if self._announced():
            with contextlib.suppress(OSError):
                os.unlink(resident_start.run_file(self.home))
        for connection in list(self.incoming):
            connection.close()
        for own in (self.listener, self.wakeup, self.wakeup_writer):
            own.close()

    def _accept(self) -> bool:
        """Take the waiting connections; False when the code changed (each is then closed unanswered,
        and its hook falls back to the Python hook: the new code)."""
        while True:
            try:
                connection, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return True
            self.last_seen = time.monotonic()
            if self._changed():
                connection.close()
                return False
            if len(self.incoming) >= MAX_INCOMING:
                connection.close()  # its hook falls back at once
                continue
            connection.setblocking(False)
            self.incoming[connection] = resident_call.Incoming(self.token, self.last_seen + resident_call.READ_SECONDS)

    def _receive(self, connection: socket.socket) -> None:
        incoming = self.incoming[connection]
        try:
            request = incoming.feed(connection.recv(resident_call.CHUNK))
        except (BlockingIOError, InterruptedError):
            return
        except (OSError, resident_call.Refused):
            self._drop(connection)
            return
        if request is None:
            return
        del self.incoming[connection]
        self.events += 1
        try:
            connection.setblocking(True)
            connection.settimeout(ANSWER_SEND_SECONDS)
            resident_call.answer(connection, request, os.environ, self.hook_file)
        except Exception:  # a client gone before its answer: the event itself failed open in the hook
            pass
        finally:
            connection.close()

    def _drop(self, connection: socket.socket) -> None:
        self.incoming.pop(connection, None)
        connection.close()

    def _expire(self, now: float) -> None:
        for connection, incoming in list(self.incoming.items()):
            if incoming.until <= now:
                self._drop(connection)

    def _why_stop(self, now: float) -> str:
        if now - self.last_seen >= self.idle_seconds and not self.incoming:
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
    os.chdir(folder)  # not the first hook's project folder: a server must not keep a checkout busy
    if _lock(os.path.join(folder, resident_start.LOCK_FILE)) is None:
        return 0  # another server holds this home
    _preload()
    server = Server(home, idle_seconds=float(options.get("--idle", IDLE_SECONDS)))
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.announce()
        server.serve()
    finally:
        server.close()
    # A server that ran and left (idle, changed code): the next hook may start one at once. One that
    # could not start leaves the marker, so hooks try again only every START_INTERVAL_SECONDS.
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(folder, resident_start.STARTING_FILE))
    return 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _reap() -> None:
    """Every child that has ended (the hook's detached starts are children of this process)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


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
    """Import what the hook imports (the runtime file's roots and what they import inside functions), so
    that no event pays for it; then keep those objects out of the collector's way for good."""
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
