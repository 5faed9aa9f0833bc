"""The one place outside ``src/reverie/store`` that speaks SQL to a store: what a test needs to do
behind the store's back (tamper with a row, look at every table, hold the write lock as another process
would). Tests elsewhere call these, so no test reaches through to a connection by itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reverie.store.recall_ledger import RecallLedger
from reverie.store.sqlite import SQLiteStore


def execute(store: SQLiteStore | RecallLedger, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on the store's own connection, as a writer that bypasses the protocol would."""
    return list(store._db.execute(statement, params).fetchall())


def tables(store: SQLiteStore, *queries: str) -> list[list[tuple[Any, ...]]]:
    """The rows of each query: a snapshot of what the store holds, to compare before and after."""
    return [execute(store, query) for query in queries]


def forget_distillation(store: SQLiteStore) -> None:
    """As if no session had ever been distilled (the lessons stay): to show a re-read changes nothing."""
    execute(store, "DELETE FROM distilled_sessions")
    execute(store, "DELETE FROM distill_watermark")


@contextmanager
def write_lock_held(database: Path) -> Iterator[None]:
    """Another process in the middle of a write: ``BEGIN IMMEDIATE`` on its own connection."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def fake_old_store(path: Path, applied: Sequence[str], statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """A store file as an older reverie left it: these migrations recorded, these rows written."""
    from reverie.store import migrations

    db = sqlite3.connect(path, isolation_level=None)
    try:
        steps = dict(migrations.MIGRATIONS)
        for name in applied:
            migrations.applied(db)
            steps[name](db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, 'then')", (name,))
        for statement, params in statements:
            db.execute(statement, params)
    finally:
        db.close()
