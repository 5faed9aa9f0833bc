"""Time by activity (issue 11, item 6): lessons age by the sessions of their project since their
evidence, never by the clock. A year of transcripts imported at once keeps what it teaches; a
project left alone for a year keeps its lessons; a lesson that much work in its project never
confirmed decays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reverie.distill import distill
from reverie.domain.changes import Change
from reverie.domain.lessons import Basis, LessonKind, LessonStatus
from reverie.dream import DreamRequest, registry, run_dream, snapshot
from reverie.dream.passes import expiry, staleness
from reverie.dream.runner import run_passes
from reverie.store import SQLiteStore
from tests.distill.trace import PROJECT, Trace
from tests.dream.factory import APP, WEB, busy, make, put

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

YEAR_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
AGE_RETIREMENTS = {"retire.unconfirmed", "retire.decayed"}


def retirements(store: SQLiteStore, now: datetime) -> dict[str, str]:
    view = snapshot.build(store, version=store.head().id, session_ids=(), now=now)
    changes: list[Change] = run_passes(view, registry.passes())
    return {c.before[0].id: c.policy_name for c in changes if c.policy_name.startswith("retire")}


def test_a_year_of_transcripts_imported_at_once_keeps_what_it_teaches(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    # A session a month for a year, each teaching something once: corrections without a cue of
    # permanence (candidates) and a command fix seen once (an observed lesson from one session).
    teachings = [
        "don't add docstrings to tests",
        "do not use print for debugging here",
        "don't bump the version in pull requests",
        "stop adding type: ignore comments",
        "do not put emojis in commit messages",
        "don't mock the database in integration tests",
    ]
    for month in range(12):
        start = (YEAR_START + timedelta(days=30 * month)).isoformat()
        trace = Trace(f"m{month}", start=start).prompt("carry on").run("ls", "ok")
        if month < len(teachings):
            trace.prompt(teachings[month])
        else:
            trace.fail("python gen.py", "bash: python: command not found").run("python3 gen.py", "ok")
        trace.into(store)
    distill(store, now=datetime(2026, 12, 6, tzinfo=UTC))  # imported and distilled long after the fact
    taught = store.lessons(statuses=[LessonStatus.ACTIVE, LessonStatus.CANDIDATE])
    assert len(taught) >= len(teachings)

    record = run_dream(store, tmp_path, DreamRequest(now=datetime(2026, 12, 6, tzinfo=UTC), wait=0))
    assert record.status == "completed", record.error
    policies = {item.change.policy_name for item in store.dream_changes(record.id)}
    assert not policies & AGE_RETIREMENTS, policies


def test_a_project_left_alone_for_a_year_keeps_its_lessons(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    candidate = make("Maybe use ruff.", status=LessonStatus.CANDIDATE, when="2025-01-01T10:00:00Z")
    observed = make(
        "Use `python3`, not `python`.", key="fix:python3", basis=Basis.OBSERVED, when="2025-01-01T10:00:00Z"
    )
    put(store, candidate, observed)
    busy(store, 80, start="2025-01-10", project=WEB)  # work elsewhere does not age this project's lessons
    assert retirements(store, now=datetime(2026, 6, 1, tzinfo=UTC)) == {}


def test_many_sessions_of_work_without_confirmation_decay_a_lesson(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    candidate = make(
        "Run the linter with `ruff check`.",
        key="cmd:ruff",
        status=LessonStatus.CANDIDATE,
        basis=Basis.OBSERVED,
        when="2026-01-01T10:00:00Z",
    )
    said_once = make("The API is REST only, not gRPC.", status=LessonStatus.CANDIDATE, when="2026-01-01T10:00:00Z")
    observed = make(
        "Use `python3`, not `python`.",
        key="fix:python3",
        kind=LessonKind.FACT,
        basis=Basis.OBSERVED,
        when="2026-01-01T10:00:00Z",
    )
    stated = make("Never force-push to main.", when="2026-01-01T10:00:00Z")
    put(store, candidate, said_once, observed, stated)
    now = datetime(2026, 1, 20, tzinfo=UTC)  # under three weeks: the clock alone would retire nothing

    busy(store, expiry.UNCONFIRMED_SESSIONS - 1, start="2026-01-02", prefix="a")
    assert retirements(store, now) == {}

    busy(store, 1, start="2026-01-19", prefix="b")
    assert retirements(store, now) == {candidate.id: "retire.unconfirmed"}

    busy(store, staleness.DECAY_SESSIONS - expiry.UNCONFIRMED_SESSIONS, start="2026-01-03", prefix="c")
    # The person's own words never lapse or decay by silence (said once, a candidate waits for review);
    # what was only observed in one session does.
    assert retirements(store, now) == {candidate.id: "retire.unconfirmed", observed.id: "retire.decayed"}


def test_confidence_fades_with_work_in_the_project_not_with_days(tmp_path: Path) -> None:
    def taught(store: SQLiteStore) -> None:
        Trace("taught", start=YEAR_START.isoformat()).prompt("go").run("ls").prompt("use pnpm, not npm").into(store)

    quiet = SQLiteStore(tmp_path / "quiet.db")
    taught(quiet)
    distill(quiet, now=datetime(2026, 12, 1, tzinfo=UTC))  # almost two years later, nothing happened since
    (kept,) = quiet.lessons()
    assert kept.confidence.idle_sessions == 0 and dict(kept.confidence.terms)["recency"] == 1.0

    worked = SQLiteStore(tmp_path / "worked.db")
    taught(worked)
    for n in range(60):
        start = (YEAR_START + timedelta(days=n + 1)).isoformat()
        Trace(f"w{n}", start=start, project=PROJECT).prompt("work").run("ls", "ok").into(worked)
    distill(worked, now=(YEAR_START + timedelta(days=61)))  # two months later, sixty sessions of work
    (faded,) = [lesson for lesson in worked.lessons() if lesson.key == kept.key]
    assert faded.confidence.idle_sessions == 60 and faded.scope.project == APP
    assert dict(faded.confidence.terms)["recency"] == 0.75  # one half-life of work
    assert faded.confidence.value < kept.confidence.value
