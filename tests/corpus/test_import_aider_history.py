"""The real Aider history in ../shared/data (238 KB, one project): imported whole, nothing reported,
and what the person typed is told from aider's commands and the architect's hand-offs."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.domain import EventKind, Origin
from reverie.store import SQLiteStore

pytestmark = pytest.mark.corpus


def test_the_real_history_imports_whole(shared_data: Path, tmp_path: Path) -> None:
    found = sorted((shared_data / "other-agents" / "aider_chat_history").glob("*/.aider.chat.history.md"))
    if not found:
        pytest.skip("no Aider history in ../shared/data")
    copy = tmp_path / "project" / found[0].name
    copy.parent.mkdir()
    shutil.copyfile(found[0], copy)  # a copy: the project identity must not be looked up in shared data
    store = SQLiteStore(tmp_path / "store.db")
    report = import_paths(store, [copy.parent], stale_after=0)
    assert report.problems == () and report.sessions == 1
    [summary] = store.sessions()
    events = store.events(summary.session.id)
    kinds = Counter((e.kind, e.origin) for e in events)
    assert kinds[(EventKind.PROMPT, Origin.USER)] == 11
    handoffs = [e for e in events if e.data.get("handoff") == "architect"]
    assert len(handoffs) == 6 and all(not e.text.startswith("/") for e in handoffs)
    assert all(e.transcript_line for e in events)
    assert import_paths(store, [copy.parent], stale_after=0).events_new == 0
    store.close()
