"""Progress on long work: the one bar (``cli.output.progress``) on a terminal and quiet otherwise, and
the steps that dream, push and pull report to it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner

from reverie.app import dreams
from reverie.cli import dreams as dream_cli
from reverie.cli import main, output
from reverie.dream import passes
from reverie.sync import push as push_module
from reverie.sync.client import TeamClient
from reverie.sync.pull import pull
from reverie.sync.push import push
from reverie.sync.remotes import Remote, SyncState
from reverie.workspace import Workspace
from tests.distill.trace import Trace, day
from tests.recall.builders import PNPM, PYTHON3, store_lessons


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_draws_on_a_terminal_follows_a_growing_total_and_is_silent_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with output.progress("pulling") as tick:
        tick(1, 1)  # the first page: the total is not known yet
        tick(2, 4)  # the server says more remain
        tick(4, 4)
    drawn = terminal.getvalue()
    assert "pulling" in drawn and drawn.rstrip().endswith("4/4\x1b[?25h")  # the count, against the grown total
    quiet = Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    with output.progress("pushing", quiet=True) as tick:  # --json
        tick(1, 2)
    assert quiet.getvalue() == ""
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with output.progress("pushing") as tick:
        tick(1, 2)
    assert piped.getvalue() == ""


def test_a_dream_reports_the_sessions_it_distills_then_each_pass() -> None:
    workspace = Workspace.open()
    try:
        for number in range(3):
            Trace(f"s{number}", start=day(number)).prompt("go").run("ls", "ok").into(workspace.store)
        seen: list[tuple[int, int]] = []
        dreams.dream(workspace, dreams.DreamOrder(), command="test", progress=lambda d, t: seen.append((d, t)))
    finally:
        workspace.close()
    steps = 3 + len(passes())
    assert seen[:3] == [(1, steps), (2, steps), (3, steps)]
    assert seen[3:] == [(3 + number, steps) for number in range(1, len(passes()) + 1)]


def test_the_dream_command_shows_the_bar_and_hides_it_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str, bool, int]] = []

    @contextmanager
    def recording(label: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
        ticks: list[int] = []
        yield lambda done, total: ticks.append(done)
        opened.append((label, quiet, len(ticks)))

    monkeypatch.setattr(dream_cli, "progress", recording)
    runner = CliRunner()
    assert runner.invoke(main, ["dream"], catch_exceptions=False).exit_code == 0
    assert runner.invoke(main, ["dream", "--json"], catch_exceptions=False).exit_code == 0
    assert [(label, quiet) for label, quiet, _ in opened] == [("dreaming", False), ("dreaming", True)]
    assert all(ticks == len(passes()) for _, _, ticks in opened)  # no new session: the passes alone


class Server(TeamClient):
    """The team server's answers, scripted: pushes are accepted, pulls come in the pages given."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        super().__init__(Remote("team", "https://team.example", "rvt.acme.x"))
        self.pages = pages

    def get(self, path: str) -> dict[str, Any]:
        if path.startswith("/api/lessons"):
            return self.pages.pop(0) if self.pages else {"team": "acme", "lessons": []}
        return {"role": "member"}

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"results": [{"created": True} for _ in body["changes"]]}


def test_push_reports_each_batch_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push_module, "BATCH", 1)
    workspace = Workspace.open()
    try:
        store_lessons(workspace, [PNPM, PYTHON3])
        seen: list[tuple[int, int]] = []
        report = push(Server([]), workspace.store, SyncState(), progress=lambda d, t: seen.append((d, t)))
    finally:
        workspace.close()
    assert report.proposed == 2 and seen == [(1, 2), (2, 2)]


def row(lesson: Any, cursor: int) -> dict[str, Any]:
    from reverie.store.lesson_codec import lesson_to_dict

    return {"lesson_id": lesson.id, "version": 1, "content_hash": lesson.content_hash, "lesson": lesson_to_dict(lesson)}


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [((1, 0), [(1, 2), (2, 2)]), ((None, None), [(1, 1), (2, 2)])],  # a server from before `remaining`
)
def test_pull_reports_what_arrived_against_what_the_server_says_remains(
    remaining: tuple[int | None, int | None], expected: list[tuple[int, int]]
) -> None:
    pages = []
    for number, (lesson, left) in enumerate(zip((PNPM, replace(PYTHON3)), remaining, strict=True), 1):
        page: dict[str, Any] = {"team": "acme", "cursor": number, "lessons": [row(lesson, number)]}
        if left is not None:
            page["remaining"] = left
        pages.append(page)
    workspace = Workspace.open()
    try:
        seen: list[tuple[int, int]] = []
        report = pull(Server(pages), workspace.store, SyncState(), progress=lambda d, t: seen.append((d, t)))
        assert workspace.store.lesson(PNPM.id) is not None
    finally:
        workspace.close()
    assert report.received == 2 and seen == expected
