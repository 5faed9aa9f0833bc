"""The recall ledger (``<home>/recall-ledger.db``): what recall learns and what agents propose.

It must survive a rebuild of the recall index, so it is a database of its own with its own named
migrations (``MIGRATIONS``, applied by ``store.migrations.migrate``): the outcome of each injection
(followed, ignored, contradicted) and proposals from agents (a new lesson, forgetting one, an edit) that
wait for a person. Every SQLite error leaves as ``StoreError`` (``StoreConflict`` for a broken constraint).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.store import migrations
from reverie.store.gate import clean
from reverie.store.sealing import sealed

LEDGER_FILE = "recall-ledger.db"


def m001_outcomes_and_proposals(db: sqlite3.Connection) -> None:
    # IF NOT EXISTS: ledgers written before migrations existed already hold these tables, exactly so.
    migrations.run_script(db, _M001)


_M001 = """
CREATE TABLE IF NOT EXISTS outcomes (
    session_id TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    injected_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    event_key TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, lesson_id, injected_at)
);
CREATE INDEX IF NOT EXISTS outcomes_by_lesson ON outcomes (lesson_id);
CREATE TABLE IF NOT EXISTS proposals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    lesson_id TEXT,
    statement TEXT NOT NULL,
    reason TEXT NOT NULL,
    scope TEXT NOT NULL,
    project TEXT,
    origin TEXT NOT NULL,
    via TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

MIGRATIONS: tuple[tuple[str, migrations.Migration], ...] = (
    ("m001_outcomes_and_proposals", m001_outcomes_and_proposals),
)


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    session_id: str
    lesson_id: str
    injected_at: str
    channel: str
    outcome: str  # followed | ignored | contradicted | unknown
    detail: str
    event_key: str | None = None


@dataclass(frozen=True, slots=True)
class ProposalRow:
    id: str
    kind: str  # lesson | forget | edit | move
    lesson_id: str | None
    statement: str
    reason: str
    scope: str
    project: str | None
    origin: str  # always "agent" today: people edit the store directly
    via: str  # mcp | memory-tool
    status: str  # pending | withdrawn (review decides the rest)
    body: dict[str, Any]
    created_at: str


@sealed
class RecallLedger:
    """Durable recall records in ``<home>/recall-ledger.db`` (WAL, private)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 10000")
        self._db.execute("PRAGMA journal_mode = WAL")
        migrations.migrate(self._db, MIGRATIONS)

    def record_outcomes(self, rows: Iterable[OutcomeRow]) -> int:
        """Insert or update outcomes (a later look at a session may see more). Returns rows written."""
        values = [
            (r.session_id, r.lesson_id, r.injected_at, r.channel, r.outcome, r.detail, r.event_key, _now())
            for r in rows
        ]
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
                " outcome = excluded.outcome, detail = excluded.detail, event_key = excluded.event_key,"
                " recorded_at = excluded.recorded_at",
                values,
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return len(values)

    def outcomes(self, lesson_id: str | None = None) -> list[OutcomeRow]:
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id else ("", ())
        rows = self._db.execute(
            "SELECT session_id, lesson_id, injected_at, channel, outcome, detail, event_key FROM outcomes"
            f" {where} ORDER BY injected_at, session_id",
            params,
        )
        return [OutcomeRow(*row) for row in rows]

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        """``{lesson id: {outcome: count}}`` over every recorded injection."""
        counts: dict[str, dict[str, int]] = {}
        for lesson, outcome, count in self._db.execute(
            "SELECT lesson_id, outcome, COUNT(*) FROM outcomes GROUP BY lesson_id, outcome"
        ):
            counts.setdefault(lesson, {})[outcome] = count
        return counts

    def add_proposal(self, proposal: ProposalRow) -> None:
        proposal = clean(proposal)  # the redaction gate: an agent's words may carry a secret
        self._db.execute(
            "INSERT INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                proposal.id,
                proposal.kind,
                proposal.lesson_id,
                proposal.statement,
                proposal.reason,
                proposal.scope,
                proposal.project,
                proposal.origin,
                proposal.via,
                proposal.status,
                json.dumps(proposal.body, ensure_ascii=False, sort_keys=True),
                proposal.created_at,
            ),
        )

    def set_proposal_status(self, proposal_id: str, status: str) -> bool:
        cursor = self._db.execute("UPDATE proposals SET status = ? WHERE id = ?", (status, proposal_id))
        return cursor.rowcount > 0

    def proposals(self, *, status: str | None = None) -> list[ProposalRow]:
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = self._db.execute(
            "SELECT id, kind, lesson_id, statement, reason, scope, project, origin, via, status, body, created_at"
            f" FROM proposals {where} ORDER BY created_at, id",
            params,
        )
        return [_proposal_row(row) for row in rows]

    def proposal(self, proposal_id: str) -> ProposalRow | None:
        row = self._db.execute(
            "SELECT id, kind, lesson_id, statement, reason, scope, project, origin, via, status, body, created_at"
            " FROM proposals WHERE id = ?",
            (proposal_id,),
        ).fetchone()
        return _proposal_row(row) if row else None

    def close(self) -> None:
        self._db.close()


def _proposal_row(row: Sequence[Any]) -> ProposalRow:
    fields = dict(zip(_PROPOSAL_FIELDS, row, strict=True))
    return ProposalRow(**{**fields, "body": json.loads(fields["body"])})


_PROPOSAL_FIELDS = (
    "id",
    "kind",
    "lesson_id",
    "statement",
    "reason",
    "scope",
    "project",
    "origin",
    "via",
    "status",
    "body",
    "created_at",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
