"""The review UI in a real Chromium: a person reads every page and decides a dream in the browser.

Screenshots of every page are kept under the pytest temporary folder (``screenshots*``), or in
``$REVERIE_SCREENSHOTS``; the terminal summary prints where.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import BrowserContext, Page, expect

from reverie.cli import main
from reverie.evals import report, runner
from reverie.review import decide
from tests.web import browser
from tests.web.builders import Home
from tests.web.conftest import PERSON, SHOTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("REVERIE_SCREENSHOTS")  # a folder that outlives pytest's temporary-folder rotation
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    SHOTS.append(folder)
    return folder


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `reverie eval --sessions 30 --report DIR` writes, plots included."""
    work = tmp_path_factory.mktemp("eval")
    report.write(runner.benchmark(30, 1, work), work / "report")
    return work / "report"


@pytest.fixture
def context(tmp_path: Path) -> Iterator[BrowserContext]:
    browser.require_chromium()
    with browser.chromium(tmp_path / "profile") as opened:
        yield opened


@pytest.fixture
def page(context: BrowserContext, home: Home, real_report: Path, reverie_home: Path) -> Iterator[Page]:
    with browser.serving(reverie_home, PERSON, real_report) as sign_in:
        tab = context.new_page()
        tab.goto(sign_in)
        yield tab


def shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_every_page_is_reachable_from_the_start_page_and_reads(page: Page, home: Home, screenshots: Path) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    assert "token=" not in page.url  # the sign-in link leaves no secret in the address bar
    shot(page, screenshots, "01-overview")
    page.get_by_role("navigation").get_by_role("link", name="Lessons").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lessons")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Filter").click()
    assert "status=active" in page.url
    shot(page, screenshots, "02-lessons")
    page.locator("#filter-project").select_option("github.com/acme/app")
    page.get_by_role("button", name="Filter").click()
    learned = page.get_by_role("img", name="Learned in github.com/acme/app, week by week")
    expect(learned).to_be_visible()  # drawn inline, allowed by the page's Content-Security-Policy
    box = learned.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    expect(learned.locator("rect[fill='#0072b2']:has(title)")).to_have_count(2)  # the two weeks with lessons added
    shot(page, screenshots, "02-lessons-learned")
    page.get_by_role("link", name="Never run `git push --force`.").click()
    expect(page.get_by_role("heading", name=re.compile("^Confidence"))).to_be_visible()
    shot(page, screenshots, "03-lesson")
    page.get_by_role("link", name="session e, line 3").click()
    expect(page.locator("#line-3")).to_contain_text("Never run")
    shot(page, screenshots, "04-session")
    for name, heading in (
        ("Dreams", "Dreams"),
        ("History", "History"),
        ("Artifacts", "Artifacts"),
        ("Eval", "Eval report"),
    ):
        page.get_by_role("navigation").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        shot(page, screenshots, f"05-{name.lower()}")
    expect(page.get_by_role("img")).to_have_count(3)  # the report's three plots
    for image in page.get_by_role("img").all():
        assert image.evaluate("img => img.naturalWidth") > 100  # really drawn, not a broken image
    page.get_by_role("navigation").get_by_role("link", name="Dreams").click()
    page.get_by_role("link", name=home.dream_id).click()
    expect(page.locator("section.change")).to_have_count(len(home.workspace.store.dream_changes(home.dream_id)))
    shot(page, screenshots, "06-dream")


def test_accept_and_reject_in_the_browser_move_the_store_as_the_cli_would(
    page: Page, home: Home, screenshots: Path
) -> None:
    merge, supersede = home.change_id("merge"), home.change_id("supersede")
    page.goto(page.url.rstrip("/") + f"/dreams/{home.dream_id}")
    for change in (merge, supersede):
        expect(page.locator(f"section#{change}")).to_contain_text(change)
    page.get_by_role("button", name=f"Reject {supersede}").focus()
    page.keyboard.press("Enter")  # keyboard-usable: a focused button submits its form
    expect(page.get_by_role("status")).to_contain_text(f"Rejected {supersede}.")
    page.get_by_role("button", name=f"Accept {merge}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Accepted {merge}.")
    shot(page, screenshots, "07-dream-decided")
    assert home.decisions() == {merge: "accepted", supersede: "rejected"}
    review = CliRunner().invoke(main, ["review", home.dream_id, "--json"]).output
    assert '"decision": "accepted"' in review and '"decision": "rejected"' in review
    audit = json.loads(CliRunner().invoke(main, ["history", "--json"]).output)["audit"]
    assert {(e["action"], e["change_id"], e["actor"]) for e in audit} >= {
        ("accept", merge, "ada"),
        ("reject", supersede, "ada"),
    }
    page.get_by_role("navigation").get_by_role("link", name="History").click()
    head = home.workspace.store.head().id
    page.get_by_role("button", name=re.compile(r"\(before the last accept\)")).click()
    expect(page.get_by_role("status")).to_contain_text(f"(was {head})")
    shot(page, screenshots, "08-history-rolled-back")
    assert home.workspace.store.head().id != head and home.workspace.store.audit_log()[-1].action == "rollback"


def test_a_change_that_moved_after_the_page_was_drawn_is_refused_and_shown_again(
    page: Page, home: Home, screenshots: Path
) -> None:
    merge = home.change_id("merge")
    page.goto(page.url.rstrip("/") + f"/dreams/{home.dream_id}")
    decide.edit(home.workspace.store, home.dream_id, merge, statement="Indent with tabs.", actor=PERSON, command="t")
    page.get_by_role("button", name=f"Accept {merge}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Not accepted {merge}")
    expect(page.locator(f"section#{merge}")).to_contain_text("Indent with tabs.")  # drawn again, as it is now
    shot(page, screenshots, "09-dream-stale-refused")
    assert home.decisions()[merge] is None
    assert home.workspace.store.audit_log()[-1].action == "refuse"


def test_a_person_rewords_a_change_then_accepts_the_new_wording(page: Page, home: Home, screenshots: Path) -> None:
    merge = home.change_id("merge")
    page.goto(page.url.rstrip("/") + f"/dreams/{home.dream_id}")
    page.get_by_text(f"Reword {merge}").click()  # a <details> summary: opens without JavaScript
    survivor = next(i.change for i in home.workspace.store.dream_changes(home.dream_id) if i.change.id == merge).after[
        0
    ]
    page.get_by_label(f"New statement for {survivor.id}").fill("Indent with tabs.")
    shot(page, screenshots, "11-dream-reword")
    page.get_by_role("button", name=f"Save the wording of {merge}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{merge} reworded")
    page.get_by_role("button", name=f"Accept {merge}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Accepted {merge}.")
    assert any(x.statement == "Indent with tabs." for x in home.workspace.store.lessons())


def test_a_post_without_the_csrf_token_is_refused(page: Page, home: Home, screenshots: Path) -> None:
    page.goto(page.url.rstrip("/") + f"/dreams/{home.dream_id}")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(field => field.remove())")
    with page.expect_response(re.compile("/decide$")) as answer:
        page.get_by_role("button", name="Accept all 2").click()
    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Refused")
    shot(page, screenshots, "10-csrf-refused")
    assert set(home.decisions().values()) == {None}


def test_the_reverie_ui_command_prints_a_sign_in_link_that_works_once(
    context: BrowserContext, home: Home, reverie_home: Path
) -> None:
    command = [sys.executable, "-m", "reverie.cli", "ui", "--no-open", "--bind", "127.0.0.1:0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()  # printed once the server accepts connections
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert url, line
        tab = context.new_page()
        tab.goto(url.group(0))
        expect(tab.get_by_role("heading", level=1)).to_have_text("Overview")
        expect(tab.get_by_role("link", name=f"Dream {home.dream_id}")).to_be_visible()
        assert tab.request.get(url.group(0), max_redirects=0).status == 401  # the link is spent
    finally:
        server.terminate()
        server.wait()
