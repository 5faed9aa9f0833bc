from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from reverie.store import SQLiteStore

NOW = datetime(2026, 3, 10, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    backend = SQLiteStore(":memory:")
    yield backend
    backend.close()
