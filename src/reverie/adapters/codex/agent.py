"""Codex CLI in the extension table: everything reverie knows about it, as one ``Agent``."""

from __future__ import annotations

import os
from pathlib import Path

from reverie.adapters.codex import payloads, settings
from reverie.adapters.codex.rollout import CodexRollout
from reverie.errors import ConfigError
from reverie.extensions import Agent, HookSettings, TranscriptFormat

_LINE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})


def _folders() -> list[Path]:
    return [Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex") / "sessions"]


def _settings_path(project: str | None) -> Path:
    if project is not None:
        raise ConfigError(
            "Codex has no per-clone settings file that stays out of git; "
            "`reverie init --agent codex` (without --project) captures every project"
        )
    return settings.hooks_path()


def _claims(path: Path, first: object) -> bool:
    return isinstance(first, dict) and "payload" in first and first.get("type") in _LINE_TYPES


def _parser(path: Path) -> CodexRollout:
    return CodexRollout(str(path))


AGENT = Agent(
    name=payloads.AGENT,
    display_name="Codex",
    normalize=payloads.normalize,
    transcripts=(TranscriptFormat("json", lambda name: name.endswith(".jsonl"), _claims, _parser),),
    default_folders=_folders,
    hooks=HookSettings(settings.HOOKS, None, settings.is_recall_handler, _settings_path),
    artifact_targets=("codex", "agents-md"),
    actor_markers=("CODEX_THREAD_ID", "CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED"),
    process_names=("codex", "codex-cli"),
    process_packages=("@openai/codex", "/codex/bin/codex"),
)
