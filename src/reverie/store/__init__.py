"""Storage: the only package that speaks SQL.

Stages above see the store through the ``Store`` protocol in ``protocol.py``; ``sqlite.py`` is the
embedded default. A Postgres backend implements the same protocol and runs the same contract suite
(``tests/store/test_contract.py``).
"""

from reverie.store.protocol import (
    Batch,
    DistillProgress,
    ImportCursor,
    LessonBatch,
    PendingSession,
    SessionSummary,
    Store,
    StoreStats,
)
from reverie.store.sqlite import SQLiteStore

__all__ = [
    "Batch",
    "DistillProgress",
    "ImportCursor",
    "LessonBatch",
    "PendingSession",
    "SQLiteStore",
    "SessionSummary",
    "Store",
    "StoreStats",
]
