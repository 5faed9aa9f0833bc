"""Aider's chat history: the parser on a small history written as aider writes it (the real one, in
../shared/data, is read by the corpus tier in tests/capture/test_import_aider.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.adapters.aider import AiderHistory, history
from reverie.domain import Event, EventKind, Origin

HISTORY = Path(__file__).resolve().parents[1] / "fixtures" / "aider" / ".aider.chat.history.md"


def parse(text: str, path: str = "/repo/.aider.chat.history.md") -> tuple[AiderHistory, list[Event]]:
    parser = AiderHistory(path)
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        events += parser.feed(line, number)
    return parser, events + parser.finish()


def test_sessions_prompts_replies_and_aiders_output() -> None:
    parser, events = parse(HISTORY.read_text())
    sessions = parser.sessions()
    assert [s.started_at for s in sessions] == ["2025-05-23T16:51:58", "2025-05-24T09:00:00"]
    assert {s.cwd for s in sessions} == {"/repo"}
    prompts = [(e.transcript_line, e.text) for e in events if e.kind is EventKind.PROMPT]
    assert prompts == [
        (10, "how do the tests run here?"),
        (18, "always use uv run pytest in this repository, never bare pytest\nand keep the output quiet"),
        (25, "add a task list"),
        (42, "what does app.py do?"),  # no repetition followed the command: its text is the prompt
    ]
    assert all(e.origin is Origin.USER for e in events if e.kind is EventKind.PROMPT)
    replies = [e for e in events if e.kind is EventKind.ASSISTANT]
    assert replies[0].text == "They run with `pytest`.\n\nRun `pytest -q` from the root."
    assert all(e.origin is Origin.AGENT for e in replies)
    output = [e for e in events if e.kind is EventKind.TOOL_RESULT]
    assert all(e.origin is Origin.TOOL and e.tool_name == "aider" for e in output)
    assert output[0].text.startswith("Add .aider* to .gitignore") and output[0].text.endswith("Aider v0.83.1")


def test_commands_and_the_architects_handoff_are_not_the_person() -> None:
    _, events = parse(HISTORY.read_text())
    notices = [(e.text, e.data) for e in events if e.kind is EventKind.NOTICE]
    assert ("/ask how do the tests run here?", {"command": "/ask"}) in notices
    assert ("I will tell the editor to create `task.md`.", {"handoff": "architect"}) in notices
    assert ("/add src/app.py", {"command": "/add"}) in notices
    assert all(e.origin is Origin.SYSTEM for e in events if e.kind is EventKind.NOTICE)


def test_keys_are_stable_and_distinct() -> None:
    _, first = parse(HISTORY.read_text())
    _, again = parse(HISTORY.read_text())
    assert [e.key for e in first] == [e.key for e in again]
    assert len({(e.key, e.transcript_line) for e in first}) == len(first)
    # a line inserted above shifts line numbers, not keys: a re-import adds nothing twice
    _, shifted = parse("\n\n" + HISTORY.read_text())
    assert [e.key for e in shifted] == [e.key for e in first]
    assert [e.transcript_line for e in shifted] == [e.transcript_line + 2 for e in first if e.transcript_line]


def test_a_history_cut_off_at_the_start_or_mid_message_still_parses() -> None:
    text = HISTORY.read_text()
    parser, events = parse(text[text.index("#### always") : text.index("Understood")])
    assert [e.kind for e in events] == [EventKind.PROMPT]
    assert parser.sessions()[0].id.endswith("-unknown")


def test_unknown_lines_are_the_models_text_and_nothing_is_lost() -> None:
    _, events = parse("# aider chat started at 2025-01-01 00:00:00\n#### hi\n\x00\x01 ??? <<<\n### heading\n")
    assert [(e.kind, e.text) for e in events] == [
        (EventKind.PROMPT, "hi"),
        (EventKind.ASSISTANT, "\x00\x01 ??? <<<\n### heading"),
    ]


def test_resuming_mid_file_knows_the_open_session() -> None:
    lines = HISTORY.read_text().splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if line.startswith("# aider chat started at 2025-05-24")) + 1
    parser = AiderHistory("/repo/.aider.chat.history.md")
    for line in lines[:cut]:
        parser.prime(line)
    events = [e for number, line in enumerate(lines[cut:], cut + 1) for e in parser.feed(line, number)]
    events += parser.finish()
    _, whole = parse(HISTORY.read_text())
    assert events and {e.session_id for e in events} == {whole[-1].session_id}
    assert [e.key for e in events] == [e.key for e in whole if e.transcript_line and e.transcript_line > cut]


def test_a_huge_block_is_cut_into_bounded_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "MAX_BLOCK_CHARS", 100)
    _, events = parse("# aider chat started at 2025-01-01 00:00:00\n#### go\n" + "twenty characters!!\n" * 30)
    replies = [e for e in events if e.kind is EventKind.ASSISTANT]
    assert len(replies) > 1 and all(len(e.text) <= 100 + 20 for e in replies)
    assert sum(e.text.count("twenty") for e in replies) == 30
