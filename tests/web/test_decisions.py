"""Deciding in the browser moves the store exactly as the CLI would, through the same review code."""

from __future__ import annotations

import re

from click.testing import CliRunner
from starlette.testclient import TestClient

from reverie.artifacts import compiler
from reverie.cli import main
from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import LessonStatus
from reverie.dream import DreamPass, DreamRequest, run_dream
from reverie.review import decide
from reverie.review.actor import Actor
from reverie.review.gate import DreamGate
from reverie.web import Guard, create_app
from tests.dream.factory import NOW, choice, make, put
from tests.web.builders import Home
from tests.web.conftest import PERSON


def form_of(client: TestClient, path: str, button: str) -> dict[str, str]:
    """The hidden fields of the form holding ``button``, as the page drew them."""
    page = client.get(path).text
    start = page.index(button)
    form = page[page.rindex("<form", 0, start) : start]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


def decide_on(client: TestClient, home: Home, button: str, action: str) -> str:
    fields = form_of(client, f"/dreams/{home.dream_id}", button)
    answer = client.post(f"/dreams/{home.dream_id}/decide", data=fields | {"action": action})
    assert answer.status_code == 200  # redirected back to the dream page, drawn afresh
    return answer.text


def test_accepting_one_change_writes_what_the_cli_would_and_audits_it(client: TestClient, home: Home) -> None:
    merge = home.change_id("merge")
    head = home.workspace.store.head().id
    page = decide_on(client, home, f"Accept {merge}</button>", "accept")
    assert f"Accepted {merge}." in page
    assert home.decisions()[merge] == "accepted" and home.decisions()[home.change_id("supersede")] is None
    assert home.workspace.store.head().id != head and home.workspace.store.head().accepted_by == "ada"
    actions = [(e.action, e.change_id) for e in home.workspace.store.audit_log()]
    assert ("approve", merge) in actions and ("accept", merge) in actions
    assert all(e.command.startswith("reverie ui: accept") for e in home.workspace.store.audit_log())
    # the CLI reads the same state: its review shows the decision
    shown = CliRunner().invoke(main, ["review", home.dream_id]).output
    assert any(line.startswith(merge) and line.endswith("[accepted]") for line in shown.splitlines())


def test_rejecting_one_change_leaves_the_lessons_and_records_the_rejection(client: TestClient, home: Home) -> None:
    supersede = home.change_id("supersede")
    before = [(x.id, x.version, x.status) for x in home.workspace.store.lessons()]
    page = decide_on(client, home, f"Reject {supersede}</button>", "reject")
    assert f"Rejected {supersede}." in page
    assert home.decisions()[supersede] == "rejected"
    assert [(x.id, x.version, x.status) for x in home.workspace.store.lessons()] == before
    assert [e.action for e in home.workspace.store.audit_log()] == ["reject"]


def test_accept_all_and_reject_all_decide_every_change_shown(client: TestClient, home: Home) -> None:
    decide_on(client, home, "Accept all 2</button>", "accept")
    assert set(home.decisions().values()) == {"accepted"}


def test_reject_all_is_a_discard(client: TestClient, home: Home) -> None:
    decide_on(client, home, "Reject all 2</button>", "reject")
    assert set(home.decisions().values()) == {"rejected"}
    proposed = [v for v in home.workspace.store.store_versions() if v.dream_id == home.dream_id]
    assert proposed[0].state == "discarded"


def test_a_change_edited_after_the_page_was_drawn_is_refused_and_shown_again(client: TestClient, home: Home) -> None:
    merge = home.change_id("merge")
    fields = form_of(client, f"/dreams/{home.dream_id}", f"Accept {merge}</button>")
    edited = decide.edit(
        home.workspace.store, home.dream_id, merge, statement="Indent with tabs.", actor=PERSON, command="t"
    )
    answer = client.post(f"/dreams/{home.dream_id}/decide", data=fields | {"action": "accept"})
    assert "Not accepted" in answer.text and "shows those changes as they are now" in answer.text
    assert home.decisions()[merge] is None
    assert f'value="{edited.content_hash}"' in answer.text and "Indent with tabs." in answer.text
    refusal = home.workspace.store.audit_log()[-1]
    assert refusal.action == "refuse" and refusal.change_id == merge
    # rejecting what was shown before the edit is refused the same way
    answer = client.post(f"/dreams/{home.dream_id}/decide", data=fields | {"action": "reject"})
    assert "Not rejected" in answer.text and home.decisions()[merge] is None


def test_inside_an_agent_session_nothing_behaviour_shaping_is_accepted(home: Home) -> None:
    guard = Guard()
    agent = Actor(name="ada", agent_marker="CLAUDECODE")
    app = create_app(home.workspace, guard=guard, actor=lambda _request: agent, report_dir=home.report_dir)
    with TestClient(app, base_url="http://127.0.0.1") as browser:
        browser.cookies.set(guard.cookie, guard.session)
        page = decide_on(browser, home, "Accept all 2</button>", "accept")
        assert "inside an agent session" in page and "CLAUDECODE" in page
        assert set(home.decisions().values()) == {None}
        hook = compiler.registry(home.workspace.store)[0].record.artifact
        browser.post(f"/artifacts/{hook.id}", data={"csrf": guard.csrf, "action": "remove"})
        assert compiler.registry(home.workspace.store)[0].record.status.value == "active"


def test_rollback_from_the_history_page_and_a_stale_head_is_refused(client: TestClient, home: Home) -> None:
    before = home.workspace.store.head().id
    decide_on(client, home, "Accept all 2</button>", "accept")
    accepted = home.workspace.store.head().id
    fields = form_of(client, "/history", "(before the last accept)")
    assert fields["head"] == str(accepted)
    page = client.post("/history/rollback", data=fields).text
    assert home.workspace.store.head().id == int(fields["version"]) and "is the head" in page
    assert home.workspace.store.audit_log()[-1].action == "rollback"
    # the same form again: the head it showed has moved, so nothing happens
    page = client.post("/history/rollback", data=fields | {"version": str(accepted)}).text
    assert "the head moved since the page was drawn" in page
    assert home.workspace.store.head().id == int(fields["version"]) and before <= int(fields["version"])


def test_artifacts_remove_and_restore(client: TestClient, home: Home) -> None:
    hook = next(
        i.record.artifact for i in compiler.registry(home.workspace.store) if i.record.artifact.kind.value == "hook"
    )
    fields = form_of(client, "/artifacts", f"Remove {hook.id}</button>")
    page = client.post(f"/artifacts/{hook.id}", data=fields | {"action": "remove"}).text
    assert f"Removed {hook.id}" in page and f"Restore {hook.id}</button>" in page
    status = {i.record.artifact.id: i.record.status.value for i in compiler.registry(home.workspace.store)}
    assert status[hook.id] == "removed"
    page = client.post(f"/artifacts/{hook.id}", data=fields | {"action": "restore"}).text
    status = {i.record.artifact.id: i.record.status.value for i in compiler.registry(home.workspace.store)}
    assert "will be written again" in page and hook.id not in status  # the next compile writes it again


def test_a_regressing_dream_is_accepted_only_with_the_box_ticked(client: TestClient, home: Home) -> None:
    npm = choice("npm", "pnpm", when="2026-03-10T10:00:00Z", sessions=("c",))
    adds = DreamPass("adds", "adds npm", lambda _: [Change("", ChangeType.ADD, "seen once", before=(), after=(npm,))])
    record = run_dream(
        home.workspace.store, home.workspace.home, DreamRequest(now=NOW), passes=[adds], gate=DreamGate()
    )
    page = client.get(f"/dreams/{record.id}").text
    assert "regressing" in page and 'name="accept_regression"' in page
    fields = form_of(client, f"/dreams/{record.id}", "Accept all 1</button>")
    refused = client.post(f"/dreams/{record.id}/decide", data=fields | {"action": "accept"}).text
    assert "Not accepted" in refused and "regressing" in refused
    assert [item.decision for item in home.workspace.store.dream_changes(record.id)] == [None]
    client.post(f"/dreams/{record.id}/decide", data=fields | {"action": "accept", "accept_regression": "yes"})
    assert [item.decision for item in home.workspace.store.dream_changes(record.id)] == ["accepted"]


def test_rewording_in_the_browser_needs_a_decision_on_the_new_wording(client: TestClient, home: Home) -> None:
    merge = home.change_id("merge")
    before = form_of(client, f"/dreams/{home.dream_id}", f"Accept {merge}</button>")
    fields = form_of(client, f"/dreams/{home.dream_id}", f"Save the wording of {merge}</button>")
    page = client.post(f"/dreams/{home.dream_id}/edit", data=fields | {"statement": "Indent with tabs."}).text
    assert f"{merge} reworded" in page and "Indent with tabs." in page
    change = next(i.change for i in home.workspace.store.dream_changes(home.dream_id) if i.change.id == merge)
    assert change.after[0].statement == "Indent with tabs." and f'value="{change.content_hash}"' in page
    assert home.workspace.store.audit_log()[-1].action == "edit"
    stale = client.post(f"/dreams/{home.dream_id}/decide", data=before | {"action": "accept"}).text
    assert "Not accepted" in stale and home.decisions()[merge] is None  # the old wording's approval is void
    again = client.post(f"/dreams/{home.dream_id}/edit", data=fields | {"statement": "Tabs, please."}).text
    assert "changed since the page was drawn" in again  # the form still carries the first hash
    decide_on(client, home, f"Accept {merge}</button>", "accept")
    assert home.decisions()[merge] == "accepted"
    assert any(x.statement == "Indent with tabs." for x in home.workspace.store.lessons())


def test_a_stated_candidate_is_shown_with_the_persons_words_and_accepting_it_makes_it_active(
    client: TestClient, home: Home
) -> None:
    (said,) = put(
        home.workspace.store,
        make("Keep changelog entries in past tense.", key="past", status=LessonStatus.CANDIDATE, sessions=("e",)),
    )
    record = run_dream(home.workspace.store, home.workspace.home, DreamRequest(now=NOW))
    stored = home.workspace.store.dream_changes(record.id)
    (change,) = [item.change for item in stored if item.change.policy_name == "activate.stated"]
    page = client.get(f"/dreams/{record.id}").text
    assert "activate.stated" in page and "not sure it was meant to last" in page
    fields = form_of(client, f"/dreams/{record.id}", f"Accept {change.id}</button>")
    answer = client.post(f"/dreams/{record.id}/decide", data=fields | {"action": "accept"})
    assert f"Accepted {change.id}." in answer.text
    activated = home.workspace.store.lesson(said.id)
    assert activated is not None and activated.status is LessonStatus.ACTIVE
