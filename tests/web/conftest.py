"""A built home and a signed-in HTTP client over the UI app (no server, no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from reverie.review.actor import Actor
from reverie.web import Guard, create_app
from tests.web.builders import Home, build

PERSON = Actor(name="ada")
SHOTS: list[Path] = []  # where the browser tier kept its screenshots (printed in the terminal summary)


@pytest.fixture
def home(tmp_path: Path, reverie_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    built = build(tmp_path, reverie_home, monkeypatch)
    yield built
    built.workspace.close()


@pytest.fixture
def guard() -> Guard:
    return Guard()


@pytest.fixture
def client(home: Home, guard: Guard) -> Iterator[TestClient]:
    app = create_app(home.workspace, guard=guard, actor=lambda _request: PERSON, report_dir=home.report_dir)
    with TestClient(app, base_url="http://127.0.0.1") as signed_in:
        signed_in.cookies.set(guard.cookie, guard.session)
        yield signed_in


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for folder in SHOTS:
        terminalreporter.write_line(f"reverie ui screenshots: {folder}")
