"""Dream records, their change-sets, approvals and decisions in SQLite (mixed into ``SQLiteStore``).

A dream's output is written in one transaction when it completes: its changes (each with the content
hash computed when it was proposed) and a ``proposed`` store version on top of its input version,
whose content is the input plus the changes. Nothing here writes a lesson row: only review's accept
does (``sqlite_versions.commit_version``). A dream that dies leaves its record ``running`` with the
pid that ran it; readers report it as failed once that process is gone (``reverie.dream.runner``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from reverie.domain.changes import Change
from reverie.errors import NotFoundError
from reverie.store.change_codec import change_from_dict, change_to_dict
from reverie.store.gate import clean
from reverie.store.protocol import AuditEntry, DreamRecord, StoredChange
from reverie.store.sqlite_versions import new_proposed_version, now, record_decisions, write_audit

_DREAM_COLUMNS = (
    "id, status, trigger, created_at, input_version, output_version, session_ids, through_seq, instructions,"
    " started_at, finished_at, pid, usage, error"
)


class DreamTables:
    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by the store this is mixed into

    def create_dream(self, record: DreamRecord) -> None:
        with self._transaction():
            self._db.execute(
                f"INSERT INTO dreams ({_DREAM_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                (
                    record.id,
                    record.status,
                    record.trigger,
                    record.created_at,
                    record.input_version,
                    record.output_version,
                    json.dumps(list(record.session_ids)),
                    record.through_seq,
                    record.instructions,
                    record.started_at,
                    record.finished_at,
                    record.pid,
                    json.dumps(record.usage or {}),
                    record.error,
                ),
            )

    def start_dream(self, dream_id: str, *, input_version: int, pid: int) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE dreams SET status = 'running', input_version = ?, pid = ?, started_at = ? WHERE id = ?",
                (input_version, pid, now(), dream_id),
            )

    def finish_dream(
        self,
        dream_id: str,
        *,
        status: str,
        usage: dict[str, float],
        error: str | None = None,
        changes: Sequence[Change] = (),
    ) -> DreamRecord:
        with self._transaction():
            output = None
            if status == "completed":
                (parent,) = self._db.execute("SELECT input_version FROM dreams WHERE id = ?", (dream_id,)).fetchone()
                output = new_proposed_version(self._db, parent, dream_id, f"{len(changes)} proposed change(s)")
                self._db.executemany(
                    "INSERT INTO dream_changes (dream_id, change_id, position, type, content_hash, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (dream_id, c.id, n, c.type.value, c.content_hash, json.dumps(change_to_dict(c)))
                        for n, c in enumerate(clean(tuple(changes)))  # the redaction gate
                    ],
                )
            self._db.execute(
                "UPDATE dreams SET status = ?, output_version = ?, usage = ?, error = ?, finished_at = ? WHERE id = ?",
                (status, output, json.dumps(usage), error, now(), dream_id),
            )
        record = self.dream(dream_id)
        assert record is not None
        return record

    def dream(self, dream_id: str) -> DreamRecord | None:
        row = self._db.execute(f"SELECT {_DREAM_COLUMNS} FROM dreams WHERE id = ?", (dream_id,)).fetchone()
        return self._record(row) if row else None

    def find_dreams(self, prefix: str) -> Sequence[DreamRecord]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            f"SELECT {_DREAM_COLUMNS} FROM dreams WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at", (escaped + "%",)
        )
        return [self._record(row) for row in rows]

    def dreams(self) -> Sequence[DreamRecord]:
        rows = self._db.execute(f"SELECT {_DREAM_COLUMNS} FROM dreams ORDER BY created_at DESC, rowid DESC")
        return [self._record(row) for row in rows]

    def dream_changes(self, dream_id: str) -> Sequence[StoredChange]:
        rows = self._db.execute(
            "SELECT body, content_hash, decision FROM dream_changes WHERE dream_id = ? ORDER BY position", (dream_id,)
        )
        return [StoredChange(change_from_dict(json.loads(body)), stored, decision) for body, stored, decision in rows]

    def replace_change(self, dream_id: str, change: Change, *, audit: AuditEntry) -> None:
        change = clean(change)  # the redaction gate
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE dream_changes SET body = ?, content_hash = ?, type = ?, decision = NULL"
                " WHERE dream_id = ? AND change_id = ?",
                (json.dumps(change_to_dict(change)), change.content_hash, change.type.value, dream_id, change.id),
            )
            if cursor.rowcount != 1:
                raise NotFoundError(f"dream {dream_id} has no change {change.id}")
            write_audit(self._db, [audit])

    def approve(self, dream_id: str, change_id: str, content_hash: str, *, audit: AuditEntry) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO approvals (dream_id, change_id, content_hash, approved_by, approved_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (dream_id, change_id, content_hash, audit.actor, now()),
            )
            write_audit(self._db, [audit])

    def approvals(self, dream_id: str) -> Sequence[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT change_id, content_hash FROM approvals WHERE dream_id = ? ORDER BY approved_at", (dream_id,)
        )
        return [(row[0], row[1]) for row in rows]

    def decide(self, dream_id: str, decisions: Sequence[tuple[str, str]], *, audit: Sequence[AuditEntry]) -> None:
        with self._transaction():
            record_decisions(self._db, dream_id, decisions)
            write_audit(self._db, audit)

    def _record(self, row: Sequence[Any]) -> DreamRecord:
        (changes, decided) = self._db.execute(
            "SELECT COUNT(*), COUNT(decision) FROM dream_changes WHERE dream_id = ?", (row[0],)
        ).fetchone()
        return DreamRecord(
            id=row[0],
            status=row[1],
            trigger=row[2],
            created_at=row[3],
            input_version=row[4],
            output_version=row[5],
            session_ids=tuple(json.loads(row[6])),
            through_seq=row[7],
            instructions=row[8],
            started_at=row[9],
            finished_at=row[10],
            pid=row[11],
            usage=json.loads(row[12]),
            error=row[13],
            changes=changes,
            decided=decided,
        )
