"""A sandbox's raw trace reaches the team only when the team opted in, redacted, once."""

from __future__ import annotations

import pytest

from reverie.domain import Event, EventKind, Origin, Project, Session, Source
from reverie.store import Batch
from reverie.store.postgres import PostgresDatabase, PostgresStore
from reverie.workspace import Workspace
from tests.server.conftest import Machine, ServerThread

pytestmark = pytest.mark.postgres

SECRET = "export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def record(machine: Machine) -> None:
    workspace = Workspace.open(machine.home)
    try:
        session = Session(id="sbx-1", agent="claude-code", project=Project("github.com/acme/shop", "acme/shop"))
        events = [
            Event(f"k{n}", "sbx-1", EventKind.PROMPT, Origin.USER, Source.HOOK, f"2026-01-01T00:00:0{n}Z", text)
            for n, text in enumerate(["run the tests", SECRET, "'); DROP TABLE events; --"])
        ]
        workspace.store.write(Batch(events=events, sessions=[session]))
    finally:
        workspace.close()


def test_traces_leave_a_sandbox_only_for_a_team_that_opted_in(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str], machines: dict[str, Machine],
    postgres_url: str,
) -> None:  # fmt: skip
    sandbox = machines["sandbox"]
    record(sandbox)
    assert sandbox.run("remote", "add", "team", server.url, token=tokens["alice"]).exit_code == 0
    refused = sandbox.run("push", "--traces")
    assert refused.exit_code == 1 and "403" in refused.output and "keeps raw traces on machines" in refused.output
    assert PostgresStore(team_db, "acme").events("sbx-1") == []

    operator = Machine(sandbox.home.parent / "operator")
    assert operator.json("team", "traces", "--db", postgres_url, "--team", "acme", "on")["traces"] is True
    pushed = sandbox.json("push", "--traces")
    assert pushed["traces"] == {"sessions": 1, "events": 3, "new": 3}
    stored = PostgresStore(team_db, "acme").events("sbx-1")
    assert [e.text for e in stored] == ["run the tests", "export GITHUB_TOKEN=[REDACTED:github_token]",
                                        "'); DROP TABLE events; --"]  # fmt: skip
    assert PostgresStore(team_db, "acme").session("sbx-1").project.key == "github.com/acme/shop"  # type: ignore[union-attr]
    assert sandbox.json("push", "--traces")["traces"] == {"sessions": 0, "events": 0, "new": 0}
    assert PostgresStore(team_db, "globex").events("sbx-1") == []


def test_a_reader_cannot_upload_traces(
    server: ServerThread, tokens: dict[str, str], machines: dict[str, Machine], postgres_url: str
) -> None:
    sandbox = machines["sandbox"]
    record(sandbox)
    Machine(sandbox.home.parent / "operator").json("team", "traces", "--db", postgres_url, "--team", "acme", "on")
    assert sandbox.run("remote", "add", "team", server.url, token=tokens["ci"]).exit_code == 0
    refused = sandbox.run("push", "--traces")
    assert refused.exit_code == 1 and "member" in refused.output
