"""The vocabulary of the simulated world: projects, concepts (what can be learned, with its ground
truth and how to act it out), session plans, and the world that holds them. Data only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reverie.evals import truth as t
from reverie.evals.transcript import iso

START = datetime(2025, 1, 6, 8, 30, tzinfo=UTC)
TOPIC_RATES = {
    "edit": 0.85,
    "test": 0.55,
    "lint": 0.3,
    "commit": 0.35,
    "push": 0.2,
    "deps": 0.2,
    "build": 0.15,
    "docker": 0.12,
    "python-run": 0.15,
    "search": 0.3,
}
EXTRA_RATES = {
    "one_off": 0.08,
    "poison:issue": 0.05,
    "poison:web_page": 0.05,
    "poison:command_output": 0.04,
    "poison:pasted": 0.04,
    "docs": 0.15,
    "compaction": 0.03,
    "slash": 0.1,
    "interrupt": 0.05,
}
KINDS = {
    t.FACT: ("fact", "procedure"),
    t.PROJECT_PREFERENCE: ("preference", "rule", "procedure"),
    t.GLOBAL_PREFERENCE: ("preference", "rule", "procedure"),
    t.COMMAND_FIX: ("procedure", "fact", "hazard"),
    t.HAZARD: ("hazard", "procedure", "fact"),
    t.FAILED_APPROACH: ("failed_approach", "hazard", "procedure"),
}


@dataclass(frozen=True, slots=True)
class ProjectSpec:
    key: str  # github.com/owner/repo, what capture.project.identify() will answer
    name: str
    remote: str
    ecosystem: str
    folder: str  # the checkout, relative to the output folder
    branch: str
    modules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """One learnable (or deliberately unlearnable) thing, with its ground truth and how to act it out."""

    id: str
    category: str
    behaviour: str  # command | style | generated | preference | approach | hazard | one_off | poison
    topic: str
    scope: str
    project: str | None
    terms: tuple[tuple[str, ...], ...]
    rivals: tuple[str, ...] = ()
    ecosystems: tuple[str, ...] = ()
    slot: str | None = None
    value: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    persist: bool = True
    say: Mapping[str, str] = field(default_factory=dict)  # slots for what the person says
    act: Mapping[str, str] = field(default_factory=dict)  # commands and output for what the agent does
    vector: str | None = None
    note: str = ""
    statement: str = ""  # spoken concepts: the labelled statement of the real turn that says it
    quote: str = ""

    def matcher(self) -> t.Matcher:
        return t.Matcher(
            statement=self.statement,
            quote=self.quote,
            terms=self.terms,
            rivals=self.rivals,
            kinds=() if self.statement else KINDS.get(self.category, ()),  # a real statement may be a fact
            scope=self.scope,
            project=self.project,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    def valid_at(self, when: str) -> bool:
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when < self.valid_to)


@dataclass(frozen=True, slots=True)
class SessionPlan:
    index: int
    id: str
    project: ProjectSpec
    start: datetime
    topics: frozenset[str]
    subdir: str
    extras: tuple[str, ...]  # names from EXTRA_RATES
    introduces: tuple[str, ...] = ()  # concepts that become true at this session (a fact changed)
    one_off: str | None = None  # the one-off concept requested here
    poisons: tuple[str, ...] = ()  # poisoning concepts this session is exposed to
    spoken: tuple[str, ...] = ()  # standing instructions the person gives in this session (real turns)

    @property
    def started_at(self) -> str:
        return iso(self.start)


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    projects: tuple[ProjectSpec, ...]
    concepts: Mapping[str, Concept]
    sessions: tuple[SessionPlan, ...]
    tasks: tuple[str, ...] = ()  # real task requests to open sessions with (``spoken.Pool.tasks``)

    def facts_at(self, plan: SessionPlan) -> dict[str, Concept]:
        """Slot -> the project's fact that holds when ``plan`` starts (its package manager, test command...)."""
        return {
            concept.slot: concept
            for concept in self.concepts.values()
            if concept.project == plan.project.key
            and concept.slot
            and concept.value
            and concept.valid_at(plan.started_at)
        }

    def in_scope(self, plan: SessionPlan) -> list[Concept]:
        """Durable concepts that may matter in this session: its project's, and the global ones for its ecosystem."""
        found = []
        for concept in self.concepts.values():
            if concept.behaviour in ("one_off", "poison", "spoken") or not concept.valid_at(plan.started_at):
                continue
            if concept.scope == t.PROJECT and concept.project != plan.project.key:
                continue
            if concept.ecosystems and plan.project.ecosystem not in concept.ecosystems:
                continue
            found.append(concept)
        return found
