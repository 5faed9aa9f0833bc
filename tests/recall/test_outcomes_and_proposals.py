"""After an injection: followed, ignored or contradicted. And agents' proposals, which change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.app.recall import track_outcomes
from reverie.domain import Event, EventKind, Origin, Source
from reverie.errors import InputError, NotFoundError
from reverie.recall import outcomes, proposals
from reverie.recall.session_state import log_injection
from reverie.workspace import Workspace
from tests.recall.builders import PNPM, PROJECT, TESTS, store_lessons

SESSION = "sess-outcome"


def call(n: int, command: str, at: str) -> Event:
    return Event(
        f"call-{n}",
        SESSION,
        EventKind.TOOL_CALL,
        Origin.AGENT,
        Source.HOOK,
        at,
        tool_name="Bash",
        tool_use_id=f"t{n}",
        tool_input={"command": command},
    )


def prompt(n: int, text: str, at: str, origin: Origin = Origin.USER) -> Event:
    return Event(f"prompt-{n}", SESSION, EventKind.PROMPT, origin, Source.HOOK, at, text=text)


def injected(workspace: Workspace, at: str, *lessons: str) -> None:
    log_injection(str(workspace.home), SESSION, {"event": "PreToolUse", "channel": "tool", "lessons": list(lessons)})
    path = workspace.home / "recall" / "injections" / f"{SESSION}.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[-1]) | {"at": at}
    path.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n")


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS])
    return workspace


def judged(workspace: Workspace, *events: Event) -> dict[str, tuple[str, str]]:
    workspace.store.add_events(events)
    return {row.lesson_id: (row.outcome, row.detail) for row in track_outcomes(workspace)}


def test_the_recommended_command_afterwards_is_followed(stocked: Workspace) -> None:
    injected(stocked, "2026-06-01T10:00:00+00:00", PNPM.id, TESTS.id)
    result = judged(
        stocked,
        call(1, "npm test", "2026-06-01T09:59:00+00:00"),  # before the injection: does not count
        call(2, "make check", "2026-06-01T10:00:05Z"),
        call(3, "pnpm test", "2026-06-01T10:01:00Z"),
    )
    assert result == {PNPM.id: ("followed", "ran `pnpm test`"), TESTS.id: ("followed", "ran `make check`")}
    assert outcomes.outcome_counts(stocked) == {PNPM.id: {"followed": 1}, TESTS.id: {"followed": 1}}


def test_the_triggering_command_again_is_ignored(stocked: Workspace) -> None:
    injected(stocked, "2026-06-01T10:00:00+00:00", PNPM.id, TESTS.id)
    assert judged(
        stocked, call(1, "npm test", "2026-06-01T10:00:05+00:00"), call(2, "make check", "2026-06-01T10:01:00+00:00")
    ) == {
        PNPM.id: ("ignored", "ran `npm test` anyway"),
        TESTS.id: ("ignored", "ran `npm test` anyway"),  # the first call that concerned it decides
    }


def test_a_repeated_correction_is_a_contradiction_even_if_followed(stocked: Workspace) -> None:
    injected(stocked, "2026-06-01T10:00:00+00:00", PNPM.id)
    result = judged(
        stocked,
        call(1, "pnpm install", "2026-06-01T10:00:05+00:00"),
        prompt(2, "I told you: use pnpm, not npm.", "2026-06-01T10:02:00+00:00"),
    )
    outcome, detail = result[PNPM.id]
    assert outcome == "contradicted" and detail.startswith(("repeated", "opposed"))


def test_injected_or_agent_text_is_never_read_as_a_correction(stocked: Workspace) -> None:
    injected(stocked, "2026-06-01T10:00:00+00:00", PNPM.id)
    result = judged(
        stocked,
        prompt(1, "use pnpm, not npm", "2026-06-01T10:01:00+00:00", origin=Origin.INJECTED),
        prompt(
            2, '<reverie-context kind="prompt">\nuse pnpm, not npm\n</reverie-context>', "2026-06-01T10:01:30+00:00"
        ),
    )
    assert result[PNPM.id][0] == "unknown"


def test_sessions_not_in_the_store_wait_and_torn_log_lines_are_skipped(stocked: Workspace) -> None:
    injected(stocked, "2026-06-01T10:00:00+00:00", PNPM.id)
    log = stocked.home / "recall" / "injections" / f"{SESSION}.jsonl"
    log.write_text(log.read_text() + '{"at": "2026-06-01T1')
    assert track_outcomes(stocked) == []  # the session's events are not ingested yet
    assert judged(stocked, call(1, "pnpm i", "2026-06-01T10:00:05+00:00"))[PNPM.id][0] == "followed"


def test_proposals_are_validated_and_recorded_as_pending(workspace: Workspace) -> None:
    store_lessons(workspace, [PNPM])
    row = proposals.propose_lesson(workspace, "Use tabs.", project=PROJECT, via="mcp")
    assert (row.kind, row.status, row.origin, row.scope) == ("lesson", "pending", "agent", "project")
    with pytest.raises(InputError, match="needs a project"):
        proposals.propose_lesson(workspace, "Use tabs.", project=None, via="mcp")
    with pytest.raises(InputError, match="scope must be"):
        proposals.propose_lesson(workspace, "Use tabs.", scope="galaxy", via="mcp")
    with pytest.raises(InputError, match="at most"):
        proposals.propose_lesson(workspace, "x" * 5000, scope="global", via="mcp")
    with pytest.raises(NotFoundError):
        proposals.propose_forget(workspace, "Lmissing", "because", via="mcp")
    with pytest.raises(InputError, match="say why"):
        proposals.propose_forget(workspace, PNPM.id, " ", via="mcp")
    assert proposals.withdraw(workspace, row.id) and not proposals.withdraw(workspace, row.id)
    assert proposals.pending(workspace) == []


def test_the_ledger_is_private(workspace: Workspace) -> None:
    proposals.propose_lesson(workspace, "Use tabs.", scope="global", via="mcp")
    assert (Path(workspace.home) / "recall-ledger.db").stat().st_mode & 0o077 == 0
