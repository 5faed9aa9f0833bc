"""Claude Code in the extension table: everything reverie knows about it, as one ``Agent``."""

from __future__ import annotations

import os
from pathlib import Path

from reverie.adapters.claude_code import payloads, settings
from reverie.adapters.claude_code.transcript import ClaudeTranscript
from reverie.errors import ConfigError
from reverie.extensions import Agent, HookSettings, TranscriptFormat


def _folders() -> list[Path]:
    return [Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude") / "projects"]


def _settings_path(project: str | None) -> Path:
    if project is None:
        return settings.user_settings_path()
    folder = Path(project).expanduser() if project else settings.project_root(Path.cwd())
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder")
    return settings.project_settings_path(folder)


def _walks(name: str) -> bool:
    return name.endswith(".jsonl")  # a .json array is recognised by its content (capture.importer)


def _parser(path: Path) -> ClaudeTranscript:
    # A subagent's file sits in <session>/subagents/; its records name the parent session anyway.
    parent = path.parent.parent.name if path.parent.name == "subagents" else path.stem
    return ClaudeTranscript(str(path), default_session_id=parent)


AGENT = Agent(
    name=payloads.AGENT,
    display_name="Claude Code",
    normalize=payloads.normalize,
    # Claude Code's records have no one field that names them, so it reads whatever no other claims.
    transcripts=(TranscriptFormat("json", _walks, lambda path, first: True, _parser, fallback=True),),
    default_folders=_folders,
    hooks=HookSettings(settings.HOOKS, None, settings.is_recall_handler, _settings_path),
    artifact_targets=("claude-code", "agents-md"),
    actor_markers=("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT"),
    process_names=("claude", "claude-code"),
    process_packages=("@anthropic-ai/claude-code", "/claude-code/cli"),
)
