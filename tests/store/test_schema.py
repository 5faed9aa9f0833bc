"""The SQLite schema underneath the contract: what its triggers refuse, and the migrations of every
database reverie keeps (the store and the recall ledger)."""

from __future__ import annotations

import json
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.errors import StoreError
from reverie.store import SQLiteStore, lesson_codec, migrations
from reverie.store.protocol import AuditEntry, StoreConflict
from reverie.store.recall_ledger import MIGRATIONS as LEDGER_MIGRATIONS
from reverie.store.recall_ledger import ProposalRow, RecallLedger
from tests.dream.factory import make, put
from tests.store import raw


def test_the_audit_log_is_append_only(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.decide("none", [], audit=[AuditEntry(action="discard", actor="ada", command="t")])
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(store, "UPDATE audit_log SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(store, "DELETE FROM audit_log")


def test_an_existing_store_migrates_with_its_lessons_in_version_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = make("Use ruff.")
    rows = []
    for version in (1, 2):
        body = json.dumps(lesson_codec.lesson_to_dict(replace(old, version=version), with_evidence=False))
        rows.append(
            (
                "INSERT INTO lessons (id, version, key, scope, project_key, status, kind, level, statement, confidence,"
                " content_hash, body, recorded_at) VALUES (?, ?, ?, 'project', ?, 'active', 'preference', 'instinct',"
                " ?, 0.7, ?, ?, 'then')",
                (old.id, version, old.key, old.scope.project, old.statement, old.content_hash, body),
            )
        )
    names = [name for name, _ in migrations.MIGRATIONS]
    raw.fake_old_store(path, names[: names.index("m004_store_versions")], rows)
    store = SQLiteStore(path)
    assert store.head().id == 1 and [(lesson.id, lesson.version) for lesson in store.lessons()] == [(old.id, 2)]
    put(store, make("Use black."))
    assert len(store.lessons()) == 2 and store.head().id == 1  # version 1 is live: distill joins it


def proposal(proposal_id: str = "p1") -> ProposalRow:
    return ProposalRow(
        id=proposal_id, kind="lesson", lesson_id=None, statement="Use uv.", reason="", scope="project",
        project="github.com/acme/shop", origin="agent", via="mcp", status="pending", body={}, created_at="then",
    )  # fmt: skip


def test_the_recall_ledger_has_named_migrations_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "recall-ledger.db"
    RecallLedger(path).close()
    ledger = RecallLedger(path)
    assert [row[0] for row in raw.execute(ledger, "SELECT name FROM _migrations")] == [n for n, _ in LEDGER_MIGRATIONS]  # type: ignore[arg-type]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ledger.close()


def test_a_ledger_from_before_migrations_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "recall-ledger.db"
    db = sqlite3.connect(path, isolation_level=None)
    migrations.run_script(db, LEDGER_MIGRATIONS[0][1].__globals__["_M001"])  # as the ledger created itself then
    db.close()
    before = RecallLedger(path)
    before.add_proposal(proposal())
    before.close()
    assert [p.id for p in RecallLedger(path).proposals()] == ["p1"]


def test_ledger_errors_leave_as_store_errors(tmp_path: Path) -> None:
    ledger = RecallLedger(tmp_path / "recall-ledger.db")
    ledger.add_proposal(proposal())
    with pytest.raises(StoreConflict):  # the same id twice
        ledger.add_proposal(proposal())
    (tmp_path / "not.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a database"):
        RecallLedger(tmp_path / "not.db")


def test_no_sqlite_error_escapes_a_store_method(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(StoreError, match="closed"):  # sqlite3.ProgrammingError underneath
        store.lessons()
