"""What the loop reads from the agents' output: session ids and token usage, never an error."""

from __future__ import annotations

import json
from pathlib import Path

from reverie.loop.agents import Agent, AgentName, read_claude_result, read_codex_events, run_environment

CLAUDE = json.dumps(
    {
        "type": "result",
        "session_id": "5304dc91-d305-4586-9e60-aa4bc6b0b1da",
        "result": "done",
        "usage": {
            "input_tokens": 25205,
            "cache_creation_input_tokens": 10,
            "cache_read_input_tokens": 5,
            "output_tokens": 34,
        },
    }
)
CODEX = "\n".join(
    [
        "Reading additional input from stdin...",
        '{"type":"thread.started","thread_id":"01a20e36-33c7-7103-a769-363179755fd7"}',
        '{"type":"turn.completed","usage":{"input_tokens":20240,"cached_input_tokens":20000,"output_tokens":94}}',
        '{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"done"}}',
        '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":6}}',
    ]
)


def test_claude_usage_counts_cached_input_too() -> None:
    report = read_claude_result(CLAUDE)
    assert report.session_id == "5304dc91-d305-4586-9e60-aa4bc6b0b1da" and report.result == "done"
    assert (report.usage.input_tokens, report.usage.output_tokens, report.usage.total) == (25220, 34, 25254)


def test_codex_usage_is_summed_over_turns_without_counting_cached_input_twice() -> None:
    report = read_codex_events(CODEX)
    assert report.session_id == "01a20e36-33c7-7103-a769-363179755fd7" and report.result == "done"
    assert (report.usage.input_tokens, report.usage.output_tokens) == (20340, 100)


def test_garbled_truncated_or_empty_output_gives_no_session_and_no_usage() -> None:
    for stdout in ("", "not json", CLAUDE[:40], '{"type": "result", "usage": "lots"}', "[1, 2]", '{"usage": {}}'):
        claude = read_claude_result(stdout)
        assert claude.usage.total == 0 and claude.session_id is None
    assert (
        read_codex_events('{"type":"turn.completed","usage":{"input_tokens":-5,"output_tokens":true}}').usage.total == 0
    )


def test_argv_is_headless_fresh_and_has_the_prompt() -> None:
    claude = Agent(AgentName.CLAUDE_CODE, "/bin/claude", ("--model", "x"))
    assert claude.argv("do it") == ["/bin/claude", "-p", "do it", "--output-format", "json", "--model", "x"]
    codex = Agent(AgentName.CODEX, "/bin/codex")
    assert codex.argv("do it") == ["/bin/codex", "exec", "--json", "do it"]
    assert "--resume" not in claude.argv("x") and "resume" not in codex.argv("x")


def test_runs_are_captured_and_not_nested() -> None:
    env = run_environment({"REVERIE_CAPTURE": "0", "CLAUDECODE": "1", "PATH": "/bin"}, home=Path("/h"))
    assert env == {"PATH": "/bin", "REVERIE_HOME": "/h", "REVERIE_AUTO_INGEST": "0"}
