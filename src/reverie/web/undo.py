"""Undoing from the browser: the history with rollback, the artifacts with remove and restore.

Rollback goes through ``reverie.app.dreams.rollback`` (a person only, audited, the index rebuilt). The form carries
the head the page showed; if the head moved since, nothing is rolled back and the page is drawn
again. Removing or restoring a compiled artifact changes what an agent obeys as much as a rollback
(a hook can go away), so here it needs a person too.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from reverie.app import artifacts as compiling
from reverie.app import dreams
from reverie.artifacts import compiler
from reverie.errors import ReverieError
from reverie.review import history
from reverie.review.actor import Actor
from reverie.web.context import Ui, back, checked_form, command, render, ui_of

AUDIT_SHOWN = 200


def history_page(request: Request) -> Response:
    with ui_of(request).held() as workspace:
        head = workspace.store.head()
        versions = list(workspace.store.store_versions())
        audit = list(workspace.store.audit_log())[-AUDIT_SHOWN:]
        try:
            default = history.default_target(workspace.store)
        except ReverieError:
            default = None
    rollable = {v.id for v in versions if v.state not in ("proposed", "discarded", "merged") and v.id != head.id}
    return render(
        request,
        "history.html",
        title="History",
        head=head,
        versions=versions,
        audit=list(reversed(audit)),
        rollable=rollable,
        default=default,
    )


async def rollback_view(request: Request) -> Response:
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    ui = ui_of(request)
    try:
        target, shown_head = int(str(form.get("version"))), int(str(form.get("head")))
    except ValueError:
        return back(request, "history", "Nothing rolled back: the form named no version.")
    notice = await run_in_threadpool(_rollback, ui, ui.actor_of(request), target, shown_head)
    return back(request, "history", notice)


def _rollback(ui: Ui, who: Actor, target: int, shown_head: int) -> str:
    try:
        with ui.held() as workspace:
            head = workspace.store.head().id
            if head != shown_head:
                return (
                    f"Nothing rolled back: the head moved since the page was drawn (it was {shown_head}, "
                    f"it is {head}). Here it is again."
                )
            done = dreams.rollback(workspace, target, actor=who, command=command(f"rollback {target}"))
    except ReverieError as error:
        return f"Not rolled back: {error}"
    return f"Store version {done.after.id} is the head (was {done.before.id}); {done.lessons_changed} lesson(s) differ."


def artifacts_page(request: Request) -> Response:
    with ui_of(request).held() as workspace:
        listed = compiler.registry(workspace.store)
    return render(request, "artifacts.html", title="Artifacts", artifacts=listed)


async def artifact_view(request: Request) -> Response:
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    ui = ui_of(request)
    artifact_id = request.path_params["artifact_id"]
    action = str(form.get("action", ""))
    who = ui.actor_of(request)
    if not who.is_person:
        return back(
            request,
            "artifacts",
            f"Refused: this UI runs inside an agent session ({who.agent_marker} is set); removing or restoring an "
            "artifact needs a person: run reverie ui from your own terminal.",
        )
    notice = await run_in_threadpool(_artifact, ui, who, artifact_id, action, form.get("force") == "yes")
    return back(request, "artifacts", notice)


def _artifact(ui: Ui, who: Actor, artifact_id: str, action: str, force: bool) -> str:
    try:
        with ui.held() as workspace:
            if action == "remove":
                said = command(f"artifacts remove {artifact_id}")
                removal = compiling.remove(workspace, artifact_id, force=force, actor=who, command=said)
                done = "; ".join(removal.done) or "its files, block and settings entry are gone"
                return f"Removed {removal.record.artifact.id}: {done}."
            if action == "restore":
                said = command(f"artifacts restore {artifact_id}")
                record = compiling.restore(workspace, artifact_id, actor=who, command=said)
                return f"{record.artifact.id} will be written again by the next `reverie compile`."
    except ReverieError as error:
        return f"Not done: {error}"
    return "Nothing done: unknown action."
