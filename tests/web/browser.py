"""A real server and a real browser for the browser tier.

The server is uvicorn on a free loopback port, in a thread of the test process, serving
``create_app`` over its own workspace (a second SQLite connection to the test's home, as a second
process would have). The browser is Debian's Chromium driven by Playwright: never a downloaded
browser. The machine's network is closed, so Chromium runs with every background service off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, sync_playwright

from reverie.review.actor import Actor
from reverie.web import Guard, create_app
from reverie.web.serve import listen, sign_in_url
from reverie.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Fail in CI (a skipped tier there would hide a broken install); skip elsewhere."""
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}; `make chromium` installs Debian's package (as root)"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def serving(home: Path, actor: Actor, report_dir: Path) -> Iterator[str]:
    """The UI on a free loopback port; yields the one-time sign-in URL."""
    workspace = Workspace.open(home)
    guard = Guard()
    sock = listen("127.0.0.1", 0)
    app = create_app(workspace, guard=guard, actor=lambda _request: actor, report_dir=report_dir)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started and thread.is_alive():  # started is set once the socket accepts
            thread.join(0.02)
        assert server.started, "the UI server did not start"
        yield sign_in_url(sock, guard)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
        workspace.close()


@contextmanager
def chromium(profile: Path) -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
