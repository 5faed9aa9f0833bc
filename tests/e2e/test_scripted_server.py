"""The scripted model server drives the real CLIs: tool calls run, their results come back (with the
error flag), hook context reaches the model, a blocking hook blocks, sessions resume, and each CLI writes
its transcript. These tests use plain shell hooks, so they hold whatever reverie's own capture does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reverie.llms.scripted_server import Script, ScriptedServer, say, shell, summary
from tests.e2e.agents import ClaudeCode, Codex, codex_events

pytestmark = pytest.mark.e2e

CONTEXT_MARKER = "scripted-context-7f3a"
BLOCK_REASON = "blocked by the test policy"


def json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def hooks_that_inject_and_block() -> dict[str, Any]:
    """A SessionStart hook that adds context, and a PreToolUse hook that blocks every shell command."""
    context = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": CONTEXT_MARKER}}
    return {
        "hooks": {
            "SessionStart": [{"hooks": [{"type": "command", "command": f"echo '{json.dumps(context)}'"}]}],
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": f"echo '{BLOCK_REASON}' >&2; exit 2"}]}
            ],
        }
    }


def assert_clean_run(server: ScriptedServer) -> None:
    assert server.script.done, f"the agent stopped after {server.script.consumed} replies"
    assert server.script.overruns == 0
    assert server.unexpected() == []


# Claude Code.


def test_claude_code_runs_a_script_and_returns_tool_results(
    new_claude: Callable[[ScriptedServer], ClaudeCode], project_dir: Path
) -> None:
    with ScriptedServer(Script([shell("false"), shell("echo ok"), say("done")])) as server:
        claude = new_claude(server)
        run = claude.run("run the checks", cwd=project_dir).check()
    assert json.loads(run.stdout)["result"] == "done"
    assert_clean_run(server)
    first, second, third = server.main_exchanges()
    assert first.texts("user")[-1] == "run the checks"
    [failed] = second.tool_results
    assert failed.is_error is True
    assert "Exit code 1" in failed.output
    assert [(result.output, result.is_error) for result in third.tool_results[1:]] == [("ok", False)]
    records = json_lines(claude.transcript(str(run.session_id)))
    called = [
        block["id"]
        for record in records
        if record.get("type") == "assistant"
        for block in record["message"]["content"]
        if block.get("type") == "tool_use"
    ]
    assert called == [second.tool_results[0].call_id, third.tool_results[1].call_id]


def test_claude_code_shows_hook_context_to_the_model_and_a_blocking_hook_blocks(
    new_claude: Callable[[ScriptedServer], ClaudeCode], project_dir: Path
) -> None:
    with ScriptedServer(Script([shell("touch created.txt"), say("ok")])) as server:
        claude = new_claude(server)
        claude.config_dir.mkdir(parents=True)
        claude.settings_path.write_text(json.dumps(hooks_that_inject_and_block()))
        claude.run("make a file", cwd=project_dir).check()
    assert_clean_run(server)
    first, second = server.main_exchanges()
    system_entries = first.texts("system")
    assert any(f"SessionStart hook additional context: {CONTEXT_MARKER}" in text for text in system_entries)
    assert CONTEXT_MARKER not in first.system_prompt  # it arrives inside messages, not the system prompt
    [blocked] = second.tool_results
    assert blocked.is_error is True
    assert BLOCK_REASON in blocked.output
    assert not (project_dir / "created.txt").exists()
    # The transcript keeps what a hook printed: the capture tests rely on its absence.
    reports = [
        record["attachment"] for record in json_lines(claude.transcripts()[0]) if record.get("type") == "attachment"
    ]
    printed = [report for report in reports if report.get("type") == "hook_success"]
    assert [(report["hookEvent"], CONTEXT_MARKER in report["stdout"]) for report in printed] == [("SessionStart", True)]


def test_claude_code_resumes_a_session_with_its_history(
    new_claude: Callable[[ScriptedServer], ClaudeCode], project_dir: Path
) -> None:
    with ScriptedServer(Script([say("first answer"), say("second answer")])) as server:
        claude = new_claude(server)
        first = claude.run("first question", cwd=project_dir).check()
        second = claude.run("second question", cwd=project_dir, resume=first.session_id).check()
    assert_clean_run(server)
    assert second.session_id == first.session_id
    resumed = server.main_exchanges()[1]
    assert resumed.shows("first question")
    assert "first answer" in resumed.texts("assistant")
    assert resumed.texts("user")[-1] == "second question"
    assert len(claude.transcripts()) == 1


def test_claude_code_compacts_with_a_scripted_summary(
    new_claude: Callable[[ScriptedServer], ClaudeCode], project_dir: Path, tmp_path: Path
) -> None:
    payloads = tmp_path / "pre-compact.jsonl"
    dump = f'python3 -I -S -c \'import sys; open("{payloads}", "a").write(sys.stdin.read() + "\\n")\''
    script = Script([shell("echo hi"), say("done"), summary("The user asked for hi."), say("after")])
    with ScriptedServer(script) as server:
        claude = new_claude(server)
        claude.config_dir.mkdir(parents=True)
        hooks = {"hooks": {"PreCompact": [{"hooks": [{"type": "command", "command": dump}]}]}}
        claude.settings_path.write_text(json.dumps(hooks))
        first = claude.run("say hi", cwd=project_dir).check()
        claude.run("/compact", cwd=project_dir, resume=first.session_id).check()
        claude.run("go on", cwd=project_dir, resume=first.session_id).check()
    assert_clean_run(server)
    compaction, after = server.main_exchanges()[2:]
    assert compaction.tools_offered  # indistinguishable from a main request but for its instructions
    assert after.texts("user")[0].startswith("This session is being continued")
    assert "The user asked for hi." in after.texts("user")[0]
    [payload] = json_lines(payloads)
    assert (payload["hook_event_name"], payload["trigger"]) == ("PreCompact", "manual")
    records = json_lines(claude.transcript(str(first.session_id)))
    assert any(record.get("subtype") == "compact_boundary" for record in records)
    assert any(record.get("isCompactSummary") for record in records)


# Codex CLI.


def test_codex_runs_a_script_and_returns_tool_results(
    new_codex: Callable[[ScriptedServer], Codex], project_dir: Path
) -> None:
    with ScriptedServer(Script([shell("false"), shell("echo ok"), say("done")])) as server:
        codex = new_codex(server)
        run = codex.run("run the checks", cwd=project_dir).check()
    assert_clean_run(server)
    commands = [
        (event["item"]["exit_code"], event["item"]["aggregated_output"])
        for event in codex_events(run.stdout)
        if event.get("type") == "item.completed" and event["item"].get("type") == "command_execution"
    ]
    assert commands == [(1, ""), (0, "ok\n")]
    _, second, third = server.main_exchanges()
    [failed] = second.tool_results
    assert "exited with code 1" in failed.output
    assert failed.is_error is None  # the Responses wire has no error flag: the exit code is in the text
    assert "ok" in third.tool_results[1].output
    records = json_lines(codex.rollout(str(run.session_id)))
    called = [record["payload"]["call_id"] for record in records if record["payload"].get("type") == "function_call"]
    assert called == [result.call_id for result in third.tool_results]


def test_codex_shows_hook_context_to_the_model_and_a_blocking_hook_blocks(
    new_codex: Callable[[ScriptedServer], Codex], project_dir: Path
) -> None:
    with ScriptedServer(Script([shell("touch created.txt"), say("ok")])) as server:
        codex = new_codex(server)
        codex.write_config()
        codex.hooks_path.write_text(json.dumps(hooks_that_inject_and_block()))
        codex.run("make a file", cwd=project_dir).check()
    assert_clean_run(server)
    first, second = server.main_exchanges()
    assert any(CONTEXT_MARKER in text for text in first.texts("developer"))
    [blocked] = second.tool_results
    assert BLOCK_REASON in blocked.output
    assert not (project_dir / "created.txt").exists()


def test_codex_resumes_a_session_with_its_history(
    new_codex: Callable[[ScriptedServer], Codex], project_dir: Path
) -> None:
    with ScriptedServer(Script([say("first answer"), say("second answer")])) as server:
        codex = new_codex(server)
        first = codex.run("first question", cwd=project_dir).check()
        second = codex.run("second question", cwd=project_dir, resume=first.session_id).check()
    assert_clean_run(server)
    assert second.session_id == first.session_id
    resumed = server.main_exchanges()[1]
    assert "first question" in resumed.texts("user")
    assert "first answer" in resumed.texts("assistant")
    assert resumed.texts("user")[-1] == "second question"
    assert len(codex.rollouts()) == 1
