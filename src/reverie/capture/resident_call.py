"""One hook event over the resident server's connection: the request, the hook's own run, the answer.

The request (``hook.sh`` writes it with one ``printf``) is a sequence of NUL-terminated fields::

    reverie-hook-1 <token>\\0                     the 256-bit token of <home>/run/resident, in hex
    --agent\\0 claude-code\\0 ... \\0 \\0           the hook's own argv, then an empty field
    REVERIE_INJECT=0\\0 ... \\0 \\0                 the client's REVERIE_* and CLAUDE_PROJECT_DIR, then an empty field
    <payload>\\0                                  the event's JSON as the agent wrote it (JSON has no NUL)

The answer is ``c`` as soon as capture is done (so a client that loses the connection later knows not
to capture the event a second time), then ``<length>\\n`` and the hook's stdout (ASCII JSON or nothing).

The event runs through ``hook_call.main``, the per-event hook's own code, in a child the server forked
for this connection: ``sys.argv``, stdin, stdout and the environment variables that the hook reads
are set to what the client sent, so capture and recall see what the per-event process would have seen
and answer byte for byte the same; the deadlines (``SIGALRM``) work because the child is single-threaded;
whatever the event leaves behind (state, file descriptors) ends with the child.

A wrong token, a request that is not one, or one that does not arrive within ``READ_SECONDS`` is closed
without a word; so is one larger than ``MAX_REQUEST_BYTES`` (``hook.sh`` hands payloads of more than
128 Ki characters to the Python hook itself, so this bound never cuts what the per-event hook would keep).
"""

from __future__ import annotations

import hmac
import io
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from collections.abc import MutableMapping

MAGIC = b"reverie-hook-1"
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 64  # argv and environment together
MAX_REQUEST_BYTES = 32 * 1024 * 1024 + 256 * 1024
READ_SECONDS = 3.0  # the whole request; each recv has its own timeout too
# What the hook reads from its environment: the client's values replace the server's for each event.
FORWARDED_PREFIXES = ("REVERIE_",)
FORWARDED_NAMES = frozenset({"CLAUDE_PROJECT_DIR"})
_CHUNK = 256 * 1024


class Refused(Exception):
    """Not a request from the user's hook: closed without an answer."""


class Request:
    __slots__ = ("argv", "environment", "payload")

    def __init__(self, argv: list[str], environment: dict[str, str], payload: bytes) -> None:
        self.argv = argv
        self.environment = environment
        self.payload = payload


def read_request(connection: socket.socket, token: bytes) -> Request:
    """The request on ``connection`` once its token matched (compared in constant time); ``Refused``
    for anything else. Bounded in size and in time."""
    reader = _Fields(connection, time.monotonic() + READ_SECONDS)
    reader.expect(MAGIC + b" ")  # anything else (a browser, a port scan) is closed at once
    first = reader.field()
    magic, _, offered = first.partition(b" ")
    if magic != MAGIC or not hmac.compare_digest(offered, token):
        raise Refused("wrong token")
    argv = reader.section()
    environment = {}
    for item in reader.section():
        name, equals, value = item.partition("=")
        if equals and _forwarded(name):
            environment[name] = value
    return Request(argv, environment, reader.rest())


def answer(connection: socket.socket, request: Request, environ: MutableMapping[str, str], hook_file: str) -> None:
    """Run the hook on ``request`` as the per-event process would, and send its stdout."""
    from reverie.capture import hook_call

    for name in [name for name in environ if _forwarded(name)]:
        del environ[name]
    environ.update(request.environment)
    sys.argv = [hook_file, *request.argv]
    sys.stdin = io.TextIOWrapper(io.BytesIO(request.payload), encoding="utf-8")
    out = io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    hook_call.main(request.argv, captured=lambda: connection.sendall(b"c"))
    sys.stdout.flush()
    text = out.getvalue()
    connection.sendall(b"%d\n" % len(text) + text)


def _forwarded(name: str) -> bool:
    return name in FORWARDED_NAMES or name.startswith(FORWARDED_PREFIXES)


class _Fields:
    """NUL-terminated fields off a socket, within a byte budget and a deadline."""

    def __init__(self, connection: socket.socket, until: float) -> None:
        self.connection = connection
        self.until = until
        self.buffer = bytearray()
        self.start = 0
        self.received = 0
        self.count = 0

    def expect(self, prefix: bytes) -> None:
        while len(self.buffer) < len(prefix) and self.buffer == prefix[: len(self.buffer)]:
            self._receive()
        if not self.buffer.startswith(prefix):
            raise Refused("not a hook request")

    def field(self) -> bytes:
        while True:
            end = self.buffer.find(b"\0", self.start)
            if end >= 0:
                value = bytes(self.buffer[self.start : end])
                self.start = end + 1
                self.count += 1
                if self.count > MAX_FIELDS + 3 or len(value) > MAX_FIELD_BYTES:
                    raise Refused("too many fields, or one too long")
                return value
            if len(self.buffer) - self.start > MAX_FIELD_BYTES:
                raise Refused("a field too long")
            self._receive()

    def section(self) -> list[str]:
        """Fields up to an empty one, as text (the hook's argv and environment are text)."""
        values = []
        while value := self.field():
            values.append(value.decode("utf-8", "surrogateescape"))
        return values

    def rest(self) -> bytes:
        """The payload: everything up to the final NUL."""
        seen = 0  # bytes of the payload already searched: each is looked at once, however many chunks
        while (end := self.buffer.find(b"\0", self.start + seen)) < 0:
            seen = len(self.buffer) - self.start
            self._receive()
        return bytes(self.buffer[self.start : end])

    def _receive(self) -> None:
        left = self.until - time.monotonic()
        if left <= 0:
            raise Refused("the request did not arrive in time")
        self.connection.settimeout(left)
        chunk = self.connection.recv(_CHUNK)
        if not chunk:
            raise Refused("the connection closed before the request was complete")
        self.received += len(chunk)
        if self.received > MAX_REQUEST_BYTES:
            raise Refused("the request is over the bound")
        if self.start > _CHUNK:  # drop what was read already, so that finding the end stays linear
            del self.buffer[: self.start]
            self.start = 0
        self.buffer += chunk
