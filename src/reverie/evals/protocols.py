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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

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


@dataclass(frozen=True, slots=True)
class InjectionRequest:
    session_id: str
    project: str  # project key
    cwd: str | None
    started_at: str
    first_prompt: str = ""


@dataclass(frozen=True, slots=True)
class Injection:
    lessons: tuple[EvalLesson, ...]
    tokens: int
    tokens_by_lesson: tuple[int, ...]


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
