"""A stand-in for ``claude -p``: runs the shell commands planned for this run, writes a Claude Code
style transcript of them, and prints a result object with a session id and usage.

The plan (``FAKE_AGENT_PLAN``, a JSON list with one list of steps per run) is the fake model's
script. A step is a shell command, or ``{"write": path, "content": text}`` for a Write tool call;
a run that is ``{"refuse": message}`` instead of a list prints the message on stderr and exits 1
before any session starts, as a CLI that refuses its arguments does. ``FAKE_AGENT_LOG`` receives one
JSON line per run with the prompt it was given. Runs past the end of the plan do nothing.
``FAKE_AGENT_SLEEP`` makes it hang (for timeouts and Ctrl-C).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path


def main() -> int:
    prompt = sys.argv[sys.argv.index("-p") + 1]
    log = Path(os.environ["FAKE_AGENT_LOG"])
    runs = log.read_text().count("\n") if log.exists() else 0
    with log.open("a") as sink:
        shown = os.environ.get("REVERIE_RECALL_SHOWN")
        sink.write(json.dumps({"prompt": prompt, "argv": sys.argv[1:], "recall_shown": shown}) + "\n")
    if os.environ.get("FAKE_AGENT_SLEEP"):
        time.sleep(float(os.environ["FAKE_AGENT_SLEEP"]))
    plan = json.loads(Path(os.environ["FAKE_AGENT_PLAN"]).read_text())
    steps = plan[runs] if runs < len(plan) else []
    if isinstance(steps, dict):
        print(steps["refuse"], file=sys.stderr)
        return 1
    session = str(uuid.uuid4())
    cwd = os.getcwd()
    records = [_record("user", session, cwd, {"role": "user", "content": prompt})]
    for number, step in enumerate(steps):
        call_id = f"toolu_fake_{session[:8]}_{number}"
        use, output, failed = _write(step, call_id) if isinstance(step, dict) else _shell(step, call_id)
        records.append(
            _record("assistant", session, cwd, {"id": f"msg_{call_id}", "role": "assistant", "content": [use]})
        )
        result = {"type": "tool_result", "tool_use_id": call_id, "content": output, "is_error": failed}
        records.append(_record("user", session, cwd, {"role": "user", "content": [result]}))
    folder = Path(os.environ["CLAUDE_CONFIG_DIR"]) / "projects" / re.sub(r"[^A-Za-z0-9]", "-", cwd)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{session}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    usage = {"input_tokens": 1000, "cache_read_input_tokens": 500, "output_tokens": 100}
    print(json.dumps({"type": "result", "session_id": session, "usage": usage, "result": "All done, it works now!"}))
    return 0


def _shell(command: str, call_id: str) -> tuple[dict[str, object], str, bool]:
    done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    use = {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": command}}
    failed = done.returncode != 0
    return use, (f"Exit code {done.returncode}\n" if failed else "") + done.stdout + done.stderr, failed


def _write(step: dict[str, str], call_id: str) -> tuple[dict[str, object], str, bool]:
    path = Path(step["write"]).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(step["content"])
    use = {
        "type": "tool_use",
        "id": call_id,
        "name": "Write",
        "input": {"file_path": str(path), "content": step["content"]},
    }
    return use, f"File created successfully at: {path}", False


def _record(kind: str, session: str, cwd: str, message: dict[str, object]) -> dict[str, object]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    return {
        "type": kind,
        "message": message,
        "uuid": str(uuid.uuid4()),
        "timestamp": stamp,
        "cwd": cwd,
        "sessionId": session,
    }


if __name__ == "__main__":
    sys.exit(main())
