"""The contract of the roles that stay on each machine: versions, dreams and their review, artifacts,
the audit log. Every backend that has these roles runs this suite; the team store has none of them
(``postgres.NOT_IMPLEMENTED``, held by ``test_roles``), so its parameter is skipped with that reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import LessonStatus
from reverie.errors import NotFoundError
from reverie.store import SQLiteStore, Store
from reverie.store.protocol import ArtifactRow, AuditEntry, DreamRecord, FileBaseline, StoreConflict
from tests.dream.factory import make, put
from tests.store.test_contract import event

BACKENDS = ["sqlite-file", "sqlite-memory", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgres":
        from reverie.store.postgres import NOT_IMPLEMENTED

        pytest.skip(f"the team store keeps none of {', '.join(NOT_IMPLEMENTED)}: they stay on each machine")
    backend = SQLiteStore(tmp_path / "store.db" if request.param == "sqlite-file" else ":memory:")
    yield backend
    backend.close()


def audit(action: str, actor: str = "ada") -> AuditEntry:
    return AuditEntry(action=action, actor=actor, command="test")


# -- artifacts -----------------------------------------------------------------------------------


def test_artifacts_round_trip_and_filter_by_status(store: Store) -> None:
    store.save_artifact(ArtifactRow("Aabc1", "hook", "active", "/repo", '{"x": 1}'))
    store.save_artifact(ArtifactRow("Aabc2", "rules", "removed", "/repo", "{}"))
    assert store.artifact("Aabc1") is not None and store.artifact("Aabc1").body == '{"x": 1}'  # type: ignore[union-attr]
    assert [row.id for row in store.artifacts(statuses=["active"])] == ["Aabc1"]
    assert [row.id for row in store.artifacts()] == ["Aabc1", "Aabc2"]
    assert [row.id for row in store.find_artifacts("Aabc")] == ["Aabc1", "Aabc2"]
    assert store.find_artifacts("A%") == []  # LIKE wildcards are escaped
    store.save_artifact(ArtifactRow("Aabc1", "hook", "removed", "/repo", "{}"))
    assert store.artifact("Aabc1").status == "removed"  # type: ignore[union-attr]
    store.delete_artifact("Aabc1")
    assert store.artifact("Aabc1") is None


def test_the_first_baseline_wins_and_folders_come_deepest_first(store: Store) -> None:
    store.keep_baseline(FileBaseline("/repo/CLAUDE.md", "file", b"# mine\r\n"))
    store.keep_baseline(FileBaseline("/repo/CLAUDE.md", "file", b"changed"))
    store.keep_baseline(FileBaseline("/repo/.claude", "dir"))
    store.keep_baseline(FileBaseline("/repo/.claude/hooks/reverie", "dir"))
    assert store.file_baseline("/repo/CLAUDE.md") == FileBaseline("/repo/CLAUDE.md", "file", b"# mine\r\n")
    assert next(b.path for b in store.file_baselines()) == "/repo/.claude/hooks/reverie"
    store.drop_baseline("/repo/CLAUDE.md")
    assert store.file_baseline("/repo/CLAUDE.md") is None


# -- versions ------------------------------------------------------------------------------------


def test_commit_moves_the_head_and_rollback_moves_it_back(store: Store) -> None:
    (ruff,) = put(store, make("Use ruff."))
    sealed = store.seal_head()
    assert sealed.state == "sealed" and store.head().id == sealed.id
    retired = replace(ruff, version=ruff.version + 1, status=LessonStatus.RETIRED)
    committed = store.commit_version(
        [retired], created_by="review", dream_id=None, accepted_by="ada", note="retire", audit=[audit("accept")]
    )
    assert store.head().id == committed.id and committed.parent == sealed.id
    assert store.lesson(ruff.id).status is LessonStatus.RETIRED  # type: ignore[union-attr]
    assert [lesson.status for lesson in store.version_lessons(sealed.id)] == [LessonStatus.ACTIVE]
    assert [v.id for v in store.store_versions()][:2] == [committed.id, sealed.id]  # newest first
    back = store.move_head(sealed.id, audit=[audit("rollback")])
    assert back.id == sealed.id and store.lesson(ruff.id).status is LessonStatus.ACTIVE  # type: ignore[union-attr]
    with pytest.raises(StoreConflict):
        store.move_head(10_000, audit=[audit("rollback")])


def test_a_commit_from_a_stale_head_is_refused(store: Store) -> None:
    (ruff,) = put(store, make("Use ruff."))
    store.seal_head()
    with pytest.raises(StoreConflict):  # the same version again: a writer that read an older head
        store.commit_version([ruff], created_by="review", dream_id=None, accepted_by="ada", note="", audit=[])


# -- dreams and their review ---------------------------------------------------------------------


def dreamed(store: Store) -> tuple[DreamRecord, Change]:
    (ruff,) = put(store, make("Use ruff."))
    store.add_events([event("k1")])
    retire = Change("C1", ChangeType.RETIRE, "stale", (ruff,), (replace(ruff, status=LessonStatus.RETIRED),))
    store.create_dream(DreamRecord(id="D1abc", status="pending", trigger="manual", created_at="2026-01-01T00:00:00Z"))
    store.start_dream("D1abc", input_version=store.seal_head().id, pid=42)
    assert store.dream("D1abc").status == "running"  # type: ignore[union-attr]
    record = store.finish_dream("D1abc", status="completed", usage={"wall_seconds": 1.0}, changes=[retire])
    return record, retire


def test_a_dream_is_recorded_with_its_changes_and_proposed_version(store: Store) -> None:
    record, retire = dreamed(store)
    assert record.status == "completed" and record.output_version is not None and record.changes == 1
    assert record.usage == {"wall_seconds": 1.0}
    assert [d.id for d in store.dreams()] == ["D1abc"] and [d.id for d in store.find_dreams("D1")] == ["D1abc"]
    assert store.find_dreams("D%") == [] and store.dream("nope") is None
    [stored] = store.dream_changes("D1abc")
    assert stored.change == retire and stored.stored_hash == retire.content_hash and stored.decision is None
    assert store.sessions_since(0) == (("s1",), 1) and store.sessions_since(1) == ((), 1)


def test_approvals_bind_to_a_hash_and_an_edit_clears_the_decision(store: Store) -> None:
    record, retire = dreamed(store)
    store.approve(record.id, "C1", retire.content_hash, audit=audit("approve"))
    assert store.approvals(record.id) == [("C1", retire.content_hash)]
    store.decide(record.id, [("C1", "rejected")], audit=[audit("reject")])
    assert store.dream_changes(record.id)[0].decision == "rejected"
    edited = replace(retire, rationale="stale for a year")
    store.replace_change(record.id, edited, audit=audit("edit"))
    [stored] = store.dream_changes(record.id)
    assert stored.change == edited and stored.decision is None and stored.stored_hash == edited.content_hash
    assert store.approvals(record.id) == [("C1", retire.content_hash)]  # on record; no longer covers it
    with pytest.raises(NotFoundError):
        store.replace_change(record.id, replace(edited, id="C9"), audit=audit("edit"))


# -- audit ---------------------------------------------------------------------------------------


def test_the_audit_log_keeps_every_decision_in_order(store: Store) -> None:
    store.add_audit([audit("remember"), audit("forget", actor="policy")])
    record, retire = dreamed(store)
    store.approve(record.id, "C1", retire.content_hash, audit=audit("approve"))
    assert [(e.action, e.actor) for e in store.audit_log()] == [
        ("remember", "ada"),
        ("forget", "policy"),
        ("approve", "ada"),
    ]
    assert all(entry.at for entry in store.audit_log())
