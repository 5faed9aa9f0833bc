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

The lesson watermark (``Store.lesson_watermark``) is read before the lessons and written into the meta,
so a change made while the index is built is seen by the hook as a change (``store.lesson_changes``).

The recall ledger beside it, which must survive a rebuild, lives in ``store.recall_ledger``.
"""

from __future__ import annotations

import math
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reverie.store.gate import clean
from reverie.store.recall_ledger import LEDGER_FILE as LEDGER_FILE
from reverie.store.recall_ledger import OutcomeRow as OutcomeRow
from reverie.store.recall_ledger import ProposalRow as ProposalRow
from reverie.store.recall_ledger import RecallLedger as RecallLedger

SCHEMA_VERSION = 1
INDEX_FILE = "recall.db"
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
