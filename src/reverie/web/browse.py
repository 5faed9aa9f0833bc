"""The pages that only read: the overview, lessons (list and one lesson), and a session's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from reverie import charts
from reverie.app.lessons import learned_over_time
from reverie.artifacts import compiler
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus, ScopeLevel
from reverie.domain.timeline import Period
from reverie.web import evalreport
from reverie.web.context import render, ui_of

RECENT = 10


def overview(request: Request) -> Response:
    with ui_of(request).held() as workspace:
        store = workspace.store
        lessons = store.lessons()
        waiting = [d for d in store.dreams() if d.status == "completed" and d.decided < d.changes]
        head = store.head()
        stats = store.stats()
    recent = sorted(lessons, key=lambda x: x.recorded_at or x.valid_from or "", reverse=True)[:RECENT]
    counts = {status.value: sum(x.status is status for x in lessons) for status in LessonStatus}
    latest = evalreport.load(ui_of(request).report_dir)
    return render(
        request,
        "overview.html",
        title="Overview",
        recent=recent,
        counts=counts,
        waiting=waiting,
        head=head,
        stats=stats,
        report=latest,
    )


def lessons_page(request: Request) -> Response:
    chosen = {name: request.query_params.get(name, "") for name in ("project", "scope", "status", "kind")}
    with ui_of(request).held() as workspace:
        everything = workspace.store.lessons()
        # A project chosen: what was learned there, week by week (`reverie stats --over-time --project`).
        learned = learned_over_time(workspace, project=chosen["project"]) if chosen["project"] else []
    projects = sorted({x.scope.project for x in everything if x.scope.project})
    shown = [lesson for lesson in everything if _matches(lesson, chosen)]
    shown.sort(key=lambda x: (x.status is not LessonStatus.ACTIVE, -x.confidence.value, x.id))
    return render(
        request,
        "lessons.html",
        title="Lessons",
        lessons=shown,
        total=len(everything),
        chosen=chosen,
        learned=_learned_chart(chosen["project"], learned),
        choices={
            "project": projects,
            "scope": [s.value for s in ScopeLevel],
            "status": [s.value for s in LessonStatus],
            "kind": [k.value for k in LessonKind],
        },
    )


def _learned_chart(project: str, found: Sequence[Period]) -> Markup | None:
    if not found:
        return None
    starts = [period.start for period in found]

    def series(name: str, values: Sequence[int]) -> charts.Series:
        return charts.Series(name, [(float(n), float(v)) for n, v in enumerate(values)])

    chart = charts.bars(
        f"Learned in {project}, week by week",
        starts,
        [
            series("added", [p.added for p in found]),
            series("activated", [p.activated for p in found]),
            series("retired", [p.retired for p in found]),
        ],
        overlays=[series("active", [p.active for p in found]), series("candidates", [p.candidates for p in found])],
        y_label="lessons (bars: changes in the week; lines: standing at its end)",
        width=min(960, 200 + 48 * len(found)),
    )
    return Markup(chart.svg)  # charts escape every text they draw


def _matches(lesson: Lesson, chosen: dict[str, str]) -> bool:
    return (
        (not chosen["project"] or lesson.scope.project == chosen["project"])
        and (not chosen["scope"] or lesson.scope.level.value == chosen["scope"])
        and (not chosen["status"] or lesson.status.value == chosen["status"])
        and (not chosen["kind"] or lesson.kind.value == chosen["kind"])
    )


def lesson_page(request: Request) -> Response:
    lesson_id = request.path_params["lesson_id"]
    with ui_of(request).held() as workspace:
        lesson = workspace.store.lesson(lesson_id)
        if lesson is None:
            return _missing(request, f"No lesson {lesson_id}.")
        versions = list(workspace.store.lesson_versions(lesson_id))
        compiled = [item for item in compiler.registry(workspace.store) if lesson_id in item.record.artifact.lesson_ids]
    return render(
        request,
        "lesson.html",
        title=f"Lesson {lesson.id}",
        lesson=lesson,
        versions=list(reversed(versions)),
        compiled=compiled,
    )


def session_page(request: Request) -> Response:
    session_id = request.path_params["session_id"]
    with ui_of(request).held() as workspace:
        session = workspace.store.session(session_id)
        if session is None:
            return _missing(request, f"No session {session_id} in this store (its evidence excerpt is all we kept).")
        events = list(workspace.store.events(session.id))
    return render(request, "session.html", title=f"Session {session.id[:12]}", session=session, events=events)


def _missing(request: Request, message: str) -> Response:
    return render(request, "error.html", status=404, title="Not found", message=message)
