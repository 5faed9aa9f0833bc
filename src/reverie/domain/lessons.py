"""Lessons: the smallest durable statements that should change what an agent does next time.

A lesson is distilled from a trace and never exists without evidence: every lesson carries the
events (and transcript lines) that justify it, each with the origin of its text and the *basis* on
which it counts (a user's own statement, behaviour observed with its outcome, an agent's claim, or
untrusted tool text). Trust follows the basis: only a user statement or behaviour seen to work may
make a lesson active; an agent's claim stays a candidate; tool text is at most a quarantined fact.

Lessons are versioned. A lesson keeps one ``id`` for life; every change (new evidence, a status
change, a supersession, a user's ``forget``) is a new ``version`` and earlier versions stay readable.
Evidence is only ever added. Forgetting writes a retired version with the user's reason: a
tombstone, while the trace it came from stays untouched.

``Observation`` is what an extractor emits for one session: a proposed lesson with the evidence
from that session. Distillation folds observations that share a ``key`` into one lesson, so the
same lesson found again in another session strengthens it instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum

from reverie.domain.events import Origin


class LessonKind(StrEnum):
    FACT = "fact"  # how the project or environment is ("tests run with `make check`")
    PREFERENCE = "preference"  # a choice between alternatives ("use pnpm, not npm")
    PROCEDURE = "procedure"  # a sequence of steps (a workflow seen in several sessions)
    HAZARD = "hazard"  # something that keeps failing the same way
    FAILED_APPROACH = "failed_approach"  # what was tried and did not work: do not rediscover it
    RULE = "rule"  # must / must not ("never edit the generated migrations")


class ScopeLevel(StrEnum):
    SESSION = "session"  # one-off: true for the session it came from, not after
    PROJECT = "project"
    GLOBAL = "global"  # every project of this user


class LessonStatus(StrEnum):
    CANDIDATE = "candidate"  # kept, not yet trusted enough to act
    ACTIVE = "active"  # may shape behaviour (recall injects it)
    QUARANTINED = "quarantined"  # came from untrusted text; kept for review only
    RETIRED = "retired"  # superseded or forgotten; a tombstone


class Level(StrEnum):
    """The force ladder, weakest first. Distill only writes the first two; review climbs higher."""

    MEMORY = "memory"
    INSTINCT = "instinct"
    RULE = "rule"
    HOOK = "hook"
    COMMAND = "command"
    SKILL = "skill"
    SUBAGENT = "subagent"


class Basis(StrEnum):
    """Why a piece of evidence counts, strongest first."""

    USER_STATEMENT = "user_statement"  # the person typed it
    OBSERVED = "observed"  # behaviour in the trace with a checkable outcome (a command failed, its fix ran)
    AGENT_CLAIM = "agent_claim"  # the model said so (a compaction summary, an LLM proposal)
    TOOL_TEXT = "tool_text"  # text from command output, files, web pages: untrusted


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a lesson applies. Empty everywhere means "whenever its scope applies"."""

    tools: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()  # command prefixes, e.g. "git push", "python"
    paths: tuple[str, ...] = ()  # globs, e.g. "migrations/**"
    keywords: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.tools or self.commands or self.paths or self.keywords)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a lesson may act. ``project`` is the project key; ``session`` is set for one-off lessons."""

    level: ScopeLevel
    project: str | None = None
    agent: str | None = None
    session: str | None = None

    def describe(self) -> str:
        where = {
            ScopeLevel.GLOBAL: "all projects",
            ScopeLevel.PROJECT: f"project {self.project or '(unknown)'}",
            ScopeLevel.SESSION: f"session {self.session or '(unknown)'}",
        }[self.level]
        return f"{where}, {self.agent} only" if self.agent else where


@dataclass(frozen=True, slots=True)
class Evidence:
    """One event that supports a lesson, with where to find it in the original transcript."""

    event_key: str
    session_id: str | None
    origin: Origin
    basis: Basis
    role: str  # what the event shows: "statement", "failure", "fix", "success", "summary", ...
    excerpt: str = ""
    timestamp: str | None = None
    transcript_path: str | None = None
    transcript_line: int | None = None


@dataclass(frozen=True, slots=True)
class Confidence:
    """A number in [0, 1] and the terms it was computed from (see ``reverie.domain.confidence``)."""

    value: float
    sessions: int = 0  # distinct sessions with user or observed evidence
    user_statements: int = 0
    outcomes: int = 0  # times the lesson was seen to hold (the fix worked)
    agent_claims: int = 0
    contradictions: int = 0
    age_days: float = 0.0  # since the newest evidence
    idle_sessions: int = 0  # sessions of its project since the newest evidence: what ages a lesson
    terms: tuple[tuple[str, float], ...] = ()


UNRATED = Confidence(value=0.0)


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    key: str  # the normalised identity that merges rediscoveries ("use:python3|not:python")
    statement: str  # an instruction or fact a future session can act on, never a log line
    kind: LessonKind
    scope: Scope
    evidence: tuple[Evidence, ...]
    version: int = 1
    trigger: Trigger = Trigger()
    confidence: Confidence = UNRATED
    status: LessonStatus = LessonStatus.CANDIDATE
    level: Level = Level.MEMORY
    durable: bool = True  # False for one-off requests ("just this once"): valid only in their session
    topic: str = ""  # lessons on one topic with different stances contradict each other
    stance: str = ""  # what the lesson recommends ("pnpm", "make check")
    against: str = ""  # what it advises against ("npm"): a lesson recommending that contradicts it
    valid_from: str | None = None
    valid_to: str | None = None
    supersedes: str | None = None
    superseded_by: str | None = None
    uncertainty: str | None = None  # said plainly when the evidence is thin
    extractor: str = ""
    forgotten_reason: str | None = None  # set on the tombstone that ``reverie forget`` writes
    recorded_at: str | None = None

    @property
    def content_hash(self) -> str:
        """What a review approval binds to: the lesson's meaning, not its evidence count."""
        return content_hash(self)

    @property
    def sessions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.session_id for e in self.evidence if e.session_id))


def content_hash(lesson: Lesson) -> str:
    meaning = {
        "statement": lesson.statement,
        "kind": lesson.kind.value,
        "scope": [lesson.scope.level.value, lesson.scope.project, lesson.scope.agent, lesson.scope.session],
        "trigger": [list(lesson.trigger.tools), list(lesson.trigger.commands), list(lesson.trigger.paths)],
        "level": lesson.level.value,
        "durable": lesson.durable,
    }
    return hashlib.sha256(json.dumps(meaning, sort_keys=True).encode()).hexdigest()


def lesson_id(key: str, scope: Scope) -> str:
    """Stable: the same key in the same scope is the same lesson, however often it is found."""
    basis = "\x1f".join((scope.level.value, scope.project or "", scope.agent or "", scope.session or "", key))
    return "L" + hashlib.sha256(basis.encode()).hexdigest()[:11]


@dataclass(frozen=True, slots=True)
class Observation:
    """One extractor's proposal from one session: a lesson-to-be and the evidence for it.

    ``min_sessions`` says how many distinct sessions must show the same ``key`` before a lesson is
    formed at all (a hazard is "the same failure across sessions"); ``max_status`` caps how far the
    observation alone may take a lesson (an agent's summary never makes one active).
    """

    key: str
    kind: LessonKind
    statement: str
    scope: Scope
    evidence: tuple[Evidence, ...]
    extractor: str
    trigger: Trigger = Trigger()
    durable: bool = True
    explicit: bool = False  # the user stated it as a standing instruction ("always", "never", ...)
    topic: str = ""
    stance: str = ""
    against: str = ""
    min_sessions: int = 1
    max_status: LessonStatus = LessonStatus.ACTIVE
    outcomes: int = 0
    valid_to: str | None = None
    uncertainty: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def session_id(self) -> str | None:
        return next((e.session_id for e in self.evidence if e.session_id), None)

    @property
    def timestamp(self) -> str:
        return max((e.timestamp or "" for e in self.evidence), default="")
