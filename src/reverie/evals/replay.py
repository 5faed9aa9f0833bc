"""The replay: sessions in time order, each memory learning only from the past.

For each session, in order of its start:

1. its transcript is imported into one fresh store with the real importer (all memories share the
   store: they see the same events);
2. every memory's current lessons go through the injector for this session, and the session metrics
   score what would have been in its context (the memory has not seen this session yet). When the
   truth says what the project's checkout held then (``Truth.checkouts``), that checkout is written
   to a temporary folder (once per state, ``evals.checkout``) and given as the session's project
   folder, so recall checks premises against it as the hooks do;
3. every memory learns the session (``Memory.learn``; distill is incremental, so each step costs
   what the new session costs, not what history costs);
4. at checkpoints, the store metrics are taken on every memory's lessons.

So one pass gives the final scorecard, the curves against sessions seen, and the future-behaviour
score, for every memory on the same data.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reverie.capture.importer import import_paths
from reverie.domain import EventKind, Origin
from reverie.evals import truth as t
from reverie.evals.checkout import Checkouts
from reverie.evals.injector import DigestInjector
from reverie.evals.matching import Classifier
from reverie.evals.metrics import Rate, Scorer
from reverie.evals.protocols import (
    CALL_EVENT,
    PROMPT_EVENT,
    EvalLesson,
    HookEvent,
    Injection,
    InjectionRequest,
    Injector,
    Memory,
    MemoryUnavailable,
)
from reverie.store import SQLiteStore

AFTER = "~"  # appended to an ISO time: an instant after it, before any later second


@dataclass(frozen=True, slots=True)
class ReplaySession:
    id: str
    path: Path
    started_at: str
    truth: t.SessionTruth | None  # None: not labelled, learned from but not scored


@dataclass(frozen=True, slots=True)
class MemoryResult:
    name: str
    available: bool
    reason: str = ""
    final: dict[str, Rate] = field(default_factory=dict)
    series: tuple[tuple[int, dict[str, Rate]], ...] = ()  # (sessions seen, rates)
    breakdown: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)
    active_lessons: int = 0
    learn_seconds: float = 0.0
    audit: dict[str, object] = field(default_factory=dict)  # ``evals.audit``: behind pollution and staleness


@dataclass(frozen=True, slots=True)
class RunResult:
    sessions: int
    memories: tuple[MemoryResult, ...]
    import_problems: tuple[str, ...]
    identity_mismatches: int  # sessions whose imported project differs from the truth's
    seconds: float
    budget: int
    meta: dict[str, object] = field(default_factory=dict)


class _Entry:
    """One memory under test and its scorer (mutable while the replay runs)."""

    def __init__(self, memory: Memory, scorer: Scorer) -> None:
        self.memory = memory
        self.scorer = scorer
        self.series: list[tuple[int, dict[str, Rate]]] = []
        self.learn_seconds = 0.0


def replay(
    truth: t.Truth,
    sessions: Sequence[ReplaySession],
    factories: Sequence[Callable[[], Memory]],
    *,
    workdir: Path,
    injector: Injector | None = None,
    checkpoints: int = 20,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    started = time.perf_counter()
    injector = injector or DigestInjector()
    classifier = Classifier(truth.items)
    entries, unavailable = _construct(factories, truth, classifier)
    database = workdir / "replay.db"
    for leftover in workdir.glob("replay.db*"):
        leftover.unlink()
    store = SQLiteStore(database)
    folders = tempfile.TemporaryDirectory(prefix="reverie-checkouts-")
    checkouts = Checkouts(Path(folders.name), truth.checkouts)
    problems: list[str] = []
    mismatches = 0
    marks = _checkpoint_indices(len(sessions), checkpoints)
    try:
        for index, session in enumerate(sessions):
            report = import_paths(store, [session.path])
            problems.extend(str(p) for p in report.problems)
            stored = store.session(session.id)
            project = stored.project.key if stored and stored.project else ""
            if session.truth is not None and session.truth.project and project != session.truth.project:
                mismatches += 1
            cwd = stored.cwd if stored else None
            events = hook_events(store, session.id)
            first = next((event.text for event in events if event.kind == PROMPT_EVENT), "")
            folder = checkouts.folder(session.truth.checkout) if session.truth is not None else None
            request = InjectionRequest(
                session.id, project, cwd, session.started_at, first, events, str(folder) if folder else ""
            )
            for entry in entries:
                lessons = entry.memory.lessons()
                if session.truth is not None:
                    injection = _injection(entry.memory, injector, lessons, request)
                    entry.scorer.observe(session.truth, injection, lessons, request.call_ids)
                clock = time.perf_counter()
                entry.memory.learn(store, [session.id])
                entry.learn_seconds += time.perf_counter() - clock
            if index in marks:
                when = session.started_at + AFTER
                for entry in entries:
                    lessons = entry.memory.lessons()
                    entry.scorer.sample_poisoning(lessons)
                    entry.series.append(
                        (index + 1, {**entry.scorer.snapshot(lessons, when), **entry.scorer.session_rates()})
                    )
            if progress is not None:
                progress(1)
    finally:
        store.close()
        folders.cleanup()
    when = (sessions[-1].started_at if sessions else "") + AFTER
    results = [_result(entry, when) for entry in entries]
    return RunResult(
        sessions=len(sessions),
        memories=tuple(sorted([*results, *unavailable], key=lambda r: _order(factories, r.name))),
        import_problems=tuple(problems),
        identity_mismatches=mismatches,
        seconds=time.perf_counter() - started,
        budget=getattr(injector, "budget", 0),
    )


def _injection(
    memory: Memory, injector: Injector, lessons: Sequence[EvalLesson], request: InjectionRequest
) -> Injection:
    """A memory with recall of its own (reverie's: ``evals.recalled``) injects through it; the others get
    the plain digest."""
    own = getattr(memory, "inject", None)
    return own(request) if callable(own) else injector.inject(lessons, request)


def hook_events(store: SQLiteStore, session_id: str) -> tuple[HookEvent, ...]:
    """The moments recall answers in this session, in order: what the person typed (``UserPromptSubmit``
    sees it before the model does) and every tool call of the main agent (``PreToolUse``)."""
    found: list[HookEvent] = []
    for event in store.events(session_id):
        if event.kind is EventKind.PROMPT and event.origin is Origin.USER and event.text.strip():
            found.append(HookEvent(PROMPT_EVENT, text=event.text))
        elif event.kind is EventKind.TOOL_CALL and not event.sidechain and event.tool_name:
            call = HookEvent(CALL_EVENT, tool_name=event.tool_name, tool_input=event.tool_input or {})
            found.append(replace(call, call_id=event.tool_use_id or ""))
    return tuple(found)


def sessions_of(truth: t.Truth, root: Path) -> list[ReplaySession]:
    """The replay order of a generated scenario: its truth lists every session with its transcript."""
    return [ReplaySession(s.id, root / s.path, s.started_at, s) for s in truth.sessions]


def _construct(
    factories: Sequence[Callable[[], Memory]], truth: t.Truth, classifier: Classifier
) -> tuple[list[_Entry], list[MemoryResult]]:
    entries, unavailable = [], []
    for factory in factories:
        try:
            memory = factory()
        except MemoryUnavailable as reason:
            unavailable.append(
                MemoryResult(name=getattr(factory, "name", str(factory)), available=False, reason=str(reason))
            )
            continue
        entries.append(_Entry(memory, Scorer(truth, classifier)))
    return entries, unavailable


def _result(entry: _Entry, when: str) -> MemoryResult:
    lessons = entry.memory.lessons()
    entry.scorer.sample_poisoning(lessons)
    final = {**entry.scorer.snapshot(lessons, when), **entry.scorer.session_rates()}
    return MemoryResult(
        name=entry.memory.name,
        available=True,
        final=final,
        series=tuple(entry.series),
        breakdown=entry.scorer.breakdown(lessons, when),
        active_lessons=sum(1 for lesson in lessons if lesson.active),
        learn_seconds=entry.learn_seconds,
        audit=entry.scorer.audit.as_json(),
    )


def _checkpoint_indices(count: int, checkpoints: int) -> set[int]:
    if count == 0:
        return set()
    steps = max(1, min(checkpoints, count))
    return {round((k + 1) * count / steps) - 1 for k in range(steps)}


def _order(factories: Sequence[Callable[[], Memory]], name: str) -> int:
    names = [getattr(factory, "name", "") for factory in factories]
    return names.index(name) if name in names else len(names)
