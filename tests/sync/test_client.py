"""The team client's retries: what a killed or restarting server leaves behind is worth another try."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reverie.sync.client import RemoteError, TeamClient
from reverie.sync.remotes import Remote


class _CutOnce(BaseHTTPRequestHandler):
    """Answers the first request with a body shorter than its Content-Length (a server killed while
    answering), every later one in full."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        body = b'{"name": "alice"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) + (10 if type(self).calls == 1 else 0)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cut_once() -> Iterator[str]:
    _CutOnce.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CutOnce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_cut_answer_is_tried_again(cut_once: str) -> None:
    client = TeamClient(Remote("team", cut_once, "token"), timeout=5, retries=2, backoff=0.01)
    assert client.get("/api/whoami") == {"name": "alice"}
    assert _CutOnce.calls == 2


def test_without_retries_a_cut_answer_is_a_clear_error(cut_once: str) -> None:
    client = TeamClient(Remote("team", cut_once, "token"), timeout=5, retries=0)
    with pytest.raises(RemoteError, match="unreachable"):
        client.get("/api/whoami")
