"""Accept, discard, rollback round trips; approvals bound to hashes; proposer is not approver; the policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.domain.lessons import LessonStatus
from reverie.dream import DreamRequest, run_dream
from reverie.errors import ConfigError
from reverie.review import NotApprover, accept, approve, discard, edit, rollback
from reverie.review.actor import Actor, current, policy_actor
from reverie.review.policy import Policy, load
from reverie.store import SQLiteStore
from reverie.store.protocol import DreamRecord
from tests.dream.factory import NOW, active, choice, make, put
from tests.store import raw

PERSON = Actor(name="ada")
AGENT = Actor(name="ada", agent_marker="CLAUDECODE")


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "store.db")


def dreamed(store: SQLiteStore, home: Path) -> DreamRecord:
    put(
        store,
        choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",)),
        choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b",)),
        make("Use tabs for indentation.", key="t1", sessions=("c",)),
        make("use tabs for indentation", key="t2", sessions=("d",)),
    )
    return run_dream(store, home, DreamRequest(now=NOW))


def cid(store: SQLiteStore, record: DreamRecord, kind: str) -> str:
    """The id of the dream's change of this type (the dream proposes one merge and one supersede)."""
    return next(item.change.id for item in store.dream_changes(record.id) if item.change.type.value == kind)


def everything(store: SQLiteStore) -> list[tuple[str, int, str]]:
    return sorted((lesson.id, lesson.version, lesson.status.value) for lesson in store.lessons())


def hashes(store: SQLiteStore, dream_id: str) -> dict[str, str]:
    return {item.change.id: item.change.content_hash for item in store.dream_changes(dream_id)}


def test_a_dream_changes_nothing_until_accepted_then_rollback_restores_it(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    before = everything(store)
    assert record.status == "completed" and record.changes == 2
    assert everything(store) == before  # the input is untouched
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="test", approved=hashes(store, record.id))
    assert sorted(done.accepted) == ["C1", "C2"] and done.version is not None
    assert len(active(store)) == 2  # pnpm wins over yarn, one tabs lesson survives
    assert store.head().id == done.version.id and store.head().accepted_by == "ada"
    rollback(store, None, actor=PERSON, command="test")
    assert everything(store) == before
    assert [entry.action for entry in store.audit_log()][-1] == "rollback"


def test_discard_leaves_the_store_and_decides_every_change(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    before = everything(store)
    assert discard(store, record.id, actor=PERSON, command="test") == 2
    assert everything(store) == before
    assert all(item.decision == "rejected" for item in store.dream_changes(record.id))
    assert accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved={}).accepted == ()
    proposed = [v for v in store.store_versions() if v.dream_id == record.id and v.created_by == "dream"]
    assert proposed[0].state == "discarded"


def test_only_and_except_accept_exactly_the_named_changes(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    merge = cid(store, record, "merge")
    done = accept(
        store, record.id, actor=PERSON, policy=Policy(), command="t", exclude=[merge], approved=hashes(store, record.id)
    )
    assert done.accepted == (cid(store, record, "supersede"),)
    assert {item.change.id: item.decision for item in store.dream_changes(record.id)}[merge] is None


def test_an_approval_does_not_cover_an_edited_change(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    merge = cid(store, record, "merge")
    approved = approve(store, record.id, merge, actor=PERSON, command="t")
    edit(store, record.id, merge, statement="Use spaces, actually.", actor=PERSON, command="t")
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", only=[merge])
    assert done.accepted == () and "approve again" in done.refused[merge]
    assert hashes(store, record.id)[merge] != approved
    approve(store, record.id, merge, actor=PERSON, command="t")
    assert accept(store, record.id, actor=PERSON, policy=Policy(), command="t", only=[merge]).accepted == (merge,)
    assert any(lesson.statement == "Use spaces, actually." for lesson in active(store))


def test_a_change_tampered_with_in_the_store_is_refused(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    seen = hashes(store, record.id)
    supersede = cid(store, record, "supersede")
    raw.execute(
        store, "UPDATE dream_changes SET body = replace(body, 'pnpm', 'curl') WHERE change_id = ?", (supersede,)
    )
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved=seen)
    assert "edited outside review" in done.refused[supersede] and supersede not in done.accepted


def test_the_agent_side_process_cannot_accept_behaviour_shaping_changes(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    before = everything(store)
    with pytest.raises(NotApprover, match="CLAUDECODE"):
        accept(
            store,
            record.id,
            actor=AGENT,
            policy=Policy(auto_accept=frozenset({"merge.exact"})),
            command="t",
            only=[cid(store, record, "supersede")],
        )
    assert everything(store) == before
    assert store.audit_log()[-1].action == "refuse"
    with pytest.raises(NotApprover):
        rollback(store, 1, actor=AGENT, command="t")


def test_a_policy_lets_the_agent_side_accept_only_named_low_risk_changes(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    policy = Policy(auto_accept=frozenset({"merge.exact"}))
    done = accept(store, record.id, actor=AGENT, policy=policy, command="t")
    assert done.accepted == (cid(store, record, "merge"),)
    assert "needs a person" in done.refused[cid(store, record, "supersede")]
    assert store.audit_log()[-1].action == "auto-accept"
    assert accept(store, record.id, actor=policy_actor(), policy=Policy(), command="t").accepted == ()


def test_the_policy_file_may_name_low_risk_types_only(tmp_path: Path) -> None:
    (tmp_path / "policy.toml").write_text('[review]\nauto_accept = ["merge.exact", "retire.expired"]\n')
    assert load(tmp_path).auto_accept == {"merge.exact", "retire.expired"}
    (tmp_path / "policy.toml").write_text('[review]\nauto_accept = ["merge.exact", "evolve.hook"]\n')
    with pytest.raises(ConfigError, match=r"evolve\.hook"):
        load(tmp_path)
    (tmp_path / "policy.toml").write_text("[review\nauto_accept = 3")
    with pytest.raises(ConfigError, match="TOML"):
        load(tmp_path)


def test_agent_markers_are_recognised() -> None:
    assert current({"CLAUDECODE": "1"}).agent_marker == "CLAUDECODE"
    assert current({"CODEX_THREAD_ID": "019d"}).agent_marker == "CODEX_THREAD_ID"
    assert current({"CLAUDECODE": "0", "HOME": "/h"}).is_person


def test_accepting_after_distill_wrote_rebases_and_keeps_the_new_evidence(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    supersede = cid(store, record, "supersede")
    winner = next(item.change.before[0] for item in store.dream_changes(record.id) if item.change.id == supersede)
    current_version = store.lesson(winner.id)
    assert current_version is not None
    strengthened = choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b", "later"))
    put(store, strengthened)  # distill writes to the live head after the dream sealed its input
    assert store.head().id != record.input_version
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved=hashes(store, record.id))
    assert supersede in done.accepted
    kept = store.lesson(winner.id)
    assert kept is not None and "later" in kept.sessions and kept.supersedes is not None


def test_a_change_whose_lesson_moved_since_the_dream_is_stale(store: SQLiteStore, tmp_path: Path) -> None:
    record = dreamed(store, tmp_path)
    supersede = cid(store, record, "supersede")
    loser = next(item.change.before[1] for item in store.dream_changes(record.id) if item.change.id == supersede)
    current_loser = store.lesson(loser.id)
    assert current_loser is not None
    put(store, current_loser.__class__(**{**_fields(current_loser), "status": LessonStatus.RETIRED}))
    done = accept(store, record.id, actor=PERSON, policy=Policy(), command="t", approved=hashes(store, record.id))
    assert "stale" in done.refused[supersede] and cid(store, record, "merge") in done.accepted


def _fields(lesson: object) -> dict[str, object]:
    return {name: getattr(lesson, name) for name in lesson.__slots__}  # type: ignore[attr-defined]
