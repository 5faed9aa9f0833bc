"""Codex CLI's hooks file: where it lives, which events reverie captures, and what Codex needs besides.

**Where.** ``$CODEX_HOME/hooks.json`` or ``~/.codex/hooks.json``: the user layer, loaded in every
project. There is no per-clone, uncommitted project file (``<repo>/.codex/hooks.json`` is shared with the
repository and only loads in trusted projects), so ``--project`` is refused for Codex.

**Shape.** Codex parses the file strictly at the root: only ``hooks`` (and ``description``) are allowed,
even ``$schema`` makes it refuse the whole file, so reverie adds nothing else. Unknown *event* names are
ignored by Codex, which is why ``SessionEnd`` (only in recent Codex versions) is safe to list; Codex has
no ``PostToolUseFailure`` event at all. Handlers are never ``async``: the Codex versions that know the
field skip async command hooks instead of running them in the background. The matcher is omitted, which
every Codex version reads as "every occurrence" (``"*"`` is special-cased only in newer ones). Codex caps
``SessionEnd`` hooks at 3 s and warns about longer timeouts on every start. Commands run through
``$SHELL -lc`` (``cmd /C`` on Windows), hence the quoting.

**Trust.** Codex runs a hook that is not managed by an administrator only after the user has reviewed
and trusted that exact definition (``/hooks`` in the interactive CLI); the trust is keyed by the
handler's position and a hash of its definition, so our groups are appended after the user's and a
changed command (an upgrade of Python or of reverie) needs trusting again. ``codex exec
--dangerously-bypass-hook-trust`` skips the review for one scripted run. Hooks are on by default since
Codex 0.124; ``[features] hooks = false`` (or the older ``codex_hooks = false``) in ``config.toml`` turns
them off, and versions before 0.124 need ``codex_hooks = true``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reverie.adapters.settings_file import AgentHooks, EventPolicy

AGENT = "codex"
TIMEOUT_SECONDS = 5
SESSION_END_TIMEOUT_SECONDS = 3  # Codex's own cap for SessionEnd hooks
UNSUPPORTED_EVENTS = ("PostToolUseFailure",)


def _quote(argument: str) -> str:
    return subprocess.list2cmdline([argument]) if os.name == "nt" else shlex.quote(argument)


HOOKS = AgentHooks(
    agent=AGENT,
    schema="codex-hooks.json",
    events=(
        EventPolicy("SessionStart", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("UserPromptSubmit", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("PreToolUse", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("PostToolUse", timeout=TIMEOUT_SECONDS),
        EventPolicy("Stop", timeout=TIMEOUT_SECONDS),
        EventPolicy("SubagentStop", timeout=TIMEOUT_SECONDS),
        EventPolicy("PreCompact", timeout=TIMEOUT_SECONDS),
        EventPolicy("SessionEnd", timeout=SESSION_END_TIMEOUT_SECONDS),
    ),
    quote=_quote,
)


# Recall answers SessionStart, UserPromptSubmit and PreToolUse from the same handler as capture
# (``--recall yes``; Codex's hook output schema accepts hookSpecificOutput.additionalContext for all
# three). The separate recall handlers (reverie/recall/hook.py) that `reverie init` wrote before are
# recognised so that init replaces them and uninstall removes them.
_RECALL_SCRIPT = re.compile(r"reverie[\\/]+recall[\\/]+hook\.py")


def is_recall_handler(handler: Mapping[str, Any]) -> bool:
    command = handler.get("command")
    if handler.get("type") != "command" or not isinstance(command, str):
        return False
    marker = re.compile(rf"(?:^|\s)--agent\s+['\"]?{re.escape(AGENT)}['\"]?(?:\s|$)")
    return bool(_RECALL_SCRIPT.search(command) and marker.search(command))


def codex_home() -> Path:
    configured = os.environ.get("CODEX_HOME")
    return (Path(configured).expanduser() if configured else Path.home() / ".codex").absolute()


def hooks_path() -> Path:
    return codex_home() / "hooks.json"


def warnings(home: Path) -> list[str]:
    """What in ``config.toml`` would stop Codex from running any hook."""
    config = home / "config.toml"
    try:
        features = tomllib.loads(config.read_text(encoding="utf-8")).get("features", {})
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [f"could not read {config} to check that hooks are enabled ({error})"]
    if not isinstance(features, dict):
        return []
    for key in ("hooks", "codex_hooks"):
        if features.get(key) is False:
            return [f"{config} turns hooks off ([features] {key} = false): Codex runs none until that line goes"]
    return []


def notes() -> list[str]:
    return [
        "Codex has no PostToolUseFailure event; SessionEnd is captured by the Codex versions that have it "
        "(older ones ignore the entry)"
    ]


def next_steps() -> list[str]:
    return [
        "Codex runs new or changed hooks only after you trust them: start `codex`, type /hooks, "
        "review the reverie hooks and trust them (again after every `reverie init` that changes them).",
        "For one scripted run without the review: `codex exec --dangerously-bypass-hook-trust ...`.",
        "Codex before 0.124 also needs `[features]` / `codex_hooks = true` in config.toml.",
    ]
