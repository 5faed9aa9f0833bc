"""The app factory: every page of the review UI, as one Starlette app.

``create_app(workspace)`` is the local UI (`reverie ui`): a one-time sign-in token and a session
cookie guard it. A host that mounts it under a prefix behind its own login (the team server) passes
``guard=Guard(token=None)`` and an ``actor`` that names the signed-in person; links and cookies
follow the mount prefix.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reverie.review import actor as actors
from reverie.web import browse, dreams, evalreport, undo
from reverie.web.context import ActorOf, Ui
from reverie.web.security import Guard, GuardMiddleware
from reverie.workspace import Workspace


def create_app(
    workspace: Workspace,
    *,
    guard: Guard | None = None,
    actor: ActorOf | None = None,
    report_dir: Path | None = None,
) -> Starlette:
    """The review UI over ``workspace``. ``actor`` says who decides for a request (default: the user
    running the server, with the same agent-session check as the CLI); ``report_dir`` is the folder
    `reverie eval --report` wrote (default ``<home>/eval/report``)."""
    ui = Ui(
        workspace=workspace,
        guard=guard if guard is not None else Guard(),
        actor_of=actor or (lambda _request: actors.current()),
        report_dir=report_dir if report_dir is not None else workspace.home / "eval" / "report",
    )
    app = Starlette(routes=ROUTES, middleware=[Middleware(GuardMiddleware, guard=ui.guard)])
    app.state.ui = ui
    return app


def stylesheet(_request: Request) -> Response:
    css = files("reverie.web").joinpath("templates", "style.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css")


ROUTES = [
    Route("/", browse.overview, name="overview"),
    Route("/lessons", browse.lessons_page, name="lessons"),
    Route("/lessons/{lesson_id}", browse.lesson_page, name="lesson"),
    Route("/sessions/{session_id}", browse.session_page, name="session"),
    Route("/dreams", dreams.dreams_page, name="dreams"),
    Route("/dreams/{dream_id}", dreams.dream_page, name="dream"),
    Route("/dreams/{dream_id}/decide", dreams.decide_view, methods=["POST"], name="decide"),
    Route("/dreams/{dream_id}/edit", dreams.edit_view, methods=["POST"], name="edit"),
    Route("/history", undo.history_page, name="history"),
    Route("/history/rollback", undo.rollback_view, methods=["POST"], name="rollback"),
    Route("/artifacts", undo.artifacts_page, name="artifacts"),
    Route("/artifacts/{artifact_id}", undo.artifact_view, methods=["POST"], name="artifact"),
    Route("/eval", evalreport.eval_page, name="eval"),
    Route("/eval/plots/{name}", evalreport.plot, name="plot"),
    Route("/style.css", stylesheet, name="style"),
]
