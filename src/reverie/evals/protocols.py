"""The two narrow seams every system under evaluation plugs into.

A ``Memory`` is "given a store, produce lessons": it is told which sessions are new (the store
already holds their events) and afterwards reports every lesson it holds. Reverie's distill, the
baselines, and later reverie-with-dreams all implement it, so they are measured on the same data in
the same run.

An ``Injector`` decides what a memory would put into a given session's context. Until recall exists
the default is a budgeted session-start digest (``reverie.evals.injector``); recall will plug in
here without touching the metrics.

``EvalLesson`` is the evaluator's view of a lesson: the fields of ``reverie lessons --json`` that
scoring needs, and nothing that ties the metrics to one implementation's classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reverie.errors import ReverieError
from reverie.store import Store

ACTIVE = "active"
GLOBAL = "global"
PROJECT = "project"
SESSION = "session"
ENFORCING_LEVELS = frozenset({"rule", "hook"})  # levels where a lesson is an instruction, not a memory


@dataclass(frozen=True, slots=True)
class EvalLesson:
    id: str
    statement: str
    kind: str
    scope: str  # session | project | global
    project: str | None = None  # project key, for project scope
    session: str | None = None  # session id, for session scope
    status: str = ACTIVE
    level: str = "memory"
    confidence: float = 0.5
    valid_from: str | None = None
    valid_to: str | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def enforcing(self) -> bool:
        return self.level in ENFORCING_LEVELS

    def applies_to(self, project: str, session: str) -> bool:
        """Whether recall may show this lesson in a session of ``project`` (issue 6, "scope respected")."""
        if self.scope == GLOBAL:
            return True
        if self.scope == SESSION:
            return self.session == session
        return self.project == project


PROMPT_EVENT, CALL_EVENT = "prompt", "call"


@dataclass(frozen=True, slots=True)
class HookEvent:
    """One moment of a session at which recall answers, in the session's order: a prompt the person
    typed (``UserPromptSubmit``) or a tool call about to run (``PreToolUse``)."""

    kind: str  # PROMPT_EVENT | CALL_EVENT
    text: str = ""  # the prompt
    tool_name: str = ""
    tool_input: Mapping[str, Any] | None = None
    call_id: str = ""  # the agent's tool-use id


@dataclass(frozen=True, slots=True)
class InjectionRequest:
    session_id: str
    project: str  # project key
    cwd: str | None
    started_at: str
    first_prompt: str = ""
    events: tuple[HookEvent, ...] = ()  # every prompt and call of the session, in order
    project_dir: str = ""  # the project's checkout as it was when the session started; "": none known

    @property
    def call_ids(self) -> tuple[str, ...]:
        return tuple(event.call_id for event in self.events if event.kind == CALL_EVENT)


DIGEST_CHANNEL = "digest"


@dataclass(frozen=True, slots=True)
class Injection:
    """What a memory put in front of one session. Per lesson, in the order shown: its tokens, the
    channel that carried it (``digest``, ``prompt``, ``tool``: context before a call; ``deny`` /
    ``ask``: a permission decision on a call), and ``before``: how many of the session's tool calls
    had run when the model read it (0: before the first call). Context added before a call reaches
    the model with that call's result, so it counts from the next call; a permission decision is
    read before its call runs. Empty ``channels`` / ``before`` mean the session-start digest."""

    lessons: tuple[EvalLesson, ...]
    tokens: int
    tokens_by_lesson: tuple[int, ...]
    channels: tuple[str, ...] = ()
    before: tuple[int, ...] = ()

    def channel(self, position: int) -> str:
        return self.channels[position] if position < len(self.channels) else DIGEST_CHANNEL

    def read_before(self, position: int) -> int:
        return self.before[position] if position < len(self.before) else 0


class Memory(Protocol):
    name: str

    def learn(self, store: Store, session_ids: Sequence[str]) -> None:
        """Take in sessions the store now holds. Called once per batch of new sessions, in time order;
        implementations should do work proportional to the new sessions, not to history."""

    def lessons(self) -> Sequence[EvalLesson]:
        """Every lesson held now, in any status."""


class Injector(Protocol):
    def inject(self, lessons: Sequence[EvalLesson], request: InjectionRequest) -> Injection:
        """What this memory would put into the context of the session described by ``request``."""


class MemoryUnavailable(ReverieError):
    """A memory that cannot run here yet (a stage not built, a dependency missing); the report says so."""
