"""Who may use the local UI, and proof that a POST came from one of its own pages.

The local UI listens on loopback, but every process of the user (and every web page the user's
browser opens) can reach loopback, so the address alone proves nothing. Three guards:

* **A per-run secret.** ``reverie ui`` prints a URL with a one-time ``token``. The first request
  that brings it gets a session cookie (HttpOnly, so page scripts cannot read it; SameSite=Strict,
  so no other site's page can make the browser send it) and is redirected to the same page without
  the token; the token is then spent, so a URL left in the shell history or a proxy log opens
  nothing. Without the cookie every page answers 401.
* **A CSRF token** in every form, checked on every POST (403 without it). SameSite=Strict already
  keeps other sites' forms from carrying the cookie; the token also covers a host app that mounts
  these pages behind its own login (``Guard(token=None)``), where no session cookie of ours exists.
* **Headers** that keep the pages out of frames and refuse scripts from anywhere but ourselves.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Guard:
    """The secrets of one run. ``token`` None: the host app authenticates (a team server)."""

    token: str | None = field(default_factory=lambda: secrets.token_urlsafe(24))
    # Cookies are per host, not per port: each run names its own, so two UIs on loopback coexist.
    cookie: str = field(default_factory=lambda: f"reverie_ui_{secrets.token_hex(4)}")
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def spend(self, offered: str) -> bool:
        """True once, for the right token: the URL printed at start works one time."""
        with self._lock:
            if self.token is None or not hmac.compare_digest(offered.encode(), self.token.encode()):
                return False
            self.token = ""  # spent: nothing compares equal to it any more (an empty offer is refused above)
            return True

    def signed_in(self, request: Request) -> bool:
        if self.token is None:
            return True
        return hmac.compare_digest(request.cookies.get(self.cookie, "").encode(), self.session.encode())

    def csrf_ok(self, offered: str) -> bool:
        return bool(offered) and hmac.compare_digest(offered.encode(), self.csrf.encode())


class GuardMiddleware:
    """Token exchange, cookie check and security headers for every request (CSRF is checked by the
    form handlers, which have already parsed the body)."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        offered = request.query_params.get("token")
        if offered is not None:
            response: Response = self._exchange(request, offered)
        elif not self.guard.signed_in(request):
            response = PlainTextResponse(
                "Not signed in: open the URL that `reverie ui` printed (it works once; restart it for a new one).",
                status_code=401,
            )
        else:
            await self.app(scope, receive, _with_headers(send))
            return
        response.headers.update(HEADERS)
        await response(scope, receive, send)

    def _exchange(self, request: Request, offered: str) -> Response:
        if not offered or not self.guard.spend(offered):
            return PlainTextResponse("This sign-in link was already used or is wrong: restart `reverie ui`.", 401)
        clean = URL(scope=request.scope).remove_query_params("token")
        response = RedirectResponse(clean.path + (f"?{clean.query}" if clean.query else ""), status_code=303)
        response.set_cookie(
            self.guard.cookie,
            self.guard.session,
            httponly=True,
            samesite="strict",
            path=request.scope.get("root_path") or "/",
        )
        return response


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers.extend((name.lower().encode(), value.encode()) for name, value in HEADERS.items())
            message = {**message, "headers": headers}
        await send(message)

    return sending
