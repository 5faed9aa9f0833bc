"""Claude Code transcripts in, domain events out: one record at a time, no I/O.

A transcript is ``~/.claude/projects/<cwd with non-alphanumerics as '-'>/<session>.jsonl`` (one JSON
record a line; subagents in ``<session>/subagents/agent-*.jsonl``), or the same records as one JSON
array (``chat.json`` dumps written by some Stop hooks). The format is internal to Claude Code and
changes between versions, so the parser is lenient: every record type it does not know is counted in
``skipped`` and ignored, never fatal.

What the records mean, and what this parser makes of them:

* ``assistant``: one API message is split over several records that share ``message.id``, one
  content block each. Text and thinking become ``ASSISTANT`` events keyed by message id plus a digest
  of the text (a block index would restart at 0 in every record), ``tool_use`` blocks become
  ``TOOL_CALL`` events keyed by their id, exactly as the PreToolUse hook keys them.
* ``user``: four different things. Tool results (``tool_result`` blocks; the parallel
  ``toolUseResult`` is a string on errors and a dict otherwise) become ``TOOL_RESULT`` events keyed
  as the PostToolUse hook keys them. The compaction summary (``isCompactSummary``) becomes a
  ``COMPACTION`` event that carries the trigger of the ``compact_boundary`` before it. Turns that the
  harness wrote and the person never typed (``isMeta``, slash-command output, ``<task-notification>``,
  "[Request interrupted by user]", rejected tool uses) become ``SYSTEM`` notices. What is left was
  typed by the person: a ``PROMPT`` keyed by its content, as the UserPromptSubmit hook keys it, so the
  two sources reconcile. A slash command counts as typed: ``/name args`` is what the person entered
  and what the hook receives; its expansion (an ``isMeta`` turn) is the harness's.
* Subagent records (``isSidechain``) belong to the parent session and are marked ``sidechain``; the
  prompt that opens a subagent was written by the parent model, so its origin is ``AGENT``.
* Text that carries reverie's own marker is ``INJECTED`` wherever it appears (hook
  ``additionalContext`` is an ``attachment`` record in recent versions and an ``isMeta`` user turn in
  older ones), so reverie never learns from its own context again.
* Images and documents (base64: the lines of about 1 MB) become ``[image]`` / ``[document]``.
* ``progress`` records (most of a file: hook runs, command output as it streams) are counted and
  skipped, except the subagent messages that 2.1.x relays through them; snapshots, queue operations,
  titles and the like are counted and skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from reverie.domain import Event, EventKind, Origin, Session, Source, keys
from reverie.domain.markers import contains_injected, strip_injected
from reverie.domain.text import utf8_safe

AGENT = "claude-code"

# Constants of the Claude Code harness (not of any one transcript): what it writes in the person's name.
_REJECTED_PREFIX = "The user doesn't want to "
_REJECTED_RESULT = "User rejected tool use"
_FEEDBACK_MARK = "the user said:\n"
_INTERRUPTED_PREFIX = "[Request interrupted by user"
_WARMUP = "Warmup"  # sent to subagents by the harness to warm the prompt cache
_MODEL_VISIBLE_HOOKS = ("SessionStart", "UserPromptSubmit")  # whose plain stdout reaches the model

_COMMAND_NAME = re.compile(r"<command-name>\s*/?(?P<name>[^<]*?)\s*</command-name>")
_COMMAND_ARGS = re.compile(r"<command-args>(?P<args>.*?)</command-args>", re.DOTALL)
_BASH_INPUT = re.compile(r"^\s*<bash-input>(?P<command>.*?)</bash-input>\s*$", re.DOTALL)
# Harness turns are wrapped in hyphenated tags (<local-command-stdout>, <task-notification>,
# <bash-stdout>, <system-reminder>, ...); people rarely open a prompt with one.
_HARNESS_TAG = re.compile(r"^\s*<(?P<tag>[a-z]+(?:[-_][a-z]+)+)[\s>]")
# The IDE extensions prepend what the person has open or selected; the words typed follow the block.
_IDE_CONTEXT = re.compile(r"\s*<(?P<tag>ide_[a-z_]+)>.*?</(?P=tag)>\s*", re.DOTALL)
_QUESTION_TOOL = "AskUserQuestion"
_ANSWER = re.compile(r'"(?P<question>[^"\n]*)"="(?P<answer>[^"]*)"')
_COMMAND_OUTPUT_TAGS = frozenset({"bash-stdout", "bash-stderr"})  # output of the person's own "!cmd"


@dataclass(frozen=True, slots=True)
class _Record:
    """Where one record sits: what every event built from it shares."""

    session_id: str
    line: int
    timestamp: str | None
    uuid: str | None
    sidechain: bool
    agent_id: str | None


@dataclass(slots=True)
class _SessionSeen:
    cwd: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    main_chain: bool = False  # a record outside any subagent: this file is the session's transcript


class ClaudeTranscript:
    """The parser of one Claude Code transcript file. Feed it records in file order."""

    def __init__(self, path: str, default_session_id: str) -> None:
        self.path = path
        self.default_session_id = default_session_id
        self.skipped: Counter[str] = Counter()
        self._sessions: dict[str, _SessionSeen] = {}
        self._tool_names: dict[str, str] = {}
        self._compaction: dict[str, Any] = {}  # the last compact_boundary, folded into its summary

    def prime(self, record: object) -> None:
        """Every record names its session, so resuming in the middle of a file needs no context."""

    def feed(self, record: object, line: int) -> list[Event]:
        if not isinstance(record, dict):
            self.skipped["(not an object)"] += 1
            return []
        at = self._locate(record, line)
        kind = record.get("type")
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            self.skipped[kind if isinstance(kind, str) else "(no type)"] += 1
            return []
        return handler(self, record, at)

    def finish(self) -> list[Event]:
        return []

    def sessions(self) -> list[Session]:
        return [
            Session(
                id=session_id,
                agent=AGENT,
                cwd=seen.cwd,
                started_at=seen.started_at,
                ended_at=seen.ended_at,
                transcript_path=self.path if seen.main_chain else None,
            )
            for session_id, seen in self._sessions.items()
        ]

    # -- records -----------------------------------------------------------------------------

    def _locate(self, record: dict[str, Any], line: int) -> _Record:
        """Where a record sits; every record that names its session also dates it."""
        named = _text_field(record, "sessionId")
        timestamp = _text_field(record, "timestamp")
        sidechain = bool(record.get("isSidechain"))
        if named:
            seen = self._sessions.get(named) or self._sessions.setdefault(named, _SessionSeen())
            seen.cwd = seen.cwd or _text_field(record, "cwd")
            seen.main_chain = seen.main_chain or not sidechain
            if timestamp:
                seen.started_at = min(seen.started_at or timestamp, timestamp)
                seen.ended_at = max(seen.ended_at or timestamp, timestamp)
        agent_id = _text_field(record, "agentId") if sidechain else None
        uuid = _text_field(record, "uuid")
        return _Record(named or self.default_session_id, line, timestamp, uuid, sidechain, agent_id)

    def _progress(self, record: dict[str, Any], at: _Record) -> list[Event]:
        """Progress is noise, except a subagent's messages relayed into the main file (2.1.x).

        They are the very records of the subagent's own file (same uuids, message and tool ids), so
        they reconcile with it by key; sometimes they are the only copy (a file dumped as JSON).
        """
        data = _mapping(record.get("data"))
        relayed = _mapping(data.get("message"))
        kind = relayed.get("type")
        if data.get("type") != "agent_progress" or kind not in ("user", "assistant"):
            self.skipped["progress"] += 1
            return []
        inner = {**relayed, "sessionId": at.session_id, "isSidechain": True, "agentId": data.get("agentId")}
        handler = ClaudeTranscript._user if kind == "user" else ClaudeTranscript._assistant
        return handler(self, inner, self._locate(inner, at.line))

    def _assistant(self, record: dict[str, Any], at: _Record) -> list[Event]:
        message = _mapping(record.get("message"))
        content = message.get("content")
        if record.get("isApiErrorMessage") or message.get("model") == "<synthetic>":
            error = bool(record.get("isApiErrorMessage"))
            return [self._notice(at, Origin.SYSTEM, _flatten(content)[0], is_error=error)]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        message_id = _text_field(message, "id")
        data = {"model": message["model"]} if isinstance(message.get("model"), str) else {}
        events = (self._assistant_block(block, at, message_id, data) for block in _blocks(content))
        return [event for event in events if event is not None]

    def _assistant_block(
        self, block: dict[str, Any], at: _Record, message_id: str | None, data: dict[str, Any]
    ) -> Event | None:
        kind = block.get("type")
        if kind in ("text", "thinking"):
            text = block.get(kind)
            if not isinstance(text, str) or not text.strip():
                return None
            key = (
                keys.record_key(at.session_id, "assistant", f"{message_id}:{_digest(text)}")
                if message_id
                else self._record_key(at, "assistant")
            )
            extra = {**data, "thinking": True} if kind == "thinking" else data
            origin = Origin.INJECTED if contains_injected(text) else Origin.AGENT
            return self._event(at, key, EventKind.ASSISTANT, origin, text, data=extra)
        if isinstance(kind, str) and kind.endswith("tool_use") and isinstance(block.get("id"), str):
            name = str(block.get("name") or "")
            self._tool_names[block["id"]] = name
            tool_input = block.get("input")
            return self._event(
                at,
                keys.tool_call_key(at.session_id, block["id"]),
                EventKind.TOOL_CALL,
                Origin.AGENT,
                tool_name=name,
                tool_use_id=block["id"],
                tool_input=tool_input if isinstance(tool_input, dict) else {"input": tool_input},
            )
        if _is_tool_result(block):  # server-side tools (web search) answer inside the assistant message
            return self._tool_result(block, at, rejected=False)
        self.skipped[f"assistant:{kind}"] += 1
        return None

    def _user(self, record: dict[str, Any], at: _Record) -> list[Event]:
        content = _mapping(record.get("message")).get("content")
        if record.get("isCompactSummary"):
            return [self._compaction_summary(_flatten(content)[0], at)]
        blocks = _blocks(content)
        results = [block for block in blocks if _is_tool_result(block)]
        if not results:
            return self._typed(content, at, record)
        rejected_turn = record.get("toolUseResult") == _REJECTED_RESULT
        events = []
        for block in results:
            rejected = rejected_turn or _is_rejection(block)
            events.append(self._tool_result(block, at, rejected))
            said = _flatten(block.get("content"))[0].partition(_FEEDBACK_MARK)[2].strip() if rejected else ""
            if said:
                events.append(self._feedback(said, block, at))
            elif not at.sidechain and (answers := self._answers(block, record)):
                events.append(self._answer(answers, block, at))
        others = [block for block in blocks if not _is_tool_result(block)]
        return events + (self._typed(others, at, record) if others else [])

    def _typed(self, content: object, at: _Record, record: dict[str, Any]) -> list[Event]:
        """A user turn without tool results: typed by the person, or by the harness in their name."""
        stored, typed = _flatten(content)
        if not stored.strip():
            return []
        if record.get("isMeta") or typed.startswith(_INTERRUPTED_PREFIX):
            origin = Origin.INJECTED if contains_injected(stored) else Origin.SYSTEM
            data = {"interrupted": True} if typed.startswith(_INTERRUPTED_PREFIX) else {}
            return [self._notice(at, origin, stored, data=data)]
        if at.sidechain:  # the parent model wrote this prompt for its subagent
            origin = Origin.SYSTEM if typed.strip() == _WARMUP else Origin.AGENT
            return [self._event(at, self._record_key(at, "prompt"), EventKind.PROMPT, origin, stored)]
        return self._person_or_harness(stored, typed, at)

    def _person_or_harness(self, stored: str, typed: str, at: _Record) -> list[Event]:
        command = _COMMAND_NAME.search(typed)
        if command:
            args = _COMMAND_ARGS.search(typed)
            invocation = f"/{command['name']} {args['args'].strip() if args else ''}".strip()
            return [self._prompt(at, invocation, invocation, {"command": command["name"]})]
        bash = _BASH_INPUT.match(typed)
        if bash:
            line = f"!{bash['command'].strip()}"
            return [self._prompt(at, line, line, {"shell": True})]
        if contains_injected(typed):
            injected = self._notice(at, Origin.INJECTED, stored)
            own = strip_injected(typed).strip()
            return [injected, self._prompt(at, strip_injected(stored).strip(), own, {})] if own else [injected]
        if _IDE_CONTEXT.match(typed):  # the IDE's note of the open file or selection, then the person's words
            own = _IDE_CONTEXT.sub("", typed).strip()
            return [self._prompt(at, own, own, {"ide": True})] if own else []
        harness = _HARNESS_TAG.match(typed)
        if harness:
            return [self._notice(at, Origin.TOOL if harness["tag"] in _COMMAND_OUTPUT_TAGS else Origin.SYSTEM, stored)]
        return [self._prompt(at, stored, typed, {})]

    def _prompt(self, at: _Record, stored: str, typed: str, data: dict[str, Any]) -> Event:
        key = keys.content_key(at.session_id, "prompt", utf8_safe(typed))
        return self._event(at, key, EventKind.PROMPT, Origin.USER, stored, data=data)

    def _tool_result(self, block: dict[str, Any], at: _Record, rejected: bool) -> Event:
        tool_use_id = block.get("tool_use_id") if isinstance(block.get("tool_use_id"), str) else None
        return self._event(
            at,
            keys.tool_result_key(at.session_id, tool_use_id) if tool_use_id else self._record_key(at, "tool_result"),
            EventKind.TOOL_RESULT,
            Origin.SYSTEM if rejected else Origin.TOOL,  # a refusal is the harness speaking, not the tool
            _flatten(block.get("content"))[0],
            tool_name=self._tool_names.get(tool_use_id or ""),
            tool_use_id=tool_use_id,
            is_error=bool(block.get("is_error")) or rejected,
            data={"rejected": True} if rejected else {},
        )

    def _feedback(self, said: str, block: dict[str, Any], at: _Record) -> Event:
        """What the person typed when refusing a tool call: often the most direct correction there is."""
        tool_use_id = str(block.get("tool_use_id") or at.uuid or at.line)
        key = keys.record_key(at.session_id, "feedback", tool_use_id)
        return self._event(
            at, key, EventKind.PROMPT, Origin.USER, said, tool_use_id=tool_use_id, data={"feedback": True}
        )

    def _answers(self, block: dict[str, Any], record: dict[str, Any]) -> list[tuple[str, str]]:
        """What the person chose or typed in answer to the agent's question tool, with each question."""
        if self._tool_names.get(str(block.get("tool_use_id") or "")) != _QUESTION_TOOL or block.get("is_error"):
            return []
        answers = _mapping(record.get("toolUseResult")).get("answers")
        if isinstance(answers, dict):
            pairs = [(str(question).strip(), str(answer).strip()) for question, answer in answers.items()]
        else:
            content = _flatten(block.get("content"))[0]
            pairs = [(match["question"].strip(), match["answer"].strip()) for match in _ANSWER.finditer(content)]
        return [(question, answer) for question, answer in pairs if answer]

    def _answer(self, answers: list[tuple[str, str]], block: dict[str, Any], at: _Record) -> Event:
        """The person's answer to the agent's question: their words, though they arrive as a tool result.
        The questions stay beside the answers: "pnpm" says something only as the answer to "Which package
        manager should we use?"."""
        tool_use_id = str(block.get("tool_use_id") or at.uuid or at.line)
        key = keys.record_key(at.session_id, "answer", tool_use_id)
        text = "\n".join(answer for _, answer in answers)
        data = {"answer": True, "asked": [{"question": question, "answer": answer} for question, answer in answers]}
        return self._event(at, key, EventKind.PROMPT, Origin.USER, text, tool_use_id=tool_use_id, data=data)

    def _compaction_summary(self, text: str, at: _Record) -> Event:
        boundary, self._compaction = self._compaction, {}
        data = {name: boundary[name] for name in ("trigger", "preTokens") if name in boundary}
        return self._event(at, self._record_key(at, "compaction"), EventKind.COMPACTION, Origin.AGENT, text, data=data)

    def _system(self, record: dict[str, Any], at: _Record) -> list[Event]:
        subtype = record.get("subtype")
        content = record.get("content")
        if subtype == "compact_boundary":
            self._compaction = _mapping(record.get("compactMetadata"))
            self.skipped["system:compact_boundary (folded into its summary)"] += 1
            return []
        if subtype == "local_command" and isinstance(content, str):
            return self._person_or_harness(content, content, at)
        if subtype == "api_error":
            text = f"API error (attempt {record.get('retryAttempt')} of {record.get('maxRetries')})"
            return [self._notice(at, Origin.SYSTEM, text, is_error=True)]
        if isinstance(content, str) and contains_injected(content):
            return [self._notice(at, Origin.INJECTED, content)]
        contexts = record.get("hookAdditionalContext")  # what Stop hooks told the model (recent versions)
        text = "\n".join(part for part in contexts if isinstance(part, str)) if isinstance(contexts, list) else ""
        if text.strip():
            return [self._notice(at, Origin.INJECTED if contains_injected(text) else Origin.SYSTEM, text)]
        self.skipped[f"system:{subtype}" if isinstance(subtype, str) else "system"] += 1
        return []

    def _attachment(self, record: dict[str, Any], at: _Record) -> list[Event]:
        attachment = _mapping(record.get("attachment"))
        kind = attachment.get("type")
        content = attachment.get("content")
        hook = _text_field(attachment, "hookEvent")
        data = {"hook": hook} if hook else {}
        if kind == "hook_additional_context" or (kind == "hook_success" and hook in _MODEL_VISIBLE_HOOKS):
            parts = content if isinstance(content, list) else [content]
            text = "\n".join(part for part in parts if isinstance(part, str))
            if text.strip():
                return [
                    self._notice(at, Origin.INJECTED if contains_injected(text) else Origin.SYSTEM, text, data=data)
                ]
        if kind == "hook_blocking_error":
            text = str(_mapping(attachment.get("blockingError")).get("blockingError") or "")
            return [self._notice(at, Origin.SYSTEM, text, is_error=True, data=data)]
        self.skipped[f"attachment:{kind}"] += 1
        return []

    # -- events ------------------------------------------------------------------------------

    def _record_key(self, at: _Record, kind: str) -> str:
        # A record's uuid survives resumes and copies of the file; the line is the fallback for
        # records of versions that had none.
        return keys.record_key(at.session_id, kind, at.uuid or f"line-{at.line}")

    def _notice(self, at: _Record, origin: Origin, text: str, **fields: Any) -> Event:
        return self._event(at, self._record_key(at, "notice"), EventKind.NOTICE, origin, text, **fields)

    def _event(self, at: _Record, key: str, kind: EventKind, origin: Origin, text: str = "", **fields: Any) -> Event:
        if at.session_id not in self._sessions:  # records of old versions name no session
            self._sessions[at.session_id] = _SessionSeen()
        if at.agent_id:
            fields["data"] = {**fields.get("data", {}), "agent_id": at.agent_id}
        return Event(
            key=key,
            session_id=at.session_id,
            kind=kind,
            origin=origin,
            source=Source.TRANSCRIPT,
            timestamp=at.timestamp,
            text=text,
            sidechain=at.sidechain,
            transcript_path=self.path,
            transcript_line=at.line,
            **fields,
        )


_HANDLERS = {
    "assistant": ClaudeTranscript._assistant,
    "user": ClaudeTranscript._user,
    "system": ClaudeTranscript._system,
    "attachment": ClaudeTranscript._attachment,
    "progress": ClaudeTranscript._progress,
}


def _digest(text: str) -> str:
    # "replace" turns a lone surrogate into "?", as utf8_safe does, in the one pass that hashing needs.
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "replace")).hexdigest()[:16]


def _text_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) and value else None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _blocks(content: object) -> list[dict[str, Any]]:
    if isinstance(content, list):
        return [block for block in content if isinstance(block, dict)]
    return []


def _is_tool_result(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    return isinstance(kind, str) and kind.endswith("tool_result")


def _is_rejection(block: dict[str, Any]) -> bool:
    return bool(block.get("is_error")) and _flatten(block.get("content"))[0].startswith(_REJECTED_PREFIX)


def _flatten(content: object) -> tuple[str, str]:
    """A message's content as (text to keep, text the person typed).

    Images and documents are base64 of up to megabytes: the text to keep names them (``[image]``),
    the typed text leaves them out, as the UserPromptSubmit hook's prompt does.
    """
    if isinstance(content, str):
        return content, content
    kept: list[str] = []
    typed: list[str] = []
    for block in _blocks(content):
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            kept.append(block["text"])
            typed.append(block["text"])
        elif kind == "tool_reference":
            kept.append(f"[tool {block.get('tool_name')}]")
        else:
            kept.append(f"[{kind}]")
    return "\n".join(kept), "\n".join(typed)
