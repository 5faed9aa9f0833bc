"""The capture hook, run as agents run it: a subprocess, payload on stdin, nothing on stdout, exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reverie.capture import hook, hook_call
from reverie.domain import keys

HOOK = Path(hook.__file__).resolve()
SECRET = "gh" + "p_" + "k3Y" * 12


def run_hook(
    payload: bytes | str,
    home: Path,
    event: str = "PostToolUse",
    agent: str = "claude-code",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    data = payload.encode() if isinstance(payload, str) else payload
    environment = {k: v for k, v in os.environ.items() if k not in ("REVERIE_HOME", "REVERIE_CAPTURE")}
    environment.update(env or {})
    command = [sys.executable, "-I", "-S", str(HOOK), "--agent", agent, "--event", event, "--home", str(home)]
    result = subprocess.run(command, input=data, capture_output=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    return result


def records(home: Path) -> list[dict[str, Any]]:
    folder = home / "spool"
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def payload(event: str = "PostToolUse", cwd: str = "/tmp", **fields: Any) -> str:
    base = {"session_id": "sess-1", "transcript_path": f"{cwd}/t.jsonl", "cwd": cwd, "hook_event_name": event}
    return json.dumps({**base, **fields})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose origin is github.com/acme/widgets (read from .git/config, as the hook does)."""
    root = tmp_path / "widgets"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:Acme/Widgets.git\n')
    return root


def test_a_payload_becomes_one_redacted_spool_record(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    body = payload(
        cwd=str(repo),
        tool_name="Bash",
        tool_input={"command": f"git push https://x:{SECRET}@github.com/acme/widgets"},
        tool_response={"stdout": "ok", "stderr": ""},
        tool_use_id="toolu_01",
    )
    run_hook(body, home)
    [record] = records(home)
    assert record["agent"] == "claude-code" and record["event"] == "PostToolUse"
    assert record["project"] == {"key": "github.com/acme/widgets", "name": "acme/widgets"}
    assert record["payload"]["tool_use_id"] == "toolu_01"
    assert record["received_at"].endswith("Z") and record["id"]
    assert SECRET not in (home / "spool" / f"{record['id']}.json").read_text()
    assert "[REDACTED:" in record["payload"]["tool_input"]["command"]


def test_files_and_folders_are_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    run_hook(payload(), home)
    [path] = (home / "spool").glob("*.json")
    assert path.stat().st_mode & 0o777 == 0o600
    for folder in (home, home / "spool"):
        assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("garbage", [b"not json at all", b"[1, 2, 3]", b'{"truncated": ', b"\xff\xfe\x00binary"])
def test_garbage_is_kept_as_a_record_for_ingest_to_report(tmp_path: Path, garbage: bytes) -> None:
    run_hook(garbage, tmp_path / "home")
    [record] = records(tmp_path / "home")
    assert record["payload"] is None and record["error"] == "payload is not a JSON object"
    assert record["raw"]


def test_garbage_is_redacted_too(tmp_path: Path) -> None:
    run_hook(f"oops GITHUB_TOKEN={SECRET} <<<", tmp_path / "home")
    assert SECRET not in json.dumps(records(tmp_path / "home"))


def test_empty_stdin_writes_nothing_and_logs_why(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_hook(b"", home)
    assert records(home) == []
    assert "empty payload" in (home / "logs" / "hook.log").read_text()


def test_a_payload_of_several_megabytes_is_cut_per_field(tmp_path: Path) -> None:
    home = tmp_path / "home"
    content = "line of a large file that the agent read whole\n" * 110_000  # about 5 MB
    run_hook(payload(tool_name="Read", tool_response={"file": {"content": content}}, tool_use_id="t"), home)
    [record] = records(home)
    kept = record["payload"]["tool_response"]["file"]["content"]
    assert len(kept) < hook_call.MAX_FIELD_CHARS + 200
    assert kept.endswith("more characters not kept]")
    assert record["payload"]["tool_use_id"] == "t"


def test_an_unwritable_home_fails_open(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_hook(payload(), blocker / "home")
    assert result.stderr == b""


def test_capture_off_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_hook(payload(), home, env={"REVERIE_CAPTURE": "0"})
    assert not home.exists()


def test_reverie_home_overrides_the_flag(tmp_path: Path) -> None:
    run_hook(payload(), tmp_path / "flag", env={"REVERIE_HOME": str(tmp_path / "env")})
    assert records(tmp_path / "env") and not records(tmp_path / "flag")


def test_the_hook_imports_nothing_outside_the_standard_library(tmp_path: Path) -> None:
    def imported() -> list[str]:
        """Every module the hook imports, run as agents run it (``-X importtime`` names each one)."""
        environment = {k: v for k, v in os.environ.items() if k != "REVERIE_HOME"}
        command = [sys.executable, "-X", "importtime", "-I", "-S", str(HOOK), "--agent", "claude-code"]
        command += ["--event", "PostToolUse", "--home", str(tmp_path)]
        result = subprocess.run(command, input=payload().encode(), capture_output=True, env=environment)
        assert result.returncode == 0 and result.stdout == b"", result.stderr
        lines = result.stderr.decode().splitlines()
        names = [line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")]
        return names[1:]  # [0] is the table's header

    ours = {"reverie", "reverie.capture", "reverie.capture.redact", "reverie.capture.spool"}
    ours |= {"reverie.capture.project", "reverie.capture.pattern_cache", "reverie.capture.lean_json"}
    ours |= {"reverie.capture.project_cache", "reverie.capture.file_stamps"}
    ours |= {
        "reverie.capture.hook_call",
        "reverie.capture.redact_context",
        "reverie.atomic",
        "reverie.lean_json",
        "reverie.lean_os",
        "reverie.deadline",
        "reverie.capture.runtime",
        "reverie.capture.bundle",  # the first run builds the hook runtime file
    }
    first, second = imported(), imported()  # without the hook runtime file, then from it
    assert "reverie.capture.bundle" in first and "reverie.capture.bundle" not in second
    assert "os" not in second  # not loaded under -S, and not needed: lean_os
    foreign = [
        name
        for name in first + second
        if name.split(".")[0] not in sys.stdlib_module_names
        and name not in ours
        and not name.startswith("reverie.domain")
        and name != "__main__"
    ]
    assert foreign == []
    assert len(records(tmp_path)) == 2


def test_session_start_records_the_context(tmp_path: Path) -> None:
    run_hook(
        payload("SessionStart", source="startup"), tmp_path, event="SessionStart", env={"CLAUDE_PROJECT_DIR": "/p"}
    )
    [record] = records(tmp_path)
    assert record["context"]["project_dir"] == "/p"
    assert record["context"]["python"] == sys.version.split()[0]


def test_the_project_is_read_once_per_session_and_cached(tmp_path: Path, repo: Path) -> None:
    run_hook(payload(cwd=str(repo)), tmp_path)
    cache = tmp_path / "cache" / "projects" / "sess-1.json"
    assert json.loads(cache.read_text())["project"]["key"] == "github.com/acme/widgets"
    # The worktree may be gone later in the session: the identity read at its start still holds.
    (repo / ".git" / "config").unlink()
    run_hook(payload(cwd=str(repo)), tmp_path)
    assert [r["project"]["key"] for r in records(tmp_path)] == ["github.com/acme/widgets"] * 2


def test_a_prompt_changed_by_redaction_keeps_the_key_of_what_was_typed(tmp_path: Path) -> None:
    typed = f"deploy with  TOKEN={SECRET}\nplease"
    run_hook(payload("UserPromptSubmit", prompt=typed), tmp_path, event="UserPromptSubmit")
    [record] = records(tmp_path)
    digest = record["payload"]["prompt_key_digest"]
    assert keys.content_key("sess-1", "prompt", typed) == f"sess-1:prompt:{digest}{keys.PENDING_ORDINAL}"
    assert SECRET not in record["payload"]["prompt"]


@pytest.mark.parametrize("prompt", ["plain", "  spaced\t out \n", "émoji 🎉", "half \ud83c emoji"])
def test_the_prompt_digest_matches_the_domain_key(prompt: str) -> None:
    safe = prompt.encode("utf-8", "replace").decode("utf-8")  # what transcript import keys (utf8_safe)
    assert (
        keys.content_key("s", "prompt", safe) == f"s:prompt:{hook_call.prompt_key_digest(prompt)}{keys.PENDING_ORDINAL}"
    )


def test_an_error_is_logged_with_its_traceback_and_the_log_is_capped(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "hook.log").write_text("x" * (hook_call.MAX_LOG_BYTES + 1))
    run_hook(b"", tmp_path)
    assert (logs / "hook.log.1").stat().st_size > hook_call.MAX_LOG_BYTES
    assert "Traceback" in (logs / "hook.log").read_text()
    assert (logs / "hook.log").stat().st_mode & 0o777 == 0o600


def test_session_end_starts_ingest_detached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda args, **kwargs: started.append((args, kwargs)))
    hook_call.start_ingest(str(tmp_path))
    [(args, kwargs)] = started
    assert args == [sys.executable, "-m", "reverie.cli", "ingest", "--quiet", "--distill"]
    assert kwargs["env"]["REVERIE_CAPTURE"] == "0" and kwargs["env"]["REVERIE_HOME"] == str(tmp_path)
    assert kwargs["start_new_session"] is True
    assert kwargs["stdin"] == kwargs["stdout"] == kwargs["stderr"] == subprocess.DEVNULL


def test_only_session_end_starts_ingest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[str] = []
    monkeypatch.setattr(hook_call, "start_ingest", started.append)
    monkeypatch.setattr(hook_call, "_read_stdin", lambda: (payload().encode(), 0))
    monkeypatch.delenv("REVERIE_HOME")
    hook_call.main(["--agent", "claude-code", "--event", "PostToolUse", "--home", str(tmp_path)])
    assert started == []
    hook_call.main(["--agent", "codex", "--event", "Stop", "--home", str(tmp_path)])
    assert started == []
    hook_call.main(["--agent", "claude-code", "--event", "SessionEnd", "--home", str(tmp_path)])
    hook_call.main(["--agent", "codex", "--event", "SessionEnd", "--home", str(tmp_path)])
    assert started == [str(tmp_path)] * 2


def test_auto_ingest_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[str] = []
    monkeypatch.setattr(hook_call, "start_ingest", started.append)
    monkeypatch.setattr(hook_call, "_read_stdin", lambda: (payload().encode(), 0))
    monkeypatch.delenv("REVERIE_HOME")
    monkeypatch.setenv("REVERIE_AUTO_INGEST", "0")
    hook_call.main(["--agent", "claude-code", "--event", "SessionEnd", "--home", str(tmp_path)])
    assert started == []
    assert list((tmp_path / "spool").glob("*.json"))  # the event itself is still captured
