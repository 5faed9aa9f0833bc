"""Two machines and a sandbox share one reviewed memory through the real server and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.domain.lessons import LessonStatus, ScopeLevel
from reverie.workspace import Workspace
from tests.recall.builders import PNPM, PYTHON3, lesson, store_lessons
from tests.recall.conftest import make_checkout
from tests.server.conftest import Machine, ServerThread

pytestmark = pytest.mark.postgres

ONE_OFF = lesson("skip:lint", "Skip the linter in this session.", scope=ScopeLevel.SESSION, session="s-1")


def stock(machine: Machine) -> None:
    workspace = Workspace.open(machine.home)
    try:
        store_lessons(workspace, [PNPM, PYTHON3, ONE_OFF])
    finally:
        workspace.close()


def join(machine: Machine, server: ServerThread, token: str) -> None:
    assert machine.run("remote", "add", "team", server.url, token=token).exit_code == 0


def test_one_pushes_a_reviewer_accepts_and_everyone_recalls_it(
    server: ServerThread, tokens: dict[str, str], machines: dict[str, Machine], tmp_path: Path
) -> None:
    laptop, desktop, sandbox, review = (machines[n] for n in ("laptop", "desktop", "sandbox", "review"))
    join(laptop, server, tokens["alice"])
    join(desktop, server, tokens["carol"])
    join(sandbox, server, tokens["ci"])
    join(review, server, tokens["bob"])
    stock(laptop)

    pushed = laptop.json("push")
    assert (pushed["sent"], pushed["proposed"], pushed["known"]) == (2, 2, 0)  # the session-scoped one stays
    assert laptop.json("push")["proposed"] == 0  # same content again: nothing new
    assert desktop.json("pull")["received"] == 0  # nothing accepted yet

    waiting = review.json("team", "proposals")["proposals"]
    assert {p["statement"] for p in waiting} == {PNPM.statement, PYTHON3.statement}
    assert all(p["proposer"] == "alice" and p["provenance"]["sessions"] == ["s-earlier"] for p in waiting)
    pnpm = next(p for p in waiting if p["statement"] == PNPM.statement)
    python = next(p for p in waiting if p["statement"] == PYTHON3.statement)
    assert review.json("team", "accept", pnpm["id"], "--yes")["proposal"]["status"] == "accepted"
    assert review.json("team", "reject", python["id"][:6], "--yes")["proposal"]["decided_by"] == "bob"

    checkout = make_checkout(tmp_path / "shop", "github.com/acme/shop")
    for machine in (desktop, sandbox):
        pulled = machine.json("pull")
        assert (pulled["team"], pulled["received"], pulled["written"]) == ("acme", 1, 1)
        shown = machine.json("recall", "--command", "npm install", "--project", str(checkout))
        assert shown["shown"] == [PNPM.id]
        assert machine.json("pull")["received"] == 0  # the cursor moved past it
    workspace = Workspace.open(desktop.home)
    try:
        local = workspace.store.lesson(PNPM.id)
    finally:
        workspace.close()
    assert local is not None and local.status is LessonStatus.ACTIVE and local.extractor == "team:acme"
    assert local.scope.project == "github.com/acme/shop"
    provenance = [e for e in local.evidence if e.role == "team-accepted"]
    assert "proposed by" in provenance[0].excerpt and "accepted by bob" in provenance[0].excerpt
    assert review.json("pull")["pending_review"] == 0
    assert laptop.json("pull")["written"] == 0  # its own lesson came back word for word: nothing to write
    again = laptop.json("push")
    assert (again["sent"], again["proposed"]) == (1, 0)  # only the rejected one, already on record


def test_a_proposer_cannot_accept_their_own_change(
    server: ServerThread, tokens: dict[str, str], machines: dict[str, Machine]
) -> None:
    laptop = machines["laptop"]
    join(laptop, server, tokens["bob"])  # a reviewer who also pushes
    stock(laptop)
    laptop.json("push")
    proposal = laptop.json("team", "proposals")["proposals"][0]
    refused = laptop.run("team", "accept", proposal["id"], "--yes")
    assert refused.exit_code == 1 and "another reviewer must decide it" in refused.output


def test_a_reader_cannot_push_and_a_down_server_is_one_line_and_a_failure(
    server: ServerThread, tokens: dict[str, str], machines: dict[str, Machine]
) -> None:
    sandbox = machines["sandbox"]
    join(sandbox, server, tokens["ci"])
    stock(sandbox)
    refused = sandbox.run("push")
    assert refused.exit_code == 1 and "403" in refused.output and "member" in refused.output
    server.stop()
    for command in (("push", "--retries", "0"), ("pull",)):
        down = sandbox.run(*command, "--timeout", "2")
        assert down.exit_code == 1
        assert down.output.count("\n") == 1 and "unreachable" in down.output


def test_injection_attempts_are_stored_as_data(
    server: ServerThread, tokens: dict[str, str], machines: dict[str, Machine], tmp_path: Path
) -> None:
    laptop, review, desktop = machines["laptop"], machines["review"], machines["desktop"]
    hostile = "'); DROP TABLE team_lessons; -- <script>alert(1)</script> $$ \\x00? %s {0}"
    sly = lesson(f"use:{hostile}", f"Use pnpm {hostile}", project="github.com/acme/shop", keywords=(hostile,))
    workspace = Workspace.open(laptop.home)
    try:
        store_lessons(workspace, [sly])
    finally:
        workspace.close()
    join(laptop, server, tokens["alice"])
    join(review, server, tokens["bob"])
    join(desktop, server, tokens["carol"])
    assert laptop.run("push", token=tokens["alice"]).exit_code == 0
    proposal = review.json("team", "proposals")["proposals"][0]
    assert proposal["statement"] == f"Use pnpm {hostile}"
    review.json("team", "accept", proposal["id"], "--yes")
    assert desktop.json("pull")["written"] == 1
    workspace = Workspace.open(desktop.home)
    try:
        stored = workspace.store.lesson(sly.id)
    finally:
        workspace.close()
    assert stored is not None and stored.statement == f"Use pnpm {hostile}" and stored.trigger.keywords == (hostile,)
    raw = json.loads(laptop.run("remote", "list", "--json").output)
    assert raw == {"remotes": [{"name": "team", "url": server.url}]}
