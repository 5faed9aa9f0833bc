"""What a team shares: tokens, the append-only change log, proposals, accepted lessons and the audit.

Sync loses nothing and doubles nothing because every pushed change carries an idempotency key that
the log stores once per team (``ON CONFLICT DO NOTHING`` then a read of the first copy), and each
proposal is created in the same transaction as its log entry. Accepting compares and swaps: the
proposal names the team version it was based on and its content hash, and the accepted version is
written only if the team lesson is still at that version.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from reverie.errors import NotFoundError, ReverieError
from reverie.store.postgres import Connection, PostgresDatabase, check_team
from reverie.store.protocol import StoreConflict

ROLES = ("reader", "member", "reviewer", "admin")
TOKEN_PREFIX = "rvt"


class TeamError(ReverieError):
    """A team operation refused: a proposer approving their own change, a decided proposal, ..."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a token speaks for. ``project`` limits a token to one project's lessons when set."""

    team: str
    token_id: str
    name: str
    role: str
    project: str | None = None

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    seq: int
    lesson_id: str
    base_version: int
    content_hash: str
    body: dict[str, Any]
    proposer: str
    status: str
    decided_by: str | None = None


@dataclass(frozen=True, slots=True)
class TeamLesson:
    lesson_id: str
    version: int
    content_hash: str
    body: dict[str, Any]
    cursor: int
    accepted_by: str


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_team(url: str, team: str) -> None:
    """As the schema owner (whom RLS binds too, since it is forced), so the team's own row is visible."""
    with psycopg.connect(url) as db:
        db.execute("SELECT set_config('reverie.team', %s, true)", (check_team(team),))
        db.execute("INSERT INTO teams (team_id) VALUES (%s) ON CONFLICT DO NOTHING", (team,))


def allow_traces(url: str, team: str, allowed: bool) -> None:
    """The team's opt-in to trace upload; only the schema owner (an operator) may change it."""
    with psycopg.connect(url) as db:
        db.execute("SELECT set_config('reverie.team', %s, true)", (check_team(team),))
        if db.execute("UPDATE teams SET traces = %s", (allowed,)).rowcount == 0:
            raise NotFoundError(f"no team {team!r}: create it with `reverie team init`")


class TeamTables:
    def __init__(self, database: PostgresDatabase) -> None:
        self.database = database

    # -- tokens ------------------------------------------------------------------------------

    def create_token(self, team: str, name: str, role: str, *, project: str | None, created_by: str) -> str:
        """A new token, returned once: only its sha256 is stored. The team is part of the token so
        that lookups run inside that team's row-level security."""
        if role not in ROLES:
            raise TeamError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        token_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}.{check_team(team)}.{secrets.token_hex(32)}"
        try:
            with self.database.transaction(team) as db:
                db.execute(
                    "INSERT INTO tokens (team_id, id, name, role, project, secret_sha256, created_by)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (team, token_id, name, role, project, hash_secret(token), created_by),
                )
                _audit(db, team, created_by, "token-create", target=f"{token_id} {name} {role}")
        except psycopg.errors.ForeignKeyViolation as error:
            raise NotFoundError(f"no team {team!r}: create it with `reverie team init`") from error
        return token

    def identify(self, token: str) -> Identity | None:
        """The identity behind a token, or None: malformed, unknown, revoked, or another team's."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        try:
            team = check_team(parts[1])
        except ReverieError:
            return None
        with self.database.transaction(team) as db:
            row = db.execute(
                "SELECT id, name, role, project FROM tokens WHERE secret_sha256 = %s AND revoked_at IS NULL",
                (hash_secret(token),),
            ).fetchone()
        return Identity(team, row[0], row[1], row[2], row[3]) if row else None

    def tokens(self, team: str) -> list[dict[str, Any]]:
        with self.database.transaction(team) as db:
            rows = db.execute(
                "SELECT id, name, role, project, created_at, revoked_at FROM tokens ORDER BY created_at, id"
            ).fetchall()
        return [
            {"id": r[0], "name": r[1], "role": r[2], "project": r[3], "created_at": r[4].isoformat(),
             "revoked_at": r[5].isoformat() if r[5] else None}
            for r in rows
        ]  # fmt: skip

    def revoke_token(self, team: str, token_id: str, *, actor: str) -> None:
        with self.database.transaction(team) as db:
            cursor = db.execute(
                "UPDATE tokens SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", (token_id,)
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no active token {token_id!r} in team {team!r}")
            _audit(db, team, actor, "token-revoke", target=token_id)

    # -- push: the log and the proposals it creates -------------------------------------------

    def push(self, who: Identity, changes: list[dict[str, Any]], *, remote: str) -> list[dict[str, Any]]:
        """Append changes to the log once each; each new one becomes a pending proposal.

        Returns one result per change: its proposal id and whether this call created it (a retry
        gets ``created: false`` and the same id)."""
        results = []
        with self.database.transaction(who.team) as db:
            for change in changes:
                results.append(self._push_one(db, who, change, remote))
        return results

    def _push_one(self, db: Connection, who: Identity, change: dict[str, Any], remote: str) -> dict[str, Any]:
        key = str(change["idempotency_key"])
        row = db.execute(
            "INSERT INTO change_log (team_id, idempotency_key, kind, body, author, machine)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (team_id, idempotency_key) DO NOTHING RETURNING seq",
            (who.team, key, change["kind"], json.dumps(change), who.name, str(change.get("machine", ""))),
        ).fetchone()
        proposal_id = hashlib.sha256(f"{who.team}\0{key}".encode()).hexdigest()[:16]
        if row is None:
            return {"idempotency_key": key, "proposal": proposal_id, "created": False}
        lesson = change["lesson"]
        db.execute(
            "INSERT INTO proposals (team_id, id, log_seq, lesson_id, base_version, content_hash, body, proposer)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (who.team, proposal_id, row[0], lesson["id"], int(change.get("base_version", 0)),
             change["content_hash"], json.dumps(change), who.name),
        )  # fmt: skip
        hashed = str(change["content_hash"])
        _audit(db, who.team, who.name, "propose", target=proposal_id, content_hash=hashed, remote=remote)
        return {"idempotency_key": key, "proposal": proposal_id, "created": True}

    def proposals(self, team: str, *, status: str | None = "pending") -> list[Proposal]:
        with self.database.transaction(team) as db:
            rows = db.execute(
                "SELECT id, log_seq, lesson_id, base_version, content_hash, body, proposer, status, decided_by"
                " FROM proposals WHERE %(status)s::text IS NULL OR status = %(status)s ORDER BY log_seq",
                {"status": status},
            ).fetchall()
        return [Proposal(*row) for row in rows]

    # -- review ------------------------------------------------------------------------------

    def decide(self, who: Identity, proposal_id: str, decision: str, *, content_hash: str, remote: str) -> Proposal:
        """Accept or reject one pending proposal, bound to the content hash the reviewer saw."""
        with self.database.transaction(who.team) as db:
            row = db.execute(
                "SELECT id, log_seq, lesson_id, base_version, content_hash, body, proposer, status, decided_by"
                " FROM proposals WHERE id = %s FOR UPDATE",
                (proposal_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no proposal {proposal_id!r}")
            proposal = Proposal(*row)
            _check_decision(who, proposal, content_hash)
            if decision == "accepted":
                self._accept(db, who, proposal)
            db.execute(
                "UPDATE proposals SET status = %s, decided_by = %s, decided_at = now() WHERE id = %s",
                (decision, who.name, proposal_id),
            )
            _audit(db, who.team, who.name, decision, target=proposal_id, content_hash=content_hash, remote=remote)
        return replace(proposal, status=decision, decided_by=who.name)

    def _accept(self, db: Connection, who: Identity, proposal: Proposal) -> None:
        lesson = proposal.body["lesson"]
        current = db.execute(
            "SELECT version FROM team_lessons WHERE lesson_id = %s FOR UPDATE", (proposal.lesson_id,)
        ).fetchone()
        stored = int(current[0]) if current else 0
        if stored != proposal.base_version:
            raise StoreConflict(
                f"lesson {proposal.lesson_id} is at team version {stored}, the proposal was based on "
                f"{proposal.base_version}; push again after pulling"
            )
        project = (lesson.get("scope") or {}).get("project")
        db.execute(
            "INSERT INTO team_lessons (team_id, lesson_id, version, content_hash, body, project, accepted_by)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (team_id, lesson_id) DO UPDATE SET"
            " version = excluded.version, content_hash = excluded.content_hash, body = excluded.body,"
            " project = excluded.project, accepted_by = excluded.accepted_by, cursor = DEFAULT",
            (who.team, proposal.lesson_id, stored + 1, proposal.content_hash, json.dumps(proposal.body),
             project, who.name),
        )  # fmt: skip

    def traces_allowed(self, team: str) -> bool:
        with self.database.transaction(team) as db:
            row = db.execute("SELECT traces FROM teams").fetchone()
        return bool(row and row[0])

    # -- pull --------------------------------------------------------------------------------

    def lessons(self, who: Identity, *, after: int = 0, limit: int = 500) -> list[TeamLesson]:
        with self.database.transaction(who.team) as db:
            rows = db.execute(
                "SELECT lesson_id, version, content_hash, body, cursor, accepted_by FROM team_lessons"
                " WHERE cursor > %(after)s AND (%(project)s::text IS NULL OR project IS NULL OR project = %(project)s)"
                " ORDER BY cursor LIMIT %(limit)s",
                {"after": after, "project": who.project, "limit": limit},
            ).fetchall()
        return [TeamLesson(*row) for row in rows]

    def lessons_after(self, who: Identity, *, after: int) -> int:
        """How many lessons ``lessons`` has past the cursor: what a pull still has to receive."""
        with self.database.transaction(who.team) as db:
            row = db.execute(
                "SELECT count(*) FROM team_lessons"
                " WHERE cursor > %(after)s AND (%(project)s::text IS NULL OR project IS NULL OR project = %(project)s)",
                {"after": after, "project": who.project},
            ).fetchone()
        return int(row[0]) if row else 0

    def audit_log(self, team: str) -> list[dict[str, Any]]:
        with self.database.transaction(team) as db:
            rows = db.execute(
                "SELECT at, actor, action, target, content_hash, remote, detail FROM audit ORDER BY seq"
            ).fetchall()
        names = ("at", "actor", "action", "target", "content_hash", "remote", "detail")
        return [dict(zip(names, (row[0].isoformat(), *row[1:]), strict=True)) for row in rows]


def _check_decision(who: Identity, proposal: Proposal, content_hash: str) -> None:
    if proposal.status != "pending":
        raise TeamError(f"proposal {proposal.id} was already {proposal.status} by {proposal.decided_by}")
    if proposal.proposer == who.name:
        raise TeamError(f"{who.name} proposed {proposal.id}: another reviewer must decide it")
    if content_hash != proposal.content_hash:
        raise StoreConflict(f"proposal {proposal.id} has content {proposal.content_hash[:12]}, not {content_hash[:12]}")


def _audit(
    db: Connection, team: str, actor: str, action: str, *, target: str = "", content_hash: str | None = None,
    remote: str = "",
) -> None:  # fmt: skip
    db.execute(
        "INSERT INTO audit (team_id, actor, action, target, content_hash, remote) VALUES (%s, %s, %s, %s, %s, %s)",
        (team, actor, action, target, content_hash, remote),
    )
