"""``reverie team ...`` and ``reverie serve``: the team store on PostgreSQL and its server.

``team init`` / ``team token`` speak to PostgreSQL directly (an operator with the database URL);
``team proposals`` / ``accept`` / ``reject`` go through a remote with a reviewer's token, so the server
records who decided and from where.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from reverie.cli.output import emit_json, emit_table, json_option
from reverie.errors import InputError, NotFoundError
from reverie.review import NotApprover
from reverie.review import actor as actors
from reverie.sync.client import TeamClient
from reverie.sync.remotes import remote
from reverie.workspace import Workspace

if TYPE_CHECKING:
    from reverie.store.postgres_team import TeamTables

ROLES = ("reader", "member", "reviewer", "admin")

db_option = click.option(
    "--db", "url", envvar="REVERIE_TEAM_DB", required=True, metavar="URL",
    help="The PostgreSQL URL (or REVERIE_TEAM_DB), as the schema owner: postgresql://user@host/db.",
)  # fmt: skip
team_option = click.option("--team", required=True, help="The team's name: lowercase letters, digits, '-'.")
remote_argument = click.argument("remote_name", metavar="[REMOTE]", required=False)


@click.group()
def team() -> None:
    """The team store: set up a team, manage its tokens, review what members propose."""


@team.command(name="init")
@db_option
@team_option
@click.option("--admin", "admin_name", default="admin", show_default=True, help="The first admin token's name.")
@json_option
def init_command(url: str, team: str, admin_name: str, as_json: bool) -> None:
    """Create (or migrate) the schema, the team, and its first admin token, shown once."""
    from reverie.store.postgres_team import create_team

    with _tables(url) as tables:
        create_team(url, team)
        token = tables.create_token(team, admin_name, "admin", project=None, created_by=actors.current().name)
    _say(as_json, {"team": team, "name": admin_name, "role": "admin", "token": token},
         f"team {team} is ready. Admin token (shown once; keep it safe):\n{token}")  # fmt: skip


@team.command(name="traces")
@db_option
@team_option
@click.argument("setting", type=click.Choice(["on", "off"]))
@json_option
def traces_command(url: str, team: str, setting: str, as_json: bool) -> None:
    """Let members upload raw sessions (`reverie push --traces`, for sandboxes), or stop it (the default)."""
    from reverie.store.postgres_team import allow_traces

    with _tables(url):  # migrates the schema first
        allow_traces(url, team, setting == "on")
    _say(as_json, {"team": team, "traces": setting == "on"}, f"team {team}: trace upload {setting}")


@team.group(name="token")
def token_group() -> None:
    """Create, list and revoke the team's bearer tokens (stored as sha256 hashes)."""


@token_group.command(name="create")
@db_option
@team_option
@click.option("--name", required=True, help="Who the token speaks for: a person, a machine or a sandbox.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="reader, member, reviewer or admin.")
@click.option("--project", default=None, help="Limit the token to one project's lessons.")
@json_option
def token_create(url: str, team: str, name: str, role: str, project: str | None, as_json: bool) -> None:
    """A new token, printed once."""
    with _tables(url) as tables:
        token = tables.create_token(team, name, role, project=project, created_by=actors.current().name)
    _say(as_json, {"team": team, "name": name, "role": role, "project": project, "token": token}, token)


@token_group.command(name="list")
@db_option
@team_option
@json_option
def token_list(url: str, team: str, as_json: bool) -> None:
    """The team's tokens (never their secrets)."""
    with _tables(url) as tables:
        rows = tables.tokens(team)
    if as_json:
        emit_json({"tokens": rows})
        return
    table = [[r["id"], r["name"], r["role"], r["project"] or "", r["created_at"], r["revoked_at"] or ""] for r in rows]
    emit_table(["id", "name", "role", "project", "created", "revoked"], table)


@token_group.command(name="revoke")
@db_option
@team_option
@click.argument("token_id")
@json_option
def token_revoke(url: str, team: str, token_id: str, as_json: bool) -> None:
    """Revoke a token by its id (from ``team token list``): its next request gets a 401."""
    with _tables(url) as tables:
        tables.revoke_token(team, token_id, actor=actors.current().name)
    _say(as_json, {"revoked": token_id}, f"revoked {token_id}")


@team.command(name="proposals")
@remote_argument
@click.option("--all", "show_all", is_flag=True, help="Decided proposals too.")
@json_option
def proposals_command(remote_name: str | None, show_all: bool, as_json: bool) -> None:
    """What members proposed and waits for review (needs a reviewer token)."""
    rows = _client(remote_name).get(f"/api/proposals?status={'all' if show_all else 'pending'}")["proposals"]
    if as_json:
        emit_json({"proposals": rows})
        return
    emit_table(["id", "status", "proposer", "machine", "scope", "statement"],
               [[r["id"], r["status"], r["proposer"], r["provenance"].get("machine", ""),
                 r["scope"].get("project") or r["scope"].get("level"), r["statement"][:80]] for r in rows])  # fmt: skip


def _decision(decision: str) -> click.Command:
    @click.command(name=decision)
    @click.argument("proposal_id")
    @click.option("--remote", "remote_name", default=None, help="The remote to decide on (default: the only one).")
    @click.option("--yes", is_flag=True, help="Do not ask.")
    @json_option
    def command(proposal_id: str, remote_name: str | None, yes: bool, as_json: bool) -> None:
        client = _client(remote_name)
        proposal = _find(client, proposal_id)
        who = actors.current()
        if not who.is_person:
            raise NotApprover(f"{who.describe()}: team proposals are decided by a person, not from an agent session")
        if not as_json:
            click.echo(f"{proposal['id']}  by {proposal['proposer']}: {proposal['statement']}")
        if not yes:
            _confirm(f"{decision.capitalize()} this proposal?")
        body = {"content_hash": proposal["content_hash"]}
        decided = client.post(f"/api/proposals/{proposal['id']}/{decision}", body)["proposal"]
        _say(as_json, {"proposal": decided}, f"{decided['status']} {decided['id']}")

    command.help = f"{decision.capitalize()} a team proposal (bound to the content hash shown; not your own)."
    return command


team.add_command(_decision("accept"))
team.add_command(_decision("reject"))


@click.command(name="serve")
@db_option
@click.option("--bind", default="127.0.0.1:8765", show_default=True, help="HOST:PORT; loopback unless you say so.")
def serve_command(url: str, bind: str) -> None:
    """Run the team server (put TLS in front of it: a reverse proxy; see docs/teams.md)."""
    import uvicorn

    from reverie.server import create_app
    from reverie.store.postgres import PostgresDatabase

    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--bind must be HOST:PORT, not {bind!r}")
    database = PostgresDatabase(url)
    try:
        click.echo(f"reverie team server on http://{bind}", err=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo("reverie: not on loopback: bearer tokens need TLS, put a reverse proxy in front", err=True)
        # The browser review of the team store (reverie.web) will be passed here as create_app(..., web=...).
        uvicorn.run(
            create_app(database), host=host, port=int(port), log_level="warning",
            proxy_headers=True, forwarded_allow_ips="127.0.0.1",  # only a proxy on this host names the client
        )  # fmt: skip
    finally:
        database.close()


@contextmanager
def _tables(url: str) -> Iterator[TeamTables]:
    # psycopg loads only for the commands that speak to PostgreSQL, not on every CLI start.
    from reverie.store.postgres import PostgresDatabase
    from reverie.store.postgres_team import TeamTables

    database = PostgresDatabase(url, max_size=2)
    try:
        yield TeamTables(database)
    finally:
        database.close()


def _client(remote_name: str | None) -> TeamClient:
    workspace = Workspace.open()
    try:
        return TeamClient(remote(workspace.home, remote_name))
    finally:
        workspace.close()


def _find(client: TeamClient, prefix: str) -> dict[str, Any]:
    matches = [p for p in client.get("/api/proposals")["proposals"] if str(p["id"]).startswith(prefix)]
    if len(matches) != 1:
        raise NotFoundError(f"{len(matches)} pending proposals match {prefix!r}")
    return dict(matches[0])


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise InputError("not a terminal: pass --yes to decide what is shown")
    if not click.confirm(question, default=False):
        raise click.Abort()


def _say(as_json: bool, data: dict[str, Any], text: str) -> None:
    if as_json:
        emit_json(data)
    else:
        click.echo(text)


COMMANDS = (team, serve_command)
