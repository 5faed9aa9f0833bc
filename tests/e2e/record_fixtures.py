"""Record the project's own fixtures: transcripts and hook payloads written by the real CLIs.

    .venv/bin/python -m tests.e2e.record_fixtures [--out tests/fixtures/recorded]

Runs the scenarios of tests/e2e/scenarios.py (capture through both CLIs, compaction through Claude
Code) against the scripted model server, with a hook on every event that appends its raw payload to
a file, then copies the transcripts (subagent files included, in the agents' own folder layout, so
``reverie import`` can discover them) and the payloads into ``--out``. The temporary directory of
the run is replaced by ``/tmp/reverie-e2e`` everywhere, raw and in Claude Code's munged form, so
that re-recording on another machine changes only what the CLIs themselves changed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reverie.llms.scripted_server import ScriptedServer
from tests.e2e.agents import CLAUDE_BINARY, CODEX_BINARY, AgentRun, ClaudeCode, Codex
from tests.e2e.scenarios import Turn, capture_turns, compaction_turns, script_of

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"
STABLE_ROOT = "/tmp/reverie-e2e"
CLAUDE_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop")
CLAUDE_EVENTS += ("SubagentStop", "PreCompact", "SessionEnd")
CODEX_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SessionEnd")
TOOLS = ("Bash", "Write")
TOOL_EVENTS = {"PreToolUse", "PostToolUse", "PostToolUseFailure"}

DUMP_HOOK = """import sys
data = sys.stdin.buffer.read().strip()
with open(sys.argv[1], "ab") as sink:
    sink.write(data.replace(b"\\n", b" ") + b"\\n")
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.record_fixtures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    options = parser.parse_args(argv)
    for binary in (CLAUDE_BINARY, CODEX_BINARY):
        if not binary.exists():
            print(f"{binary} is missing: run `cd tests/e2e && npm ci` first", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="reverie-record-") as temporary:
        root = Path(temporary).resolve()
        record_claude_code(root, options.out / "claude-code")
        record_codex(root, options.out / "codex")
    print(f"recorded into {options.out}")
    return 0


def record_claude_code(root: Path, out: Path) -> None:
    project = _project(root)
    payloads = root / "claude-hooks.jsonl"
    claude = ClaudeCode("", root / "claude")
    claude.config_dir.mkdir(parents=True)
    claude.settings_path.write_text(json.dumps(_dump_hooks(root, payloads, CLAUDE_EVENTS)), encoding="utf-8")
    for turns in (capture_turns(project, with_write=True), compaction_turns()):
        with ScriptedServer(script_of(turns)) as server:
            claude.server_url = server.url
            _run_session(
                server, turns, lambda turn, session: claude.run(turn, cwd=project, resume=session, tools=TOOLS)
            )
    _replace(out)
    for transcript in sorted((claude.config_dir / "projects").rglob("*.jsonl")):  # subagent files included
        _copy_scrubbed(transcript, out / scrub(str(transcript.relative_to(claude.config_dir)), root), root)
    _copy_scrubbed(payloads, out / "hook-payloads.jsonl", root)


def record_codex(root: Path, out: Path) -> None:
    project = _project(root)
    turns = capture_turns(project, with_write=False)
    payloads = root / "codex-hooks.jsonl"
    with ScriptedServer(script_of(turns)) as server:
        codex = Codex(server.openai_base_url, root / "codex")
        codex.write_config()
        codex.hooks_path.write_text(json.dumps(_dump_hooks(root, payloads, CODEX_EVENTS)), encoding="utf-8")
        _run_session(server, turns, lambda turn, session: codex.run(turn, cwd=project, resume=session))
    _replace(out)
    for rollout in codex.rollouts():
        _copy_scrubbed(rollout, out / rollout.relative_to(codex.home), root)
    _copy_scrubbed(payloads, out / "hook-payloads.jsonl", root)


def _run_session(server: ScriptedServer, turns: Sequence[Turn], run: Callable[[str, str | None], AgentRun]) -> None:
    """Each turn is one CLI run; the first names the session that the others resume."""
    session: str | None = None
    for turn in turns:
        result = run(turn.prompt, session).check()
        session = session or result.session_id
        if session is None:
            raise AssertionError("the agent printed no session id")
    if not server.script.done or server.script.overruns:
        raise AssertionError(f"the agent used {server.script.consumed} of {len(server.script.replies)} replies")


def _project(root: Path) -> Path:
    project = root / "project"
    project.mkdir(exist_ok=True)
    for stale in project.iterdir():
        stale.unlink()
    return project


def _dump_hooks(root: Path, sink: Path, events: Sequence[str]) -> dict[str, Any]:
    script = root / "dump_hook.py"
    script.write_text(DUMP_HOOK, encoding="utf-8")
    handler = {"type": "command", "command": f"python3 -I -S {script} {sink}", "timeout": 10}
    return {
        "hooks": {
            event: [{"matcher": "*", "hooks": [handler]} if event in TOOL_EVENTS else {"hooks": [handler]}]
            for event in events
        }
    }


def _replace(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)


def _copy_scrubbed(source: Path, target: Path, root: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scrub(source.read_text(encoding="utf-8"), root), encoding="utf-8")


def scrub(text: str, root: Path) -> str:
    """Replace the run's temporary root, raw and munged the way Claude Code names project folders."""
    return text.replace(str(root), STABLE_ROOT).replace(_munged(str(root)), _munged(STABLE_ROOT))


def _munged(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "-", path)


if __name__ == "__main__":
    sys.exit(main())
