"""The capture hook ingests and distills on its own when a session ends: nobody has to run a command.

SessionEnd starts a detached `reverie ingest --distill`, which imports the transcript first and then
the spool, so the store ends up with the session whole, each event once, and the spool empty; then
the session is distilled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reverie.domain import Event, EventKind, Source
from reverie.llms.scripted_server import ScriptedServer
from reverie.workspace import Workspace
from tests.e2e.agents import ClaudeCode
from tests.e2e.capture_checks import run_reverie
from tests.e2e.scenarios import FAILING_COMMAND, capture_turns, script_of

pytestmark = pytest.mark.e2e

WAIT_SECONDS = 60


def test_a_finished_session_is_ingested_and_distilled_by_itself(
    new_claude: Callable[[ScriptedServer], ClaudeCode], project_dir: Path, reverie_home: Path
) -> None:
    first, _ = capture_turns(project_dir, with_write=False)
    with ScriptedServer(script_of((first,))) as server:
        claude = new_claude(server)
        init = run_reverie(["init", "--yes"], claude.environment())
        assert init.returncode == 0, init.stderr
        run = claude.run(first.prompt, cwd=project_dir).check()

    events = _wait_for_the_job(reverie_home, run.session_id)
    kinds = [event.kind for event in events]
    assert EventKind.SESSION_END in kinds and kinds.count(EventKind.PROMPT) == 1
    failed = [
        e for e in events if e.kind is EventKind.TOOL_CALL and (e.tool_input or {}).get("command") == FAILING_COMMAND
    ]
    assert len(failed) == 1
    assert failed[0].source is Source.TRANSCRIPT  # the transcript was imported before the spool
    assert failed[0].transcript_line is not None
    assert len({event.key for event in events}) == len(events)
    assert (reverie_home / "recall.db").exists()  # the job refreshed what recall reads


def _wait_for_the_job(home: Path, session_id: str | None) -> list[Event]:
    assert session_id
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        spool = home / "spool"
        if spool.is_dir() and not any(spool.glob("*.json")) and (home / "reverie.db").exists():
            workspace = Workspace.open(home)
            try:
                events = list(workspace.store.events(session_id))
                distilled = not any(p.session_id == session_id for p in workspace.store.pending_sessions())
            finally:
                workspace.close()
            if distilled and any(event.kind is EventKind.SESSION_END for event in events):
                return events
        time.sleep(0.5)
    pytest.fail(
        f"the session was not ingested within {WAIT_SECONDS} s of its end; spool: {sorted((home / 'spool').glob('*'))}"
    )
