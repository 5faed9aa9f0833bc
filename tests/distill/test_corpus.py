"""Distill on the real third-party transcripts in ../shared/data, imported through the real importer.

What a careful reader takes from them: in the fasthooks session ``python`` is missing and ``python3``
works (also reported in its compaction summary); the Rust port runs its tests with ``cargo test`` and
its checks with ``just check``; the pytest session runs ``python -m pytest``. What a careful reader does
not take: the "Don't stop until ..." of a task request, the harness's stop-hook feedback, anything from
the feature requests of the hook-dump sessions or the Codex rollout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.distill import distill
from reverie.domain.lessons import Basis, LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW

pytestmark = pytest.mark.corpus


def distilled(store: SQLiteStore, *paths: Path) -> None:
    import_paths(store, list(paths), stale_after=0)
    report = distill(store, now=NOW)
    assert not report.failures


def test_python_missing_and_python3_working(store: SQLiteStore, shared_data: Path) -> None:
    distilled(store, shared_data / "claude-code/transcripts/oneryalcin-fasthooks/sample_main_transcript.jsonl")
    (lesson,) = [lesson for lesson in store.lessons() if lesson.key == "use:python3|not:python"]
    assert lesson.statement.startswith("On this machine: Use `python3`, not `python`")
    roles = {(e.role, e.basis) for e in lesson.evidence}
    assert ("fix", Basis.OBSERVED) in roles and ("summary", Basis.AGENT_CLAIM) in roles
    assert {e.transcript_line for e in lesson.evidence if e.role == "fix"} == {52}
    assert lesson.status is LessonStatus.CANDIDATE  # one session; the agent's summary does not count twice


def test_project_facts_from_the_rust_port(store: SQLiteStore, shared_data: Path) -> None:
    distilled(store, shared_data / "claude-code/transcripts/DRMacIver-claude-reliability/python-to-rust-port.jsonl")
    facts = {lesson.statement for lesson in store.lessons()}
    assert "In this project: run the tests with `cargo test`." in facts
    assert "In this project: run the checks with `just check`." in facts
    assert "In this project: lint with `just lint`." in facts
    task = [lesson for lesson in store.lessons() if "stop until" in lesson.statement.lower()]
    assert all(not lesson.durable for lesson in task)  # part of the task request only, if kept at all


def test_nothing_durable_from_harness_text_requests_or_rollouts(store: SQLiteStore, shared_data: Path) -> None:
    distilled(
        store,
        shared_data / "claude-code/transcripts",
        shared_data / "claude-code/hook-dumps",
        shared_data / "codex",
    )
    active = [lesson for lesson in store.lessons(statuses=[LessonStatus.ACTIVE])]
    user_lessons = [lesson for lesson in active if any(e.basis is Basis.USER_STATEMENT for e in lesson.evidence)]
    # One of these people gave a standing instruction, as an answer to the agent's question "Which tools
    # should we set up?" (labelled standing in corpus/shared-labels.jsonl); nothing else they typed is one.
    assert [lesson.statement for lesson in user_lessons] == [
        "In this project: Set up Credo + Dialyxir + mix_audit as the tools."
    ]
    text = " ".join(lesson.statement for lesson in store.lessons()).lower()
    assert "stop hook" not in text and "uncommitted" not in text and "git status" not in text
    for lesson in store.lessons():
        assert lesson.evidence and all(e.transcript_path for e in lesson.evidence)
