"""Every page, over HTTP: what a person must be able to read on it."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from starlette.testclient import TestClient

from reverie.artifacts import compiler
from reverie.domain.lessons import LessonStatus
from tests.web.builders import PIXEL, STATEMENTS, Home

SVG = "{http://www.w3.org/2000/svg}"


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#]+)', html))


def test_the_overview_links_every_page_and_shows_what_waits_and_the_latest_eval(client: TestClient, home: Home) -> None:
    page = client.get("/").text
    assert {"/lessons", "/dreams", "/history", "/artifacts", "/eval"} <= links(page)
    assert f"/dreams/{home.dream_id}" in links(page)  # waiting for review
    assert "2 of 2 change(s) undecided" in page
    assert STATEMENTS["b"] in page  # learned lately
    assert "30 sessions, seed 1" in page and "lesson recall" in page


def test_lessons_filter_by_status_kind_scope_and_project(client: TestClient, home: Home) -> None:
    every = client.get("/lessons").text
    assert "5 of 5 lesson(s)" in every
    assert "1 of 5 lesson(s)" in client.get("/lessons", params={"kind": "rule"}).text
    assert "0 of 5 lesson(s)" in client.get("/lessons", params={"scope": "global"}).text
    assert "5 of 5 lesson(s)" in client.get("/lessons", params={"project": "github.com/acme/app"}).text
    active = client.get("/lessons", params={"status": "active"}).text
    assert f"{len(home.workspace.store.lessons(statuses=[LessonStatus.ACTIVE]))} of 5" in active
    assert '<label for="filter-kind">' in every and 'id="filter-kind"' in every  # labelled controls


def test_a_project_chosen_shows_what_was_learned_there_week_by_week_as_an_inline_chart(
    client: TestClient, home: Home
) -> None:
    assert "<svg" not in client.get("/lessons").text  # no project chosen: no chart
    page = client.get("/lessons", params={"project": "github.com/acme/app"}).text
    chart = ElementTree.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    assert chart.get("aria-label") == "Learned in github.com/acme/app, week by week"
    drawn = {f"{SVG}rect", f"{SVG}circle"}
    marks = [element.findtext(f"{SVG}title") for element in chart.iter() if element.tag in drawn]
    # The builder's lessons were said on 2026-01-05 (yarn), 2026-03-01 (the others) and then pnpm superseded.
    assert "2026-01-05: added 1" in marks and "2026-02-23: added 4" in marks
    assert "reverie stats --over-time --project github.com/acme/app" in page
    assert 'style="' not in page[page.index("<svg") : page.index("</svg>")]  # the CSP forbids inline styles


def test_a_lesson_shows_its_confidence_evidence_down_to_the_transcript_line_versions_and_artifacts(
    client: TestClient, home: Home
) -> None:
    hook = next(x for x in home.workspace.store.lessons() if x.key == "rule:force-push")
    page = client.get(f"/lessons/{hook.id}").text
    assert STATEMENTS["e"] in page
    assert "git push --force" in page  # the trigger
    assert "user statements" in page and "distinct sessions" in page  # the confidence breakdown
    assert 'href="/sessions/e#line-3"' in page and "session e, line 3" in page
    assert "Versions (1)" in page
    compiled = [
        i.record.artifact for i in compiler.registry(home.workspace.store) if hook.id in i.record.artifact.lesson_ids
    ]
    assert {a.kind.value for a in compiled} >= {"hook"}
    assert f"Compiled artifacts ({len(compiled)})" in page and all(f"/artifacts#{a.id}" in page for a in compiled)


def test_the_session_timeline_has_an_anchor_at_the_evidence_line(client: TestClient) -> None:
    page = client.get("/sessions/a").text
    assert 'id="line-3"' in page and "Use" in page and "make check" in page


def test_the_dream_page_is_a_code_review_of_every_change(client: TestClient, home: Home) -> None:
    page = client.get(f"/dreams/{home.dream_id}").text
    for item in home.workspace.store.dream_changes(home.dream_id):
        change = item.change
        assert f'id="{change.id}"' in page and change.type.value in page
        assert f'name="hash.{change.id}" value="{change.content_hash}"' in page  # what an approval binds to
        assert f"Accept {change.id}</button>" in page and f"Reject {change.id}</button>" in page
        assert f"{change.confidence_delta:+.2f}" in page
    assert "Accept all 2</button>" in page and "Reject all 2</button>" in page
    assert 'class="before"' in page and 'class="after"' in page  # the diff
    assert "Stops reaching the agent" in page  # what it does to the agent's context
    assert "contradictory_pairs" in page and "gate: pass" in page  # the gate's eval delta
    assert "/sessions/a#line-3" in page or "/sessions/b#line-3" in page  # evidence links into the timeline


def test_the_dreams_list_history_and_artifacts_show_their_records(client: TestClient, home: Home) -> None:
    assert f"/dreams/{home.dream_id}" in links(client.get("/dreams").text)
    history = client.get("/history").text
    assert "(head)" in history and "No decisions yet" in history
    artifacts = client.get("/artifacts").text
    assert "Remove A" in artifacts and "git push --force" in artifacts


def test_the_eval_page_shows_the_report_table_and_serves_only_its_plots(client: TestClient, home: Home) -> None:
    page = client.get("/eval").text
    assert "lesson recall" in page and "0.90 (9/10)" in page and 'src="/eval/plots/failure_labels.png"' in page
    assert client.get("/eval/plots/failure_labels.png").content == PIXEL  # a report from before the SVG plots
    (home.report_dir / "metrics_over_sessions.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    svg = client.get("/eval/plots/metrics_over_sessions.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert 'src="/eval/plots/metrics_over_sessions.svg"' in client.get("/eval").text
    assert client.get("/eval/plots/report.json").status_code == 404
    assert client.get("/eval/plots/..%2Freport.json").status_code == 404


def test_missing_things_answer_404_with_a_way_back(client: TestClient) -> None:
    for path in ("/lessons/Lnope", "/sessions/nope", "/dreams/Dnope"):
        answer = client.get(path)
        assert answer.status_code == 404 and 'href="/"' in answer.text


def test_the_stylesheet_is_served_from_the_package(client: TestClient) -> None:
    answer = client.get("/style.css")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/css")
