"""Running the local UI: a loopback socket, uvicorn, and the one-time sign-in URL.

The socket is bound before uvicorn starts, so port 0 (any free port) still prints a URL that works,
and a port that is taken fails before anything is printed. Only loopback addresses are accepted:
the session cookie travels over plain HTTP, which is private only on this machine. A team store is
served by `reverie serve`, which brings its own login.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from reverie.errors import InputError
from reverie.web.security import Guard


def parse_bind(text: str) -> tuple[str, int]:
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or int(port) > 65535:
        raise InputError(f"--bind {text!r}: give HOST:PORT, like 127.0.0.1:8377 (port 0 picks a free one)")
    if not is_loopback(host):
        raise InputError(
            f"--bind {text!r}: the local UI listens on loopback only (127.0.0.1, ::1 or localhost); "
            "a team store is served by `reverie serve`"
        )
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1" if host == "localhost" else host, port))
    except OSError as error:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    sock.listen(64)
    return sock


def sign_in_url(sock: socket.socket, guard: Guard) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={guard.token}"


def run(app: Starlette, sock: socket.socket, on_ready: Callable[[], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C). ``on_ready`` runs once the server accepts connections."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    if on_ready is not None:
        original = server.startup

        async def startup(sockets: list[socket.socket] | None = None) -> None:
            await original(sockets=sockets)
            on_ready()

        server.startup = startup  # type: ignore[method-assign]
    server.run(sockets=[sock])
