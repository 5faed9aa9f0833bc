"""What every page handler shares: the workspace, the guard, who is deciding, and the templates.

One lock serialises the store work: the store is one SQLite connection, and a local review UI has
one reader at a time anyway. Page handlers are plain functions (Starlette runs them in a thread
pool); form handlers read the form, then hand the store work to the thread pool too, so a slow
page or decision never blocks the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from reverie.review.actor import Actor
from reverie.web.security import Guard
from reverie.workspace import Workspace

ActorOf = Callable[[Request], Actor]


@dataclass
class Ui:
    workspace: Workspace
    guard: Guard
    actor_of: ActorOf
    report_dir: Path | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    templates: jinja2.Environment = field(
        default_factory=lambda: jinja2.Environment(
            loader=jinja2.PackageLoader("reverie.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )

    @contextmanager
    def held(self) -> Iterator[Workspace]:
        with self.lock:
            yield self.workspace


def ui_of(request: Request) -> Ui:
    ui: Ui = request.app.state.ui
    return ui


def url(request: Request, route: str, query: Mapping[str, object] | None = None, **params: object) -> str:
    """The path of a named route, under whatever prefix the app is mounted at."""
    path = request.url_for(route, **{key: str(value) for key, value in params.items()}).path
    wanted = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    return path + (f"?{urlencode(wanted)}" if wanted else "")


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    ui = ui_of(request)
    page = ui.templates.get_template(template).render(
        request=request,
        url=lambda route, query=None, **params: url(request, route, query, **params),
        csrf=ui.guard.csrf,
        notice=request.query_params.get("notice", ""),
        **values,
    )
    return HTMLResponse(page, status_code=status)


async def checked_form(request: Request) -> FormData | HTMLResponse:
    """The POSTed form, or a 403 page when it does not carry this run's CSRF token."""
    form = await request.form()
    offered = form.get("csrf")
    if not isinstance(offered, str) or not ui_of(request).guard.csrf_ok(offered):
        return render(
            request,
            "error.html",
            status=403,
            title="Refused",
            message="This form did not come from a page of this run of reverie ui (no valid CSRF token). "
            "Reload the page and try again.",
        )
    return form


def back(request: Request, name: str, notice: str = "", anchor: str = "", **params: object) -> RedirectResponse:
    """Post/redirect/get: after a decision the browser shows the page again, drawn afresh."""
    target = url(request, name, {"notice": notice}, **params)
    return RedirectResponse(target + (f"#{anchor}" if anchor else ""), status_code=303)


def command(action: str) -> str:
    """What the audit log records as the command line of a decision made in the browser."""
    return f"reverie ui: {action}"
