"""One session, parsed once, as every extractor reads it.

Extractors work on the structure of a trace, not on its wording: which text the person typed
(``prompts``: origin ``user``, typed, not injected, not a subagent's), which tool calls ran and how
they ended (``actions``, each paired with its result by tool-use id), and what the agent summarised
when the context was compacted (``compactions``). Injected context is removed here, before any
extractor sees the text, so nothing reverie showed an agent can be learned back from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reverie.distill import commands, guards
from reverie.domain.events import Event, EventKind, Origin
from reverie.domain.lessons import Basis, Evidence, Scope, ScopeLevel
from reverie.domain.markers import contains_injected, strip_injected
from reverie.domain.sessions import Session

EXCERPT_CHARS = 240
BEFORE_CHARS = 300
_EDIT_TOOLS = frozenset({"edit", "write", "multiedit", "notebookedit", "apply_patch", "str_replace_editor", "create"})
_HARNESS_TEXT = re.compile(r"^\s*(<[a-z][\w-]*[\s>]|\[request interrupted)", re.I)
# An IDE's note of the open file or selection, before the words the person typed (hook payloads keep it).
_IDE_CONTEXT = re.compile(r"\s*<(?P<tag>ide_[a-z_]+)>.*?</(?P=tag)>\s*", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Prompt:
    """Words the person wrote: typed at the prompt, or given as an answer, a refusal's feedback."""

    event: Event
    text: str  # injected spans removed
    index: int  # position in ``SessionView.events``
    channel: str = "prompt"  # prompt | answer | denial | interrupt: how the person wrote it
    before: str = ""  # the agent's last words or the failing output just before, at most BEFORE_CHARS
    after_failure: bool = False  # the last tool call before it had failed

    def answered(self) -> list[tuple[str, str]]:
        """An answer's (question, answer) pairs, in the order asked; empty for other channels."""
        asked = self.event.data.get("asked") if self.channel == "answer" else None
        if not isinstance(asked, list):
            return []
        pairs = [
            (str(item.get("question") or ""), str(item.get("answer") or "")) for item in asked if isinstance(item, dict)
        ]
        return [(question, answer) for question, answer in pairs if question.strip() and answer.strip()]


@dataclass(frozen=True, slots=True)
class Action:
    """A tool call and how it ended. ``ok`` is None while the result is unknown."""

    call: Event
    result: Event | None
    index: int
    command: str | None  # the command line, for shell tools

    @property
    def ok(self) -> bool | None:
        if self.result is None or self.declined:
            return None
        return not self.result.is_error

    @property
    def failed(self) -> bool:
        """It ran and failed. A call the person declined did not run: that is not a failure."""
        return self.result is not None and self.result.is_error and not self.declined

    @property
    def declined(self) -> bool:
        return self.result is not None and bool(self.result.data.get("rejected"))

    @property
    def output(self) -> str:
        return self.result.text if self.result is not None else ""

    @property
    def is_edit(self) -> bool:
        return (self.call.tool_name or "").lower() in _EDIT_TOOLS

    @property
    def paths(self) -> tuple[str, ...]:
        tool_input = self.call.tool_input or {}
        found = [tool_input.get(name) for name in ("file_path", "path", "notebook_path")]
        return tuple(path for path in found if isinstance(path, str) and path)


@dataclass(frozen=True, slots=True)
class SessionView:
    session: Session
    events: Sequence[Event]
    prompts: Sequence[Prompt]
    actions: Sequence[Action]
    compactions: Sequence[Event]

    @classmethod
    def build(cls, session: Session, events: Sequence[Event]) -> SessionView:
        prompts: list[Prompt] = []
        compactions: list[Event] = []
        calls: list[tuple[int, Event]] = []
        results: dict[str, Event] = {}
        for index, event in enumerate(events):
            if event.origin is Origin.INJECTED:
                continue
            if event.kind is EventKind.TOOL_CALL:
                calls.append((index, event))
            elif event.kind is EventKind.TOOL_RESULT and event.tool_use_id:
                results.setdefault(event.tool_use_id, event)
            elif _is_compaction(event):
                compactions.append(event)
            elif _is_typed_prompt(event):
                text = _own_words(event.text)
                if text.strip():
                    prompts.append(_prompt(event, text, index, events))
        paired = (
            Action(call, results.get(call.tool_use_id or ""), at, commands.shell_command(call)) for at, call in calls
        )
        actions = [action for action in paired if guards.learnable_call(action.command, action.output)]
        return cls(session=session, events=events, prompts=prompts, actions=actions, compactions=compactions)

    @property
    def project(self) -> str | None:
        if self.session.project is not None:
            return self.session.project.key
        return f"path:{self.session.cwd}" if self.session.cwd else None

    @property
    def ended_at(self) -> str | None:
        stamps = [event.timestamp for event in self.events if event.timestamp]
        return self.session.ended_at or (max(stamps) if stamps else None)

    def scope(self, level: ScopeLevel = ScopeLevel.PROJECT) -> Scope:
        if level is ScopeLevel.GLOBAL:
            return Scope(level=level)
        if level is ScopeLevel.SESSION:
            return Scope(level=level, project=self.project, session=self.session.id)
        return Scope(level=level, project=self.project)

    def shell_runs(self) -> list[Action]:
        return [action for action in self.actions if action.command is not None and not action.call.sidechain]

    def next_prompt_after(self, index: int) -> int:
        """The event index of the next typed prompt after ``index`` (or the end of the session)."""
        return next((prompt.index for prompt in self.prompts if prompt.index > index), len(self.events))


def _is_typed_prompt(event: Event) -> bool:
    return (
        event.kind is EventKind.PROMPT
        and event.origin is Origin.USER
        and not event.sidechain
        and not event.data.get("shell")  # "!cmd" typed at the prompt runs a command: not an instruction
        and not _HARNESS_TEXT.match(_own_words(event.text))
    )


def _own_words(text: str) -> str:
    """The text without injected spans and without an IDE's note of the open file or selection."""
    text = strip_injected(text) if contains_injected(text) else text
    return _IDE_CONTEXT.sub("", text) if "<ide_" in text else text


def _prompt(event: Event, text: str, index: int, events: Sequence[Event]) -> Prompt:
    """The prompt with how it was written and what it answers: the agent's last words or a failure."""
    channel = "denial" if event.data.get("feedback") else "answer" if event.data.get("answer") else "prompt"
    before, failed, result_seen = "", False, False
    for earlier in reversed(events[max(0, index - 50) : index]):
        if earlier.kind is EventKind.NOTICE and earlier.data.get("interrupted") and channel == "prompt":
            channel = "interrupt"
        elif earlier.kind is EventKind.TOOL_RESULT and not result_seen:
            result_seen = True
            failed = earlier.is_error and not earlier.data.get("rejected")
            if failed:
                before = earlier.text
                break
        elif (
            earlier.kind is EventKind.ASSISTANT and earlier.origin is Origin.AGENT and not earlier.data.get("thinking")
        ):
            before = earlier.text
            break
        elif earlier.kind is EventKind.PROMPT and earlier.origin is Origin.USER:
            break
    return Prompt(event, text, index, channel, " ".join(before.split())[-BEFORE_CHARS:], failed)


def _is_compaction(event: Event) -> bool:
    if event.kind is EventKind.COMPACTION:
        return bool(event.text.strip())
    return bool(event.data.get("compact_summary") or event.data.get("isCompactSummary"))


def evidence(event: Event, basis: Basis, role: str, excerpt: str | None = None) -> Evidence:
    """Evidence pointing at one event, with the transcript line a person can open."""
    text = excerpt if excerpt is not None else event.text
    return Evidence(
        event_key=event.key,
        session_id=event.session_id,
        origin=event.origin,
        basis=basis,
        role=role,
        excerpt=" ".join(text.split())[:EXCERPT_CHARS],
        timestamp=event.timestamp,
        transcript_path=event.transcript_path,
        transcript_line=event.transcript_line,
    )
