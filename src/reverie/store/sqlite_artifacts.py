"""The registry of compiled artifacts in SQLite (mixed into ``SQLiteStore``).

Two tables. ``artifacts`` holds one row per artifact that ``reverie compile`` wrote: its id, kind,
status (``active``, or ``removed`` once ``reverie artifacts remove`` took it out, so that the next
compile does not write it again), the folder it lives under, and the artifacts package's own record as
JSON (source lessons, parts, content hashes). ``file_baselines`` remembers, for every file that reverie
edits but does not own (CLAUDE.md, AGENTS.md, settings.json) and every folder it created, what was
there before reverie first touched it, so removing the last artifact puts the very bytes back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from reverie.store.gate import clean
from reverie.store.protocol import ArtifactRow, FileBaseline

_COLUMNS = "id, kind, status, root, body, updated_at"


class ArtifactTables:
    """The artifact half of the ``Store`` protocol; expects ``self._db`` and ``self._transaction()``."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by the store this is mixed into

    def save_artifact(self, row: ArtifactRow) -> None:
        row = clean(row)  # the redaction gate
        with self._transaction():
            self._db.execute(
                f"INSERT OR REPLACE INTO artifacts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (row.id, row.kind, row.status, row.root, row.body, row.updated_at or _now()),
            )

    def delete_artifact(self, artifact_id: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM artifacts WHERE id = ?", (artifact_id,))

    def artifact(self, artifact_id: str) -> ArtifactRow | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM artifacts WHERE id = ?", (artifact_id,)).fetchone()
        return _row(row) if row else None

    def find_artifacts(self, prefix: str) -> Sequence[ArtifactRow]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM artifacts WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (escaped + "%",)
        )
        return [_row(row) for row in rows]

    def artifacts(self, *, statuses: Sequence[str] = ()) -> Sequence[ArtifactRow]:
        where, params = "", tuple(statuses)
        if statuses:
            where = f"WHERE status IN ({', '.join('?' * len(statuses))})"
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM artifacts {where} ORDER BY root, kind, id", params)
        return [_row(row) for row in rows]

    def file_baseline(self, path: str) -> FileBaseline | None:
        row = self._db.execute("SELECT path, kind, content FROM file_baselines WHERE path = ?", (path,)).fetchone()
        return FileBaseline(path=row[0], kind=row[1], content=row[2]) if row else None

    def file_baselines(self) -> Sequence[FileBaseline]:
        rows = self._db.execute("SELECT path, kind, content FROM file_baselines ORDER BY length(path) DESC, path")
        return [FileBaseline(path=row[0], kind=row[1], content=row[2]) for row in rows]

    def keep_baseline(self, baseline: FileBaseline) -> None:
        """Record what was there before reverie's first change; a later change keeps the first record."""
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO file_baselines (path, kind, content, recorded_at) VALUES (?, ?, ?, ?)",
                (baseline.path, baseline.kind, baseline.content, _now()),
            )

    def drop_baseline(self, path: str) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM file_baselines WHERE path = ?", (path,))


def _row(row: Sequence[Any]) -> ArtifactRow:
    return ArtifactRow(id=row[0], kind=row[1], status=row[2], root=row[3], body=row[4], updated_at=row[5])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
