"""Dreams as a code review: the list, one dream's change-set, and the decisions on it.

Every decision goes through ``reverie.app.dreams``, as `reverie accept` and `reverie discard` do:
the same integrity, approval, authority, gate and freshness checks, the same audit entries. The page
carries each change's content hash; the form sends back the hashes the person saw, and they are
the approvals. A change edited since the page was drawn hashes differently, is refused by
``decide`` (and audited), and the page is drawn again with the refusal on top.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from reverie.app import dreams
from reverie.dream.runner import resolve
from reverie.errors import ReverieError
from reverie.review import render as review_render
from reverie.review import verdict
from reverie.review.actor import Actor
from reverie.web import views
from reverie.web.context import Ui, back, checked_form, command, render, ui_of

ACCEPT = "accept"
REJECT = "reject"


def dreams_page(request: Request) -> Response:
    with ui_of(request).held() as workspace:
        records = list(workspace.store.dreams())
    gates = {record.id: review_render.gate_cell(record) for record in records}
    return render(request, "dreams.html", title="Dreams", dreams=records, gates=gates)


def dream_page(request: Request) -> Response:
    with ui_of(request).held() as workspace:
        try:
            record = resolve(workspace.store, request.path_params["dream_id"])
        except ReverieError as error:
            return render(request, "error.html", status=404, title="Not found", message=str(error))
        changes = list(workspace.store.dream_changes(record.id))
    return render(
        request,
        "dream.html",
        title=f"Dream {record.id}",
        dream=record,
        gate=verdict.read(record.usage),
        usage=verdict.plain_usage(record.usage),
        changes=changes,
        diffs={item.change.id: views.change_diffs(item.change) for item in changes},
        open_changes=[item for item in changes if item.decision is None],
    )


async def decide_view(request: Request) -> Response:
    """One form for every button: ``action`` (accept | reject), ``change`` (one id, or none for all
    shown), and ``hash.<id>`` for each change the page showed undecided."""
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    dream_id = request.path_params["dream_id"]
    action = str(form.get("action", ""))
    shown = {key[len("hash.") :]: str(value) for key, value in form.items() if key.startswith("hash.")}
    single = str(form.get("change", ""))
    ids = [single] if single else list(shown)
    if action not in (ACCEPT, REJECT) or not ids or any(i not in shown for i in ids):
        return back(request, "dream", "Nothing decided: the form named no change shown on the page.", dream_id=dream_id)
    ui = ui_of(request)
    who = ui.actor_of(request)
    regression = form.get("accept_regression") == "yes"
    try:
        # The store work runs in the thread pool, like the pages' handlers: the event loop stays free.
        done, refused = await run_in_threadpool(_decide, ui, who, dream_id, action, ids, shown, regression)
    except ReverieError as error:  # not an approver, a regressing gate, an unknown change: say why
        return back(request, "dream", f"Not {action}ed: {error}", dream_id=dream_id)
    return back(request, "dream", _notice(action, done, refused), dream_id=dream_id)


def _decide(
    ui: Ui, who: Actor, dream_id: str, action: str, ids: list[str], shown: dict[str, str], regression: bool
) -> tuple[tuple[str, ...], dict[str, str]]:
    with ui.held() as workspace:
        if action == REJECT:
            command_line = command(f"reject {dream_id} {','.join(ids)}")
            rejection = dreams.reject(workspace, dream_id, ids, actor=who, command=command_line, shown=shown)
            return rejection.rejected, rejection.refused
        outcome = dreams.accept(
            workspace,
            dream_id,
            actor=who,
            command=command(f"accept {dream_id} {','.join(ids)}"),
            only=ids,
            approved={i: shown[i] for i in ids},
            accept_regression=regression,
        )
        return outcome.accepted, outcome.refused


async def edit_view(request: Request) -> Response:
    """Reword what a change's main lesson will say (``reverie review --edit``). The edited change has a
    new hash, so an approval given to the old wording does not cover it: the page shows it again."""
    form = await checked_form(request)
    if isinstance(form, Response):
        return form
    dream_id = request.path_params["dream_id"]
    change_id = str(form.get("change", ""))
    shown = str(form.get(f"hash.{change_id}", ""))
    statement = str(form.get("statement", ""))
    ui = ui_of(request)
    notice = await run_in_threadpool(_edit, ui, ui.actor_of(request), dream_id, change_id, shown, statement)
    return back(request, "dream", notice, dream_id=dream_id)


def _edit(ui: Ui, who: Actor, dream_id: str, change_id: str, shown: str, statement: str) -> str:
    try:
        with ui.held() as workspace:
            current = {item.change.id: item.change.content_hash for item in workspace.store.dream_changes(dream_id)}
            if current.get(change_id) != shown:
                return f"Not reworded: {change_id} changed since the page was drawn. Here it is as it is now."
            edited = dreams.edit(
                workspace,
                dream_id,
                change_id,
                statement=statement,
                actor=who,
                command=command(f"edit {dream_id} {change_id}"),
            )
    except ReverieError as error:
        return f"Not reworded: {error}"
    return f"{change_id} reworded (new hash {edited.content_hash[:12]}): it needs a decision on the new wording."


def _notice(action: str, done: tuple[str, ...], refused: dict[str, str]) -> str:
    parts = [f"{'Accepted' if action == ACCEPT else 'Rejected'} {', '.join(done)}."] if done else []
    parts += [f"Not {action}ed {cid}: {why.rstrip('.')}." for cid, why in refused.items()]
    if any("not approved as it is now" in why or "changed since" in why for why in refused.values()):
        parts.append("The page below shows those changes as they are now; decide again.")
    return " ".join(parts) or "Nothing to decide."
