"""The local UI's guards: the one-time sign-in link, the session cookie, CSRF on every POST, loopback only."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from reverie.cli import main
from reverie.errors import InputError
from reverie.web import Guard, create_app
from reverie.web.serve import parse_bind
from tests.web.builders import Home


def test_pages_need_the_session_cookie_that_the_one_time_link_sets(home: Home, guard: Guard) -> None:
    token = guard.token
    browser = TestClient(create_app(home.workspace, guard=guard), base_url="http://127.0.0.1")
    assert browser.get("/lessons").status_code == 401
    signed = browser.get(f"/lessons?token={token}&status=active", follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/lessons?status=active"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert browser.get("/lessons").status_code == 200  # the cookie now signs this client in
    stranger = TestClient(create_app(home.workspace, guard=guard), base_url="http://127.0.0.1")
    assert stranger.get(f"/?token={token}", follow_redirects=False).status_code == 401  # spent
    assert stranger.get("/?token=guessed", follow_redirects=False).status_code == 401
    stranger.cookies.set(guard.cookie, "guessed")
    assert stranger.get("/").status_code == 401


def test_two_runs_name_their_cookies_apart_since_cookies_ignore_the_port() -> None:
    first, second = Guard(), Guard()
    assert first.cookie != second.cookie and first.session != second.session and first.csrf != second.csrf


def test_every_response_keeps_the_pages_out_of_frames_and_caches(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("csrf", [None, "", "forged"])
def test_a_post_without_this_runs_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, home: Home, csrf: str | None
) -> None:
    change = home.change_id("merge")
    digest = next(i.change.content_hash for i in home.workspace.store.dream_changes(home.dream_id))
    form = {"action": "accept", "change": change, f"hash.{change}": digest}
    if csrf is not None:
        form["csrf"] = csrf
    before = home.workspace.store.head().id
    for path, data in (
        (f"/dreams/{home.dream_id}/decide", form),
        ("/history/rollback", {"version": "1", "head": str(before)}),
        ("/artifacts/whatever", {"action": "remove"}),
    ):
        answer = client.post(path, data=data if csrf is None else data | {"csrf": csrf})
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert home.decisions() == {"C1": None, "C2": None}
    assert home.workspace.store.head().id == before


def test_the_app_mounts_under_a_prefix_with_its_links_and_cookie_there(home: Home) -> None:
    guard = Guard()
    host = Starlette(routes=[Mount("/review", app=create_app(home.workspace, guard=guard))])
    browser = TestClient(host, base_url="http://127.0.0.1")
    signed = browser.get(f"/review/dreams?token={guard.token}", follow_redirects=False)
    assert signed.headers["location"] == "/review/dreams" and "Path=/review" in signed.headers["set-cookie"]
    page = browser.get("/review/dreams")
    assert page.status_code == 200 and f'href="/review/dreams/{home.dream_id}"' in page.text


def test_a_host_with_its_own_login_turns_the_token_off_but_keeps_csrf(home: Home) -> None:
    app = create_app(home.workspace, guard=Guard(token=None))
    browser = TestClient(app, base_url="http://127.0.0.1")
    assert browser.get("/").status_code == 200
    assert browser.post("/history/rollback", data={"version": "1", "head": "1"}).status_code == 403


@pytest.mark.parametrize("bind", ["127.0.0.1:8377", "localhost:0", "[::1]:9000"])
def test_loopback_addresses_are_accepted(bind: str) -> None:
    assert parse_bind(bind)[1] in (8377, 0, 9000)


@pytest.mark.parametrize("bind", ["0.0.0.0:8377", "192.168.1.4:80", "example.com:80", "127.0.0.1:http"])
def test_other_addresses_are_refused(bind: str) -> None:
    with pytest.raises(InputError):
        parse_bind(bind)


def test_the_command_refuses_a_public_address_before_listening() -> None:
    result = CliRunner().invoke(main, ["ui", "--bind", "0.0.0.0:8377", "--no-open"])
    assert result.exit_code == 1 and "loopback only" in result.output
