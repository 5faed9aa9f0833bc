"""Storage: the only package that speaks SQL.

Stages see the store through the narrow roles in ``protocol.py`` (``TraceStore``, ``LessonStore``,
``VersionStore``, ``DreamStore``, ``ArtifactStore``, ``AuditStore``), composed into ``Store``; ``sqlite.py``
is the embedded default and the only backend with every role. ``postgres.py`` is the team server's
backend: it has the trace and lesson roles and runs their contract suites; versions, dreams and artifacts
stay on each machine (``postgres.NOT_IMPLEMENTED``). Every SQLite error leaves the package as
``StoreError`` (``sealing``).

The names below load on first use (PEP 562): the recall hook imports ``store.lesson_changes`` and must
not pay for SQLite, dataclasses and the domain on the way in.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the typing module alone would cost the hook more than its read
if TYPE_CHECKING:
    from typing import Any

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

_WHERE = {
    "Batch": "protocol",
    "DistillProgress": "protocol",
    "ImportCursor": "protocol",
    "LessonBatch": "protocol",
    "PendingSession": "protocol",
    "SessionSummary": "protocol",
    "Store": "protocol",
    "StoreStats": "protocol",
    "SQLiteStore": "sqlite",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'reverie.store' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"reverie.store.{_WHERE[name]}"), name)
