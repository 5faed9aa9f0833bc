"""Writing sessions in the real Claude Code transcript format.

The generator's sessions must go through the same importer as a person's real history, so this
writes what Claude Code writes (checked against the real transcripts in ../shared/data): one JSON
record per line with ``parentUuid`` chains, ``sessionId``, ``cwd``, ``gitBranch``, ``version``,
``uuid`` and ``timestamp``; one assistant API message split over several records that share
``message.id`` (thinking, text and each tool call separately); tool results as ``user`` records
whose ``toolUseResult`` is a dict on success and an ``"Error: ..."`` string on failure; and the noise
around them: ``progress`` records from hooks (often the majority of lines), file-history snapshots,
queue operations, stop-hook summaries, slash-command records, interruptions, compactions.

Every id and every clock tick comes from the caller's seeded ``Random``, so a seed gives the same
bytes every time.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

_MODELS = ("claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-opus-4-6")
_VERSIONS = ("2.0.76", "2.1.14", "2.1.38")
_HOOK_COMMANDS = (
    "$HOME/.claude/hooks/notify.sh",
    "${CLAUDE_PLUGIN_ROOT}/scripts/pre-commit-check.sh",
    "callback",
)


def mangle(cwd: str) -> str:
    """The folder name Claude Code gives a project: every non-alphanumeric character becomes '-'."""
    return re.sub(r"[^A-Za-z0-9]", "-", cwd)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What a tool call returned: the text the model saw, and Claude Code's parallel structured copy."""

    content: str
    is_error: bool = False
    structured: dict[str, Any] | None = None  # toolUseResult when the call succeeded


class TranscriptWriter:
    """Accumulates the records of one session; ``lines()`` gives them as JSONL."""

    def __init__(self, rng: random.Random, session_id: str, cwd: str, branch: str, start: datetime) -> None:
        self.rng = rng
        self.session_id = session_id
        self.cwd = cwd
        self.branch = branch
        self.clock = start
        self.version = rng.choice(_VERSIONS)
        self.model = rng.choice(_MODELS)
        self.hooks = rng.sample(_HOOK_COMMANDS, k=rng.randint(1, len(_HOOK_COMMANDS)))
        self.records: list[dict[str, Any]] = []
        self.parent: str | None = None

    # -- ids and time ------------------------------------------------------------------------

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _id(self, prefix: str) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(24))

    def tick(self, low: float = 0.05, high: float = 4.0) -> str:
        self.clock += timedelta(seconds=self.rng.uniform(low, high))
        return iso(self.clock)

    def _base(self, kind: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "parentUuid": self.parent,
            "isSidechain": False,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": self.version,
            "gitBranch": self.branch,
            "type": kind,
        }
        return record

    def _append(self, record: dict[str, Any], *, chain: bool = True) -> str:
        record.setdefault("uuid", self._uuid())
        record.setdefault("timestamp", self.tick())
        self.records.append(record)
        if chain:
            self.parent = record["uuid"]
        return str(record["uuid"])

    # -- noise -------------------------------------------------------------------------------

    def opening(self) -> None:
        if self.rng.random() < 0.5:
            self.records.append(
                {
                    "type": "queue-operation",
                    "operation": "dequeue",
                    "timestamp": self.tick(),
                    "sessionId": self.session_id,
                }
            )
        for command in self.hooks[:2]:
            self._progress("SessionStart", "SessionStart:startup", command, self._uuid())

    def _progress(self, event: str, name: str, command: str, tool_use_id: str) -> None:
        record = self._base("progress")
        record["data"] = {"type": "hook_progress", "hookEvent": event, "hookName": name, "command": command}
        record["parentToolUseID"] = tool_use_id
        record["toolUseID"] = tool_use_id
        self._append(record)

    def snapshot(self, message_id: str) -> None:
        moment = self.tick()
        self.records.append(
            {
                "type": "file-history-snapshot",
                "messageId": message_id,
                "isSnapshotUpdate": False,
                "snapshot": {"messageId": message_id, "trackedFileBackups": {}, "timestamp": moment},
            }
        )

    def stop_summary(self) -> None:
        record = self._base("system")
        record.update(
            {
                "subtype": "stop_hook_summary",
                "hookCount": len(self.hooks),
                "hookInfos": [{"command": c} for c in self.hooks],
                "hookErrors": [],
                "preventedContinuation": False,
                "stopReason": "",
                "hasOutput": False,
                "level": "suggestion",
                "toolUseID": self._uuid(),
            }
        )
        self._append(record)

    def slash_command(self, name: str) -> None:
        caveat = (
            "<local-command-caveat>Caveat: The messages below were generated by the user while running local "
            "commands. DO NOT respond to these messages or otherwise consider them in your response unless the "
            "user explicitly asks you to.</local-command-caveat>"
        )
        self._user_record(caveat, meta=True)
        self._user_record(
            f"<command-name>/{name}</command-name>\n            <command-message>{name}</command-message>"
            "\n            <command-args></command-args>"
        )
        self._user_record(f"<local-command-stdout>{name} done</local-command-stdout>")

    def interrupted(self) -> None:
        self._user_record([{"type": "text", "text": "[Request interrupted by user]"}])

    def compaction(self, summary: str) -> None:
        boundary = self._base("system")
        boundary.update(
            {
                "parentUuid": None,
                "logicalParentUuid": self.parent,
                "subtype": "compact_boundary",
                "content": "Conversation compacted",
                "isMeta": False,
                "level": "info",
                "compactMetadata": {"trigger": "auto", "preTokens": self.rng.randint(90_000, 160_000)},
            }
        )
        self._append(boundary)
        text = (
            "This session is being continued from a previous conversation that ran out of context. "
            f"The conversation is summarized below:\n{summary}"
        )
        record = self._base("user")
        record.update(
            {"message": {"role": "user", "content": text}, "isCompactSummary": True, "isVisibleInTranscriptOnly": True}
        )
        self._append(record)

    # -- turns -------------------------------------------------------------------------------

    def prompt(self, text: str) -> None:
        uid = self._uuid()
        if self.rng.random() < 0.6:
            self.snapshot(uid)
        record = self._base("user")
        record.update({"message": {"role": "user", "content": text}, "uuid": uid, "timestamp": self.tick(5, 90)})
        if self.rng.random() < 0.5:
            record.update(
                {
                    "thinkingMetadata": {"maxThinkingTokens": 31999},
                    "todos": [],
                    "permissionMode": self.rng.choice(("default", "acceptEdits", "bypassPermissions")),
                }
            )
        self._append(record)

    def injected(self, text: str) -> None:
        """Context that a hook added at session start (an ``isMeta`` turn, as older versions write it)."""
        self._user_record(text, meta=True)

    def _user_record(self, content: str | list[dict[str, Any]], *, meta: bool = False) -> None:
        record = self._base("user")
        record["message"] = {"role": "user", "content": content}
        if meta:
            record["isMeta"] = True
        self._append(record)

    def assistant(
        self, text: str = "", *, thinking: str = "", calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    ) -> list[str]:
        """One API message: its blocks become separate records sharing ``message.id``. Returns tool-use ids."""
        message_id = self._id("msg_01")
        request_id = self._id("req_011C")
        blocks: list[dict[str, Any]] = []
        if thinking:
            blocks.append({"type": "thinking", "thinking": thinking, "signature": self._id("Eq")})
        if text:
            blocks.append({"type": "text", "text": text})
        ids = []
        for name, tool_input in calls:
            tool_use_id = self._id("toolu_01")
            ids.append(tool_use_id)
            blocks.append({"type": "tool_use", "id": tool_use_id, "name": name, "input": tool_input})
        for block in blocks:
            record = self._base("assistant")
            record["message"] = {
                "model": self.model,
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "content": [block],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": self.rng.randint(1, 9),
                    "cache_creation_input_tokens": self.rng.randint(0, 9000),
                    "cache_read_input_tokens": self.rng.randint(9000, 60000),
                    "output_tokens": self.rng.randint(1, 400),
                    "service_tier": "standard",
                },
            }
            record["requestId"] = request_id
            self._append(record)
        return ids

    def result(self, tool_use_id: str, tool_name: str, outcome: ToolOutcome) -> None:
        for command in self.hooks[:1]:
            self._progress("PreToolUse", f"PreToolUse:{tool_name}", command, tool_use_id)
        source = self.parent
        block: dict[str, Any] = {"tool_use_id": tool_use_id, "type": "tool_result", "content": outcome.content}
        if tool_name == "Bash" or outcome.is_error:
            block["is_error"] = outcome.is_error
        record = self._base("user")
        record["message"] = {"role": "user", "content": [block]}
        record["toolUseResult"] = f"Error: {outcome.content}" if outcome.is_error else (outcome.structured or {})
        record["sourceToolAssistantUUID"] = source
        record["timestamp"] = self.tick(0.2, 25)
        self._append(record)
        for command in self.hooks[1:]:
            self._progress("PostToolUse", f"PostToolUse:{tool_name}", command, tool_use_id)

    def call(
        self, name: str, tool_input: dict[str, Any], outcome: ToolOutcome, *, text: str = "", thinking: str = ""
    ) -> str:
        """An assistant message with one tool call, and its result; returns the call's tool-use id."""
        (tool_use_id,) = self.assistant(text, thinking=thinking, calls=((name, tool_input),))
        self.result(tool_use_id, name, outcome)
        return tool_use_id

    # -- output ------------------------------------------------------------------------------

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.session_id}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in self.records:
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        return path
