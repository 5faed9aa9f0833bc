"""Run the real Claude Code and Codex CLIs headless, each in its own temporary config dir, against a
scripted model server on 127.0.0.1.

Isolation is the point: each agent gets a fresh config dir (``CLAUDE_CONFIG_DIR``, ``CODEX_HOME``), a
fresh ``HOME`` so nothing it writes can reach the real one, and an environment built from scratch
(only PATH and locale are inherited) so no real API key, proxy or ``CLAUDECODE`` flag leaks in. The
only address either CLI is given is the scripted server's.

Both CLIs are run with permissions bypassed (``IS_SANDBOX=1`` lets Claude Code accept that as root);
hooks still run, and a PreToolUse hook can still block.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

E2E_DIR = Path(__file__).resolve().parent
NODE_BIN = E2E_DIR / "node_modules" / ".bin"
CLAUDE_BINARY = NODE_BIN / "claude"
CODEX_BINARY = NODE_BIN / "codex"
RUN_TIMEOUT_SECONDS = 120  # a scripted run takes about a second; this only stops a hung CLI
INHERITED_VARIABLES = ("PATH", "LANG", "LC_ALL", "TMPDIR")
CODEX_KEY_VARIABLE = "REVERIE_SCRIPTED_API_KEY"


@dataclass(frozen=True)
class AgentRun:
    """One finished CLI invocation."""

    args: Sequence[str]
    returncode: int
    stdout: str
    stderr: str
    session_id: str | None

    def check(self) -> AgentRun:
        if self.returncode != 0:
            raise AssertionError(
                f"{self.args[0]} exited {self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"
            )
        return self


def require(binary: Path) -> None:
    """Fail in CI (a skipped tier there would hide a broken install); skip elsewhere."""
    if binary.exists():
        return
    message = f"{binary.name} is not installed at {binary}; run `make test` or `cd tests/e2e && npm ci`"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def base_environment(home: Path, extra: Mapping[str, str]) -> dict[str, str]:
    inherited = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    return {**inherited, "HOME": str(home), **extra}


@dataclass
class ClaudeCode:
    """Claude Code with its own config dir. Transcripts land in ``<config_dir>/projects/``."""

    server_url: str
    root: Path  # a temporary directory this agent owns
    extra_env: Mapping[str, str] = field(default_factory=dict)
    binary: Path = CLAUDE_BINARY

    @property
    def config_dir(self) -> Path:
        return self.root / "claude-config"

    @property
    def settings_path(self) -> Path:
        """User-level settings, where ``reverie init`` writes its hooks."""
        return self.config_dir / "settings.json"

    def environment(self) -> dict[str, str]:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        return base_environment(
            self.root / "home",
            {
                "ANTHROPIC_BASE_URL": self.server_url,
                "ANTHROPIC_API_KEY": "sk-ant-scripted-dummy",
                "CLAUDE_CONFIG_DIR": str(self.config_dir),
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                "DISABLE_AUTOUPDATER": "1",
                "DISABLE_TELEMETRY": "1",
                "DISABLE_ERROR_REPORTING": "1",
                "IS_SANDBOX": "1",
                **self.extra_env,
            },
        )

    def run(self, prompt: str, *, cwd: Path, resume: str | None = None, tools: Sequence[str] = ("Bash",)) -> AgentRun:
        args = [str(self.binary), "-p", prompt, "--output-format", "json", "--dangerously-skip-permissions"]
        args += ["--allowedTools", ",".join(tools)]
        if resume:
            args += ["--resume", resume]
        completed = _run(args, cwd=cwd, env=self.environment())
        return AgentRun(
            args, completed.returncode, completed.stdout, completed.stderr, _claude_session(completed.stdout)
        )

    def transcripts(self) -> list[Path]:
        """Main-session transcripts (subagent files live in per-session subfolders)."""
        return sorted((self.config_dir / "projects").glob("*/*.jsonl"))

    def transcript(self, session_id: str) -> Path:
        matches = [path for path in self.transcripts() if path.stem == session_id]
        if len(matches) != 1:
            raise AssertionError(f"expected one transcript for {session_id}, found {matches}")
        return matches[0]


@dataclass
class Codex:
    """Codex CLI with its own ``CODEX_HOME`` and a ``model_provider`` that points at the server."""

    server_openai_url: str
    root: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    binary: Path = CODEX_BINARY
    model: str = "gpt-5-codex"

    @property
    def home(self) -> Path:
        return self.root / "codex-home"

    @property
    def hooks_path(self) -> Path:
        return self.home / "hooks.json"

    def write_config(self) -> Path:
        """The provider config. Request compression is off by default for custom providers (Codex
        compresses only for ChatGPT sign-in against OpenAI); the feature flag is set off anyway."""
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "config.toml"
        config.write_text(
            f'model = "{self.model}"\n'
            'model_provider = "scripted"\n'
            'approval_policy = "never"\n'
            'sandbox_mode = "danger-full-access"\n'
            "\n[features]\nenable_request_compression = false\n"
            "\n[model_providers.scripted]\n"
            'name = "scripted"\n'
            f'base_url = "{self.server_openai_url}"\n'
            'wire_api = "responses"\n'
            f'env_key = "{CODEX_KEY_VARIABLE}"\n'
            "request_max_retries = 0\n"
            "stream_max_retries = 0\n",
            encoding="utf-8",
        )
        return config

    def environment(self) -> dict[str, str]:
        if not (self.home / "config.toml").exists():
            self.write_config()
        extra = {"CODEX_HOME": str(self.home), CODEX_KEY_VARIABLE: "scripted-dummy", **self.extra_env}
        return base_environment(self.root / "home", extra)

    def run(self, prompt: str, *, cwd: Path, resume: str | None = None) -> AgentRun:
        args = [str(self.binary), "exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-hook-trust"]
        args += ["resume", resume, prompt] if resume else [prompt]
        completed = _run(args, cwd=cwd, env=self.environment())
        return AgentRun(args, completed.returncode, completed.stdout, completed.stderr, _codex_thread(completed.stdout))

    def rollouts(self) -> list[Path]:
        return sorted((self.home / "sessions").glob("*/*/*/rollout-*.jsonl"))

    def rollout(self, thread_id: str) -> Path:
        matches = [path for path in self.rollouts() if path.stem.endswith(thread_id)]
        if len(matches) != 1:
            raise AssertionError(f"expected one rollout for {thread_id}, found {matches}")
        return matches[0]


def codex_events(stdout: str) -> list[dict[str, Any]]:
    """The JSON events ``codex exec --json`` printed (other lines, such as warnings, are skipped)."""
    events = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if isinstance(event, dict):
                events.append(event)
    return events


def _run(args: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    # stdin is closed: a CLI that waits for input would hang the suite instead of failing it.
    return subprocess.run(
        args,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )


def _claude_session(stdout: str) -> str | None:
    try:
        result = json.loads(stdout)
    except ValueError:
        return None
    session = result.get("session_id") if isinstance(result, dict) else None
    return session if isinstance(session, str) else None


def _codex_thread(stdout: str) -> str | None:
    started = [event for event in codex_events(stdout) if event.get("type") == "thread.started"]
    thread = started[0].get("thread_id") if started else None
    return thread if isinstance(thread, str) else None
