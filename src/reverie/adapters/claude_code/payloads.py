"""Claude Code hook payloads: one spool record in, its session and events out (pure, no I/O).

Claude Code's hook events (SessionStart, UserPromptSubmit, PreToolUse, PostToolUse,
PostToolUseFailure, Stop, SubagentStart/SubagentStop, PreCompact, SessionEnd, Notification,
PermissionRequest, ...) are mapped by ``adapters.hook_payloads``, which Codex shares; see there for
the keys and origins. What is particular to Claude Code is only its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reverie.adapters.hook_payloads import HookDialect, normalize_record
from reverie.domain import Event, Session

AGENT = "claude-code"
DIALECT = HookDialect(agent=AGENT)


def normalize(record: Mapping[str, Any]) -> tuple[Session, list[Event]]:
    """One spool record written by ``capture.hook`` for Claude Code."""
    return normalize_record(record, DIALECT)
