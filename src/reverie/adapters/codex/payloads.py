"""Codex CLI hook payloads: one spool record in, its session and events out (pure, no I/O).

Codex speaks Claude Code's hook protocol (``adapters.hook_payloads``) with a few differences,
read from its hooks documentation and the SchemaStore ``codex-hooks.json`` schema:

* events: SessionStart, UserPromptSubmit, PreToolUse, PermissionRequest, PostToolUse, PreCompact,
  PostCompact, SubagentStart, SubagentStop, Stop; there is no SessionEnd (``Stop`` ends a turn) and
  no PostToolUseFailure (a failed command is a PostToolUse whose response reports it);
* turn-scoped payloads carry ``turn_id`` and every payload the ``model`` (both kept in ``data``);
  ``transcript_path`` may be null;
* ``tool_use_id`` is the ``call_id`` that the rollout uses, so hook and rollout events reconcile;
* Codex writes its own context into user-role text as snake_case tags (``<environment_context>``,
  ``<user_instructions>``): that is the harness (``SYSTEM``), never the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reverie.adapters.hook_payloads import HookDialect, normalize_record
from reverie.domain import Event, Session

AGENT = "codex"
DIALECT = HookDialect(agent=AGENT, results={"PostToolUse": False})


def normalize(record: Mapping[str, Any]) -> tuple[Session, list[Event]]:
    """One spool record written by ``capture.hook`` for Codex."""
    return normalize_record(record, DIALECT)
