"""Recall's two small SQLite files beside the store: the recall index and the recall ledger.

**The recall index** (``<home>/recall.db``) holds only what the recall hook needs, for the active
lessons only: each lesson's display text, scope, trigger, confidence and precomputed index terms, a
contentless FTS5 table over those terms (plus a scope column, so one MATCH both ranks and scopes),
trigger keys for exact lookups before a tool call, and document frequencies. It is derived data:
rebuilt whole from the lesson store whenever lessons change, written to a temporary file and renamed
into place, so a reader sees the old index or the new one, never half of either. Because a file is
never modified once in place, readers open it ``immutable`` and take no locks at all.

Its rows arrive fully computed (``IndexedLesson``): what counts as a term or a trigger key is recall's
business (``reverie.recall.index``); this module only stores them. The hook reads the file through
``reverie.recall.lookup``, which cannot import this package (the import alone would cost the hook its
budget); ``SCHEMA_VERSION`` is checked on both sides.

**The recall ledger** (``<home>/recall-ledger.db``) keeps what recall learns and what agents propose,
which must survive a rebuild of the index: the outcome of each injection (followed, ignored,
contradicted) and proposals from agents (a new lesson, forgetting one, an edit) that wait for a person.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reverie.store.gate import clean
from reverie.store.protocol import Store

SCHEMA_VERSION = 1
INDEX_FILE = "recall.db"
LEDGER_FILE = "recall-ledger.db"
SEPARATOR = "\n"  # between the items of a trigger list in one column

_INDEX_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE lessons (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    statement TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    project TEXT NOT NULL,
    session TEXT NOT NULL,
    agent TEXT NOT NULL,
    scope_token TEXT NOT NULL,
    confidence REAL NOT NULL,
    sessions INTEGER NOT NULL,
    newest REAL NOT NULL,
    valid_to REAL NOT NULL,
    stance TEXT NOT NULL,
    commands TEXT NOT NULL,
    paths TEXT NOT NULL,
    tools TEXT NOT NULL,
    keywords TEXT NOT NULL,
    terms TEXT NOT NULL,
    mass REAL NOT NULL,
    digest_weight REAL NOT NULL
);
CREATE INDEX lessons_by_scope ON lessons (scope_token, digest_weight DESC);
CREATE TABLE trigger_keys (
    key TEXT NOT NULL,
    scope_token TEXT NOT NULL,
    num INTEGER NOT NULL,
    PRIMARY KEY (key, scope_token, num)
) WITHOUT ROWID;
CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL, idf REAL NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE lesson_text USING fts5(terms, scope, content='', tokenize='unicode61 remove_diacritics 0');
"""


@dataclass(frozen=True, slots=True)
class IndexedLesson:
    """One active lesson as the recall index keeps it; every field already computed."""

    id: str
    statement: str
    kind: str
    level: str
    scope: str
    project: str
    session: str
    agent: str
    scope_token: str
    confidence: float
    sessions: int
    newest: float  # epoch seconds of the newest evidence
    valid_to: float  # epoch seconds; 0 for none
    stance: str
    commands: tuple[str, ...]
    paths: tuple[str, ...]
    tools: tuple[str, ...]
    keywords: tuple[str, ...]
    terms: tuple[str, ...]  # distinct index terms of the statement and the trigger
    trigger_keys: tuple[str, ...]
    digest_weight: float
    mass: float = 0.0  # the sum of the idf of its terms (see ``idf``)


def idf(total: int, frequency: int) -> float:
    """The BM25 idf with Lucene's ``1 +``, which stays positive in a store of a handful of lessons."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def term_weights(lessons: Sequence[IndexedLesson]) -> dict[str, float]:
    """The idf of every term over these lessons."""
    frequencies: Counter[str] = Counter(term for lesson in lessons for term in set(lesson.terms))
    return {term: idf(max(1, len(lessons)), count) for term, count in frequencies.items()}


def write_index(path: Path, lessons: Sequence[IndexedLesson], *, meta: dict[str, str]) -> None:
    """Build a complete index in a temporary file beside ``path`` and rename it into place."""
    lessons = [clean(lesson) for lesson in lessons]  # the redaction gate: lessons stored before a rule existed
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(prefix=".recall-", suffix=".db.tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a private temp file: a crash just leaves it behind
            db.execute("BEGIN")
            for statement in _INDEX_SCHEMA.strip().split(";\n"):
                db.execute(statement)
            _fill(db, lessons, meta)
            db.execute("COMMIT")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            db.close()
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _fill(db: sqlite3.Connection, lessons: Sequence[IndexedLesson], meta: dict[str, str]) -> None:
    frequencies: Counter[str] = Counter(term for lesson in lessons for term in set(lesson.terms))
    weights = term_weights(lessons)
    for num, lesson in enumerate(lessons, 1):
        db.execute(
            f"INSERT INTO lessons VALUES ({', '.join('?' * 22)})",
            (
                num,
                lesson.id,
                lesson.statement,
                lesson.kind,
                lesson.level,
                lesson.scope,
                lesson.project,
                lesson.session,
                lesson.agent,
                lesson.scope_token,
                lesson.confidence,
                lesson.sessions,
                lesson.newest,
                lesson.valid_to,
                lesson.stance,
                SEPARATOR.join(lesson.commands),
                SEPARATOR.join(lesson.paths),
                SEPARATOR.join(lesson.tools),
                SEPARATOR.join(lesson.keywords),
                " ".join(lesson.terms),
                lesson.mass,
                lesson.digest_weight,
            ),
        )
        db.execute(
            "INSERT INTO lesson_text (rowid, terms, scope) VALUES (?, ?, ?)",
            (num, " ".join(lesson.terms), lesson.scope_token),
        )
        db.executemany(
            "INSERT OR IGNORE INTO trigger_keys (key, scope_token, num) VALUES (?, ?, ?)",
            [(key, lesson.scope_token, num) for key in lesson.trigger_keys],
        )
    db.executemany(
        "INSERT INTO terms (term, df, idf) VALUES (?, ?, ?)",
        [(term, count, weights[term]) for term, count in sorted(frequencies.items())],
    )
    rows = {
        **meta,
        "lessons": str(len(lessons)),
        "unseen_idf": repr(idf(max(1, len(lessons)), 0)),  # the weight of a word no lesson has
        "schema": str(SCHEMA_VERSION),
        "built_at": _now(),
    }
    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(rows.items()))


def lesson_watermark(store: Store) -> int | None:
    """The highest row of the lesson versions table. Versions are append-only, so any change to any
    lesson (new, strengthened, retired, forgotten) raises it; the hook compares it to the index's."""
    db = getattr(store, "db", None)
    if not isinstance(db, sqlite3.Connection):
        return None
    (value,) = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM lessons").fetchone()
    return int(value)


# ---------------------------------------------------------------------------------------------------
# The ledger: outcomes of injections, and proposals from agents

_LEDGER_SCHEMA = """
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


class RecallLedger:
    """Durable recall records in ``<home>/recall-ledger.db`` (WAL, private)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.execute("PRAGMA journal_mode = WAL")
        for statement in _LEDGER_SCHEMA.strip().split(";\n"):
            self.db.execute(statement)

    def record_outcomes(self, rows: Iterable[OutcomeRow]) -> int:
        """Insert or update outcomes (a later look at a session may see more). Returns rows written."""
        values = [
            (r.session_id, r.lesson_id, r.injected_at, r.channel, r.outcome, r.detail, r.event_key, _now())
            for r in rows
        ]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
                " outcome = excluded.outcome, detail = excluded.detail, event_key = excluded.event_key,"
                " recorded_at = excluded.recorded_at",
                values,
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(values)

    def outcomes(self, lesson_id: str | None = None) -> list[OutcomeRow]:
        where, params = ("WHERE lesson_id = ?", (lesson_id,)) if lesson_id else ("", ())
        rows = self.db.execute(
            "SELECT session_id, lesson_id, injected_at, channel, outcome, detail, event_key FROM outcomes"
            f" {where} ORDER BY injected_at, session_id",
            params,
        )
        return [OutcomeRow(*row) for row in rows]

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        """``{lesson id: {outcome: count}}`` over every recorded injection."""
        counts: dict[str, dict[str, int]] = {}
        for lesson, outcome, count in self.db.execute(
            "SELECT lesson_id, outcome, COUNT(*) FROM outcomes GROUP BY lesson_id, outcome"
        ):
            counts.setdefault(lesson, {})[outcome] = count
        return counts

    def add_proposal(self, proposal: ProposalRow) -> None:
        proposal = clean(proposal)  # the redaction gate: an agent's words may carry a secret
        self.db.execute(
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
        cursor = self.db.execute("UPDATE proposals SET status = ? WHERE id = ?", (status, proposal_id))
        return cursor.rowcount > 0

    def proposals(self, *, status: str | None = None) -> list[ProposalRow]:
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = self.db.execute(
            "SELECT id, kind, lesson_id, statement, reason, scope, project, origin, via, status, body, created_at"
            f" FROM proposals {where} ORDER BY created_at, id",
            params,
        )
        return [_proposal_row(row) for row in rows]

    def proposal(self, proposal_id: str) -> ProposalRow | None:
        row = self.db.execute(
            "SELECT id, kind, lesson_id, statement, reason, scope, project, origin, via, status, body, created_at"
            " FROM proposals WHERE id = ?",
            (proposal_id,),
        ).fetchone()
        return _proposal_row(row) if row else None

    def close(self) -> None:
        self.db.close()


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


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A lesson that FTS5 finds for some terms, in any scope, with its BM25 score (higher is better)."""

    id: str
    statement: str
    scope: str
    project: str
    session: str
    bm25: float


def search_text(path: Path, terms: Sequence[str], *, limit: int = 50) -> list[TextMatch]:
    """FTS5 over every active lesson, whatever its scope: for explanations, never for injection."""
    if not terms or not path.exists():
        return []
    uri = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    db = sqlite3.connect(f"file:{uri}?immutable=1", uri=True)
    try:
        rows = db.execute(
            "SELECT l.id, l.statement, l.scope, l.project, l.session, bm25(lesson_text, 1.0, 0.0)"
            " FROM lesson_text JOIN lessons l ON l.num = lesson_text.rowid"
            " WHERE lesson_text MATCH ? ORDER BY rank LIMIT ?",
            (" OR ".join(f'"{term}"' for term in terms), limit),
        ).fetchall()
    finally:
        db.close()
    return [TextMatch(row[0], row[1], row[2], row[3], row[4], -float(row[5])) for row in rows]
