"""One hook event over the resident server's connection: the request, the hook's own run, the answer.

The request (``hook.sh`` writes it with one ``printf``) is a sequence of NUL-terminated fields::

    reverie-hook-1 <token>\\0                     the 256-bit token of <home>/run/resident, in hex
    --agent\\0 claude-code\\0 ... \\0 \\0           the hook's own argv, then an empty field
    REVERIE_INJECT=0\\0 ... \\0 \\0                 the client's REVERIE_* and CLAUDE_PROJECT_DIR, then an empty field
    <payload>\\0                                  the event's JSON as the agent wrote it (JSON has no NUL)

The answer is ``c`` as soon as capture is done (so a client that loses the connection later knows not
to capture the event a second time), then ``<length>\\n`` and the hook's stdout (ASCII JSON or nothing).

The event runs through ``hook_call.main``, the per-event hook's own code, in the server's one thread:
``sys.argv``, stdin, stdout and the environment variables that the hook reads are set to what the client
sent (and put back afterwards), so capture and recall see what the per-event process would have seen and
answer byte for byte the same, and the hook's deadlines (``SIGALRM``) work as in its own process. Nothing
the hook keeps between calls depends on the event (its module-level caches hold compiled patterns and
stemmed words), and it holds no file, lock or connection once it returns.

Requests are read as they arrive, several at a time (``Incoming``), and an event runs only once its
whole request is in: a client that sends half a request holds a slot, never the server. A wrong token,
a request that is not one, or one that is not complete within ``READ_SECONDS`` is closed without a
word; so is one larger than ``MAX_REQUEST_BYTES`` (``hook.sh`` hands payloads of more than
128 Ki characters to the Python hook itself, so this bound never cuts what the per-event hook would keep).
"""

from __future__ import annotations

import hmac
import io
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from collections.abc import MutableMapping

MAGIC = b"reverie-hook-1 "
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 64  # argv and environment together
MAX_REQUEST_BYTES = 32 * 1024 * 1024 + 256 * 1024
READ_SECONDS = 3.0  # from the connection to the last byte of its request
# What the hook reads from its environment: the client's values replace the server's for each event.
FORWARDED_PREFIXES = ("REVERIE_",)
FORWARDED_NAMES = frozenset({"CLAUDE_PROJECT_DIR"})
CHUNK = 256 * 1024


class Refused(Exception):
    """Not a request from the user's hook: closed without an answer."""


class Request:
    __slots__ = ("argv", "environment", "payload")

    def __init__(self, argv: list[str], environment: dict[str, str], payload: bytes) -> None:
        self.argv = argv
        self.environment = environment
        self.payload = payload


class Incoming:
    """One connection's request as its bytes arrive: ``feed`` each chunk; the ``Request`` once complete
    (``Refused`` as soon as it cannot be one from the user's hook)."""

    def __init__(self, token: bytes, until: float) -> None:
        self.token = token
        self.until = until
        self.buffer = bytearray()
        self.searched = 0  # bytes already looked at for the request's last NUL: each byte is looked at once

    def feed(self, chunk: bytes) -> Request | None:
        if not chunk:
            raise Refused("the connection closed before the request was complete")
        self.buffer += chunk
        if len(self.buffer) > MAX_REQUEST_BYTES:
            raise Refused("the request is over the bound")
        head = bytes(self.buffer[: len(MAGIC)])
        if not MAGIC.startswith(head) and not head.startswith(MAGIC):
            raise Refused("not a hook request")  # a browser, a port scan: closed at once
        if self.buffer.find(b"\0", self.searched) < 0:
            self.searched = len(self.buffer)
            if len(self.buffer) > MAX_FIELD_BYTES and self.buffer.find(b"\0", 0, MAX_FIELD_BYTES) < 0:
                raise Refused("a field too long")
            return None
        self.searched = len(self.buffer)
        return self._parse()

    def _parse(self) -> Request | None:
        fields = bytes(self.buffer).split(b"\0")
        if len(fields) < 2:
            return None
        if not fields[0].startswith(MAGIC) or not hmac.compare_digest(fields[0][len(MAGIC) :], self.token):
            raise Refused("wrong token")
        try:
            argv_end = fields.index(b"", 1)
            environment_end = fields.index(b"", argv_end + 1)
        except ValueError:
            self._check_unfinished(fields)
            return None
        if len(fields) < environment_end + 3:  # the payload and what follows its NUL
            self._check_unfinished(fields)
            return None
        if environment_end > MAX_FIELDS + 2 or any(len(field) > MAX_FIELD_BYTES for field in fields[:environment_end]):
            raise Refused("too many fields, or one too long")
        argv = [field.decode("utf-8", "surrogateescape") for field in fields[1:argv_end]]
        environment = {}
        for field in fields[argv_end + 1 : environment_end]:
            name, equals, value = field.decode("utf-8", "surrogateescape").partition("=")
            if equals and forwarded(name):
                environment[name] = value
        return Request(argv, environment, fields[environment_end + 1])

    def _check_unfinished(self, fields: list[bytes]) -> None:
        if len(fields) > MAX_FIELDS + 4 or any(len(field) > MAX_FIELD_BYTES for field in fields[:-1][: MAX_FIELDS + 3]):
            raise Refused("too many fields, or one too long")


def answer(connection: socket.socket, request: Request, environ: MutableMapping[str, str], hook_file: str) -> None:
    """Run the hook on ``request`` as the per-event process would, send its stdout, and put back the
    process's argv, stdio and environment."""
    from reverie.capture import hook_call

    saved = {name: value for name, value in environ.items() if forwarded(name)}
    argv, stdin, stdout = sys.argv, sys.stdin, sys.stdout
    try:
        _replace(environ, request.environment)
        sys.argv = [hook_file, *request.argv]
        sys.stdin = io.TextIOWrapper(io.BytesIO(request.payload), encoding="utf-8")
        out = io.BytesIO()
        sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        hook_call.main(request.argv, captured=lambda: connection.sendall(b"c"))
        sys.stdout.flush()
        text = out.getvalue()  # before the wrapper goes: it closes its buffer when it is collected
    finally:
        sys.argv, sys.stdin, sys.stdout = argv, stdin, stdout
        _replace(environ, saved)
    connection.sendall(b"%d\n" % len(text) + text)


def forwarded(name: str) -> bool:
    return name in FORWARDED_NAMES or name.startswith(FORWARDED_PREFIXES)


def _replace(environ: MutableMapping[str, str], values: dict[str, str]) -> None:
    for name in [name for name in environ if forwarded(name)]:
        del environ[name]
    environ.update(values)
