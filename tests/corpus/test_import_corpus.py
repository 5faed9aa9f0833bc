"""The real-corpus tier: every transcript, hook-dump transcript and Codex rollout in ../shared/data.

Third-party material from public repositories (see ../shared/data/SOURCES.md), read in place and
never copied into the project. The facts asserted here were checked by reading the files.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.capture.importer import ImportReport, import_paths
from reverie.domain import Event, EventKind, Origin, Source, keys
from reverie.domain.text import utf8_safe
from reverie.store import Batch, SQLiteStore
from tests.store import raw

pytestmark = pytest.mark.corpus

MAROT_SHORT = "55604662-cf2a-4331-851a-ec234028f8ca"
MAROT_SUBAGENT = "491e126e-1e71-469c-ade2-fcc8af567c74"
FASTHOOKS = "c45af7b1-cb7c-4e51-93db-8cbb250a877a"
OLD_FORMAT = "c44afee0-273a-4b59-9ca3-869dccd7b1be"  # Claude Code 1.0.65, a JSON array
RTCHESS = "019aad50-a7e6-7422-b7a8-0b384290624f"  # Codex 0.60.1
CODEX_EXEC = "019e9625-802f-7e91-840a-cfe88d14117a"  # Codex 0.135.0
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{300,}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data is not present")
    return shared


@pytest.fixture(scope="module")
def imported(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, ImportReport]]:
    store = SQLiteStore(tmp_path_factory.mktemp("corpus") / "store.db")
    report = import_paths(store, [corpus / "claude-code", corpus / "codex"], stale_after=0)
    print(
        f"\nimported {report.files} files, {report.bytes:,} bytes, {report.lines:,} lines, {report.events_new:,} events"
    )
    print("skipped: " + ", ".join(f"{kind} {count}" for kind, count in report.skipped.items()))
    yield store, report
    store.close()


def events_of(store: SQLiteStore, session: str, kind: EventKind | None = None) -> list[Event]:
    return [event for event in store.events(session) if kind is None or event.kind == kind]


def test_everything_imports_without_a_crash_or_a_problem(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, report = imported
    assert report.problems == ()
    assert report.files == 25  # 14 .jsonl transcripts, 9 chat*.json dumps, 2 rollouts; no other hook dump
    assert report.sessions == store.stats().sessions == 23
    assert report.skipped["progress"] > 1500  # most lines of recent Claude Code transcripts
    assert report.skipped["(no type)"] == 36  # sample_hook_logs.jsonl sits among the transcripts: hook logs


def test_a_second_import_reads_nothing_new(corpus: Path, imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, first = imported
    again = import_paths(store, [corpus / "claude-code", corpus / "codex"], stale_after=0)
    assert (again.unchanged_files, again.bytes, again.events_new) == (first.files, 0, 0)


def test_the_first_typed_prompt_of_the_short_session(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    first = events_of(store, MAROT_SHORT, EventKind.PROMPT)[0]
    assert (first.text, first.origin, first.transcript_line) == ("mix phx.server doesnt seem to start", Origin.USER, 4)


def test_rejected_tool_uses_and_interrupts_are_not_the_person(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    results = events_of(store, MAROT_SHORT, EventKind.TOOL_RESULT)
    assert [(r.tool_name, r.origin, r.is_error) for r in results] == [
        ("Bash", Origin.SYSTEM, True),
        ("Glob", Origin.SYSTEM, True),
    ]
    typed = [e.text for e in events_of(store, MAROT_SHORT) if e.origin == Origin.USER]
    assert typed == ["mix phx.server doesnt seem to start", "/model"]


def test_subagent_events_are_sidechain_in_the_parent_session(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    sidechain = [e for e in events_of(store, FASTHOOKS) if e.sidechain]  # sample_agent_sidechain.jsonl
    assert sidechain and {e.data["agent_id"] for e in sidechain} == {"af1ff21"}
    relayed = [e for e in events_of(store, MAROT_SUBAGENT) if e.sidechain]  # agent_progress in the main file
    assert {e.data["agent_id"] for e in relayed} == {"afb92ff"}
    assert any(e.kind == EventKind.TOOL_CALL and e.tool_use_id == "toolu_01LdecmEM8HVNM6T4ht7x8Gi" for e in relayed)
    task = next(e for e in relayed if e.kind == EventKind.PROMPT)
    assert task.origin == Origin.AGENT and task.text.startswith("Draft bead content for setting up Credo")


def test_a_compaction_summary_is_a_compaction_event(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    (compaction,) = events_of(store, FASTHOOKS, EventKind.COMPACTION)
    assert compaction.origin == Origin.AGENT and compaction.transcript_line == 60
    assert compaction.text.startswith("This session is being continued from a previous conversation")
    assert compaction.data == {"trigger": "manual", "preTokens": 21558}


def test_no_base64_image_data_is_stored(corpus: Path, imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    screenshots = corpus / "claude-code" / "hook-dumps" / "SacredTexts-chess-study-tool" / "55fd661" / "chat.json"
    assert "iVBORw0KGgo" in screenshots.read_text()  # the source holds PNG screenshots
    rows = raw.execute(store, "SELECT key, text, COALESCE(tool_input, ''), data FROM events")
    assert [key for key, *texts in rows if any(_BASE64_RUN.search(text) for text in texts)] == []
    assert any("[image]" in text for _, text, _, _ in rows)


def test_the_old_json_array_format_imports(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    prompts = [e for e in events_of(store, OLD_FORMAT, EventKind.PROMPT) if e.origin == Origin.USER]
    assert prompts[0].text == "/agents"
    assert prompts[1].text.startswith("i've provided many specialized sub-agents in the .claude/agents dir")
    assert any(e.tool_name == "LS" for e in events_of(store, OLD_FORMAT, EventKind.TOOL_CALL))


def test_stop_hook_feedback_is_not_a_prompt(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    session = "c64cc478-3430-40fe-8e9c-4ee9986e9754"  # coverage-test-fix: blocked twice by its Stop hook
    notices = [e for e in events_of(store, session, EventKind.NOTICE) if e.text.startswith("Stop hook feedback")]
    assert len(notices) == 2 and {n.origin for n in notices} == {Origin.SYSTEM}
    assert len([e for e in events_of(store, session, EventKind.PROMPT) if e.origin == Origin.USER]) == 1


def test_codex_prompts_are_kept_once_and_its_own_context_is_system(imported: tuple[SQLiteStore, ImportReport]) -> None:
    store, _ = imported
    prompts = events_of(store, RTCHESS, EventKind.PROMPT)
    assert len(prompts) == 54 and {p.origin for p in prompts} == {Origin.USER}  # each also appears as event_msg
    assert prompts[0].text.startswith("I want to make a chess variant that isn't real time")
    (context,) = [e for e in events_of(store, RTCHESS, EventKind.NOTICE) if "<environment_context>" in e.text]
    assert context.origin == Origin.SYSTEM
    calls = events_of(store, RTCHESS, EventKind.TOOL_CALL)
    results = events_of(store, RTCHESS, EventKind.TOOL_RESULT)
    assert len(calls) == len(results) == 298
    assert {r.tool_use_id for r in results} == {c.tool_use_id for c in calls}
    assert sum(r.is_error for r in results) == 9  # the nine "Exit code: 1" shell runs
    exec_prompts = events_of(store, CODEX_EXEC, EventKind.PROMPT)
    assert [(p.text, p.origin) for p in exec_prompts] == [("[REDACTED_PROMPT]", Origin.USER)]


def test_hook_payloads_and_transcripts_reconcile_without_duplicates(corpus: Path, tmp_path: Path) -> None:
    """The hook dumps hold real UserPromptSubmit / PreToolUse / PostToolUse payloads of the same sessions
    as their chat.json transcripts: stored together, nothing may appear twice."""
    dumps = sorted((corpus / "claude-code" / "hook-dumps").rglob("chat*.json"))
    store = SQLiteStore(tmp_path / "both.db")
    hook_events = [event for folder in sorted({dump.parent for dump in dumps}) for event in _hook_events(folder)]
    store.write(Batch(events=hook_events))
    report = import_paths(store, dumps, stale_after=0)
    assert report.events_known > 150  # tool calls and results both sources saw
    rows = raw.execute(store, "SELECT session_id, kind, tool_use_id, COUNT(*) FROM events GROUP BY 1, 2, 3")
    assert [row for row in rows if row[2] is not None and row[3] > 1] == []
    transcript_only = SQLiteStore(tmp_path / "transcripts.db")
    import_paths(transcript_only, dumps, stale_after=0)
    for session in {e.session_id for e in hook_events if e.kind == EventKind.PROMPT}:
        if transcript_only.session(session) is None:
            continue
        typed = Counter(
            _basis(e) for e in events_of(transcript_only, session, EventKind.PROMPT) if e.origin == Origin.USER
        )
        hooked = Counter(_basis(e) for e in hook_events if e.session_id == session and e.kind == EventKind.PROMPT)
        stored = Counter(_basis(e) for e in events_of(store, session, EventKind.PROMPT) if e.origin == Origin.USER)
        assert stored == typed | hooked  # each prompt once per time it was typed, whoever saw it


def _hook_events(folder: Path) -> Iterator[Event]:
    kinds = {
        "user_prompt_submit": EventKind.PROMPT,
        "pre_tool_use": EventKind.TOOL_CALL,
        "post_tool_use": EventKind.TOOL_RESULT,
        "post_tool_use_failure": EventKind.TOOL_RESULT,
    }
    for name, kind in kinds.items():
        path = folder / f"{name}.json"
        if not path.exists():
            continue
        for payload in json.loads(path.read_text()):
            session = payload["session_id"]
            if kind != EventKind.PROMPT and "tool_use_id" not in payload:
                continue  # Claude Code 1.0.x sent no tool_use_id
            if kind == EventKind.PROMPT:  # one real prompt holds half an emoji: keyed in its UTF-8-safe form
                key = keys.content_key(session, "prompt", utf8_safe(payload["prompt"]))
            elif kind == EventKind.TOOL_CALL:
                key = keys.tool_call_key(session, payload["tool_use_id"])
            else:
                key = keys.tool_result_key(session, payload["tool_use_id"])
            origin = (
                Origin.USER
                if kind == EventKind.PROMPT
                else Origin.AGENT
                if kind == EventKind.TOOL_CALL
                else Origin.TOOL
            )
            yield Event(key, session, kind, origin, Source.HOOK, tool_use_id=payload.get("tool_use_id"))


def _basis(event: Event) -> str:
    """The key without its ordinal: the text typed, whichever occurrence this is."""
    return (
        event.key.removesuffix(keys.PENDING_ORDINAL) if keys.needs_ordinal(event.key) else event.key.rpartition("#")[0]
    )
