"""Copy-on-write store versions over the append-only lesson versions (mixed into ``SQLiteStore``).

The lesson table already keeps every version of every lesson. A *store version* names one state of
the whole store: for each lesson, which of its versions is in it. Versions form a tree
(``parent``), and each one records only what it changed against its parent
(``store_version_lessons``), so a version costs what it changed, never a copy of the store. One row,
``store_head``, points at the version that readers see; ``head_lessons`` is that version
materialised, and the ``current_lessons`` view (which every reading method uses) joins it. So
``store.lessons()`` is always the accepted head, whatever else has been written.

Who writes what:

* **distill, remember, forget** write to the *live* head: the first write after the head was sealed
  opens a new ``live`` version (created by "distill") on top of it, later writes join it.
* **a dream** seals the head before it reads (so its input can no longer change under it), reads
  that version, and writes only its change-set and a ``proposed`` version that names the dream
  (``sqlite_dreams``). It never writes a lesson row: its input stays exactly as it was, even if it
  dies half-way.
* **review's accept** writes the accepted changes as new lesson versions in one new ``sealed``
  version on top of the *current* head (a rebase: whatever distill wrote since the dream is kept),
  and moves the head there.
* **rollback** moves the head pointer back to an earlier version and re-materialises
  ``head_lessons``: no lesson row is written or removed. Versions written later stay on record
  and can be rolled forward to.

Lesson version numbers stay increasing per lesson: a write after a rollback gets the next number
above every stored one, while the check against races compares with the version the writer read
(the head's).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from reverie.domain.lessons import Lesson
from reverie.store.protocol import AuditEntry, StoreConflict, StoreVersion

SCHEMA = """
CREATE TABLE store_versions (
    id INTEGER PRIMARY KEY,
    parent INTEGER REFERENCES store_versions (id),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    dream_id TEXT,
    accepted_by TEXT,
    note TEXT NOT NULL DEFAULT ''
);

-- What each version changed against its parent: (lesson, version now, version before).
CREATE TABLE store_version_lessons (
    store_version INTEGER NOT NULL,
    lesson_id TEXT NOT NULL,
    lesson_version INTEGER NOT NULL,
    previous_version INTEGER,
    PRIMARY KEY (store_version, lesson_id)
);

CREATE TABLE store_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL REFERENCES store_versions (id)
);

-- The head version materialised: one row per lesson in it.
CREATE TABLE head_lessons (
    lesson_id TEXT PRIMARY KEY,
    lesson_version INTEGER NOT NULL
);

DROP VIEW current_lessons;
CREATE VIEW current_lessons AS
    SELECT l.* FROM head_lessons h JOIN lessons l ON l.id = h.lesson_id AND l.version = h.lesson_version;

INSERT INTO store_versions (id, parent, state, created_at, created_by, note)
    VALUES (1, NULL, 'live', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'migration', 'lessons before store versions');
INSERT INTO head_lessons (lesson_id, lesson_version) SELECT id, MAX(version) FROM lessons GROUP BY id;
INSERT INTO store_version_lessons (store_version, lesson_id, lesson_version)
    SELECT 1, lesson_id, lesson_version FROM head_lessons;
INSERT INTO store_head (id, version) VALUES (1, 1);

-- Every dream: its inputs, status, usage and error (the Anthropic Dreams contract).
CREATE TABLE dreams (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    trigger TEXT NOT NULL,
    created_at TEXT NOT NULL,
    input_version INTEGER,
    output_version INTEGER,
    session_ids TEXT NOT NULL DEFAULT '[]',
    through_seq INTEGER NOT NULL DEFAULT 0,
    instructions TEXT NOT NULL DEFAULT '',
    started_at TEXT,
    finished_at TEXT,
    pid INTEGER,
    usage TEXT NOT NULL DEFAULT '{}',
    error TEXT
);

CREATE TABLE dream_changes (
    dream_id TEXT NOT NULL REFERENCES dreams (id),
    change_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    decision TEXT,
    PRIMARY KEY (dream_id, change_id)
);

-- An approval names the exact content hash it approved; it never covers another.
CREATE TABLE approvals (
    dream_id TEXT NOT NULL,
    change_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (dream_id, change_id, content_hash)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    command TEXT NOT NULL,
    action TEXT NOT NULL,
    dream_id TEXT,
    change_id TEXT,
    content_hash TEXT,
    store_version INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
"""

_VERSION_COLUMNS = "id, parent, state, created_at, created_by, dream_id, accepted_by, note"


class VersionTables:
    """Store versions, the head pointer and the audit log; expects ``self._db`` and ``self._transaction()``."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by the store this is mixed into

    def _insert_lesson_version(self, lesson: Lesson, *, store_version: int) -> None:
        raise NotImplementedError  # provided by the lesson tables

    def _read_lesson_version(self, lesson_id: str, version: int) -> Lesson:
        raise NotImplementedError  # provided by the lesson tables

    def head(self) -> StoreVersion:
        return _version(self._db, _head_id(self._db))

    def store_versions(self) -> Sequence[StoreVersion]:
        counts = dict(self._db.execute("SELECT store_version, COUNT(*) FROM store_version_lessons GROUP BY 1"))
        rows = self._db.execute(f"SELECT {_VERSION_COLUMNS} FROM store_versions ORDER BY id DESC")
        return [_from_row(row, counts.get(row[0], 0)) for row in rows]

    def seal_head(self) -> StoreVersion:
        with self._transaction():
            _seal(self._db, _head_id(self._db))
        return self.head()

    def version_lessons(self, version: int) -> Sequence[Lesson]:
        members = _state_of(self._db, version)
        return [self._read_lesson_version(lesson_id, number) for lesson_id, number in sorted(members.items())]

    def commit_version(
        self,
        lessons: Sequence[Lesson],
        *,
        created_by: str,
        dream_id: str | None,
        accepted_by: str,
        note: str,
        decisions: Sequence[tuple[str, str]] = (),
        audit: Sequence[AuditEntry] = (),
    ) -> StoreVersion:
        with self._transaction():
            parent = _head_id(self._db)
            _seal(self._db, parent)
            version = _new_version(self._db, parent, "sealed", created_by, dream_id, accepted_by, note)
            for lesson in lessons:
                self._insert_lesson_version(lesson, store_version=version)
            if dream_id is not None:
                record_decisions(self._db, dream_id, decisions)
            write_audit(self._db, [_with_version(entry, version) for entry in audit])
        return self.head()

    def move_head(self, version: int, *, audit: Sequence[AuditEntry]) -> StoreVersion:
        with self._transaction():
            target = self._db.execute("SELECT state FROM store_versions WHERE id = ?", (version,)).fetchone()
            if target is None or target[0] in ("proposed", "discarded", "merged"):
                raise StoreConflict(f"store version {version} is not one the head can point at")
            _seal(self._db, _head_id(self._db))
            _seal(self._db, version)
            members = _state_of(self._db, version)
            self._db.execute("DELETE FROM head_lessons")
            self._db.executemany("INSERT INTO head_lessons (lesson_id, lesson_version) VALUES (?, ?)", members.items())
            self._db.execute("UPDATE store_head SET version = ? WHERE id = 1", (version,))
            write_audit(self._db, [_with_version(entry, version) for entry in audit])
        return self.head()

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        with self._transaction():
            write_audit(self._db, entries)

    def audit_log(self) -> Sequence[AuditEntry]:
        rows = self._db.execute(
            "SELECT action, actor, command, dream_id, change_id, content_hash, store_version, detail, at"
            " FROM audit_log ORDER BY seq"
        )
        return [AuditEntry(*row) for row in rows]

    def sessions_since(self, seq: int) -> tuple[tuple[str, ...], int]:
        rows = self._db.execute(
            "SELECT session_id, MIN(seq), MAX(seq) FROM events WHERE seq > ? GROUP BY session_id ORDER BY 2", (seq,)
        ).fetchall()
        return tuple(row[0] for row in rows), max((row[2] for row in rows), default=seq)


# -- used by the lesson tables when distill writes --------------------------------------------------


def join_live_version(db: sqlite3.Connection) -> int:
    """The live version that a write by distill belongs to, opened on top of a sealed head if needed."""
    head = _head_id(db)
    (state,) = db.execute("SELECT state FROM store_versions WHERE id = ?", (head,)).fetchone()
    if state == "live":
        return head
    return _new_version(db, head, "live", "distill", None, None, "sessions distilled after the head was sealed")


def head_version_of(db: sqlite3.Connection, lesson_id: str) -> int:
    row = db.execute("SELECT lesson_version FROM head_lessons WHERE lesson_id = ?", (lesson_id,)).fetchone()
    return int(row[0]) if row else 0


def put_in_head(db: sqlite3.Connection, store_version: int, lesson_id: str, lesson_version: int) -> None:
    previous = head_version_of(db, lesson_id) or None
    db.execute(
        "INSERT INTO store_version_lessons (store_version, lesson_id, lesson_version, previous_version)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET lesson_version = excluded.lesson_version",
        (store_version, lesson_id, lesson_version, previous),
    )
    db.execute(
        "INSERT INTO head_lessons (lesson_id, lesson_version) VALUES (?, ?)"
        " ON CONFLICT DO UPDATE SET lesson_version = excluded.lesson_version",
        (lesson_id, lesson_version),
    )


def write_audit(db: sqlite3.Connection, entries: Sequence[AuditEntry]) -> None:
    db.executemany(
        "INSERT INTO audit_log (at, actor, command, action, dream_id, change_id, content_hash, store_version, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                entry.at or now(),
                entry.actor,
                entry.command,
                entry.action,
                entry.dream_id,
                entry.change_id,
                entry.content_hash,
                entry.store_version,
                entry.detail,
            )
            for entry in entries
        ],
    )


def record_decisions(db: sqlite3.Connection, dream_id: str, decisions: Sequence[tuple[str, str]]) -> None:
    """Decide changes; once every change of a dream is decided its proposed version is settled:
    ``merged`` if anything was accepted, else ``discarded``."""
    db.executemany(
        "UPDATE dream_changes SET decision = ? WHERE dream_id = ? AND change_id = ?",
        [(decision, dream_id, change_id) for change_id, decision in decisions],
    )
    (undecided, accepted) = db.execute(
        "SELECT COUNT(*) - COUNT(decision), COALESCE(SUM(decision = 'accepted'), 0) FROM dream_changes"
        " WHERE dream_id = ?",
        (dream_id,),
    ).fetchone()
    if undecided == 0:
        db.execute(
            "UPDATE store_versions SET state = ? WHERE dream_id = ? AND state = 'proposed'",
            ("merged" if accepted else "discarded", dream_id),
        )


def new_proposed_version(db: sqlite3.Connection, parent: int, dream_id: str, note: str) -> int:
    return _new_version(db, parent, "proposed", "dream", dream_id, None, note)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- internals ---------------------------------------------------------------------------------------


def _head_id(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT version FROM store_head WHERE id = 1").fetchone()[0])


def _seal(db: sqlite3.Connection, version: int) -> None:
    db.execute("UPDATE store_versions SET state = 'sealed' WHERE id = ? AND state = 'live'", (version,))


def _new_version(
    db: sqlite3.Connection,
    parent: int,
    state: str,
    created_by: str,
    dream_id: str | None,
    accepted_by: str | None,
    note: str,
) -> int:
    cursor = db.execute(
        "INSERT INTO store_versions (parent, state, created_at, created_by, dream_id, accepted_by, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (parent, state, now(), created_by, dream_id, accepted_by, note),
    )
    version = int(cursor.lastrowid or 0)
    if state in ("live", "sealed"):
        db.execute("UPDATE store_head SET version = ? WHERE id = 1", (version,))
    return version


def _state_of(db: sqlite3.Connection, version: int) -> dict[str, int]:
    """Every lesson in ``version``: the nearest change on its chain of parents wins."""
    chain = db.execute(
        """
        WITH RECURSIVE chain (id, depth) AS (
            SELECT ?, 0
            UNION ALL
            SELECT v.parent, c.depth + 1 FROM store_versions v JOIN chain c ON v.id = c.id WHERE v.parent IS NOT NULL
        )
        SELECT m.lesson_id, m.lesson_version FROM chain c JOIN store_version_lessons m ON m.store_version = c.id
        ORDER BY c.depth DESC
        """,
        (version,),
    )
    return {lesson_id: number for lesson_id, number in chain}  # deeper first, so nearer ones overwrite


def _version(db: sqlite3.Connection, version: int) -> StoreVersion:
    row = db.execute(f"SELECT {_VERSION_COLUMNS} FROM store_versions WHERE id = ?", (version,)).fetchone()
    (count,) = db.execute("SELECT COUNT(*) FROM store_version_lessons WHERE store_version = ?", (version,)).fetchone()
    return _from_row(row, count)


def _from_row(row: Sequence[Any], count: int) -> StoreVersion:
    identifier, parent, state, created_at, created_by, dream_id, accepted_by, note = row
    return StoreVersion(
        id=identifier,
        parent=parent,
        state=state,
        created_at=created_at,
        created_by=created_by,
        dream_id=dream_id,
        accepted_by=accepted_by,
        note=note,
        lessons_changed=count,
    )


def _with_version(entry: AuditEntry, version: int) -> AuditEntry:
    if entry.store_version is not None:
        return entry
    return AuditEntry(
        action=entry.action,
        actor=entry.actor,
        command=entry.command,
        dream_id=entry.dream_id,
        change_id=entry.change_id,
        content_hash=entry.content_hash,
        store_version=version,
        detail=entry.detail,
        at=entry.at,
    )
