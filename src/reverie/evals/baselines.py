"""The systems measured side by side, each behind the ``Memory`` protocol.

- ``NoMemory`` keeps nothing: the floor every other system must beat on future behaviour, and the
  ceiling on every harm metric (it cannot pollute, overreach or be poisoned).
- ``RememberEverything`` makes every typed prompt an active global lesson: what a naive "save the
  conversation" memory does. Expect high recall and terrible precision, overreach and poisoning.
- ``KeywordCorrections`` keeps the sentences of typed prompts that contain a correction keyword
  ("don't", "never", "always", "instead", "use ... not", "stop", "I told you") as project lessons.
- ``ReverieDistill`` is reverie's own deterministic distillation, read back from the store.
- ``ReverieDreams`` is reverie with dreams: distill, a dream every few sessions, its proposals accepted.
  It also keeps the tally of flip-flops across its dreams (``metrics.FlipFlops``).

The baselines read what the real importer stored, like distill does, so every system sees the same
events.
"""

from __future__ import annotations

import importlib
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.domain import EventKind, Origin
from reverie.evals.metrics import DreamtLessons, FlipFlops
from reverie.evals.protocols import EvalLesson, Injection, InjectionRequest, MemoryUnavailable
from reverie.evals.recalled import Recalled
from reverie.store import Batch, SQLiteStore, Store

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CORRECTION = re.compile(
    r"\b(?:don'?t|do not|never|always|instead|stop|i told you|not\s+\S+$|use\s+\S+,?\s+not|prefer|rather than)\b",
    re.IGNORECASE,
)


def typed_prompts(store: Store, session_id: str) -> list[tuple[str, str | None]]:
    """(text, timestamp) of what the person typed in a session, as the importer stored it."""
    return [
        (event.text, event.timestamp)
        for event in store.events(session_id)
        if event.kind is EventKind.PROMPT and event.origin is Origin.USER and event.text.strip()
    ]


class NoMemory:
    name = "no-memory"

    def learn(self, store: Store, session_ids: Sequence[str]) -> None:
        return None

    def lessons(self) -> Sequence[EvalLesson]:
        return ()


class _Accumulating:
    """A memory that only ever adds lessons; ``lessons()`` returns the same tuple until it learns more."""

    def __init__(self) -> None:
        self._lessons: list[EvalLesson] = []
        self._snapshot: tuple[EvalLesson, ...] = ()

    def lessons(self) -> Sequence[EvalLesson]:
        if len(self._snapshot) != len(self._lessons):
            self._snapshot = tuple(self._lessons)
        return self._snapshot


class RememberEverything(_Accumulating):
    name = "remember-everything"

    def learn(self, store: Store, session_ids: Sequence[str]) -> None:
        for session_id in session_ids:
            for index, (text, when) in enumerate(typed_prompts(store, session_id)):
                self._lessons.append(
                    EvalLesson(
                        id=f"{session_id}:{index}",
                        statement=text,
                        kind="preference",
                        scope="global",
                        confidence=0.5,
                        valid_from=when,
                    )
                )


class KeywordCorrections(_Accumulating):
    name = "keyword-corrections"

    def learn(self, store: Store, session_ids: Sequence[str]) -> None:
        for session_id in session_ids:
            session = store.session(session_id)
            project = session.project.key if session and session.project else None
            for index, (text, when) in enumerate(typed_prompts(store, session_id)):
                for number, sentence in enumerate(s.strip() for s in _SENTENCE.split(text)):
                    if sentence and _CORRECTION.search(sentence):
                        self._lessons.append(
                            EvalLesson(
                                id=f"{session_id}:{index}:{number}",
                                statement=sentence,
                                kind="preference",
                                scope="project",
                                project=project,
                                confidence=0.5,
                                valid_from=when,
                            )
                        )


class ReverieDistill:
    """Reverie's distillation without dreams: the distill stage's public entry point, then its lessons.

    Distill reports the lesson versions each run wrote, so the view is updated from the report rather
    than by reading every lesson back after every session (which would make a replay quadratic).
    The clock given to distill is the end of the newest session, so confidence decays in replay time.
    """

    name = "reverie"

    def __init__(self, distill: Callable[..., object] | None = None) -> None:
        self._distill = distill or _distill_entry_point()
        self._lessons: dict[str, EvalLesson] | None = None
        self._snapshot: tuple[EvalLesson, ...] = ()
        self._folder = tempfile.TemporaryDirectory(prefix="reverie-recall-")
        self._recall = Recalled(Path(self._folder.name))

    def learn(self, store: Store, session_ids: Sequence[str]) -> None:
        if self._lessons is None:
            self._lessons = {lesson.id: from_domain(lesson) for lesson in store.lessons()}
        report = self._distill(store, now=_end_of(store, session_ids))
        written = getattr(report, "lessons", None)
        if written is None:  # an entry point that does not report: read everything back
            self._lessons = {lesson.id: from_domain(lesson) for lesson in store.lessons()}
        else:
            self._lessons.update((lesson.id, from_domain(lesson)) for lesson in written)
        self._snapshot = tuple(self._lessons.values())
        self._recall.refresh(store, _end_of(store, session_ids))

    def lessons(self) -> Sequence[EvalLesson]:
        return self._snapshot

    def inject(self, request: InjectionRequest) -> Injection:
        """What ``reverie.recall`` shows this session, as the hooks would (``evals.recalled``)."""
        return self._recall.inject(self._lessons or {}, request)


def _end_of(store: Store, session_ids: Sequence[str]) -> datetime | None:
    stamps = []
    for session_id in session_ids:
        session = store.session(session_id)
        if session is not None and (session.ended_at or session.started_at):
            stamps.append(session.ended_at or session.started_at or "")
    if not stamps:
        return None
    try:
        return datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))
    except ValueError:
        return None


class ReverieDreams:
    """Reverie with dreams: distill every session, dream every ``every`` sessions, review the proposals.

    The stated review policy: accept every consolidation (merge, supersede, retire, flag a
    contradiction, ...) and leave changes of scope and force (promote, demote, evolve) to a person,
    which this replay does not have: they are discarded. Retiring a lesson whose premise recall found gone
    (the ``premises`` pass, fed what this replay's recall checked) is a consolidation like the others, so
    it is accepted. ``accept_types`` changes it (pass every type to
    measure a reviewer who accepts everything). It keeps its own store (a copy of each new session's
    events), because accepting changes must not touch what the other memories read. The dream's clock
    is the end of the newest session, like distill's.
    """

    name = "reverie+dreams"

    CONSOLIDATION = ("add", "merge", "supersede", "split", "retire", "quarantine", "flag_contradiction")

    def __init__(
        self,
        every: int = 25,
        accept_types: Sequence[str] = CONSOLIDATION,
        *,
        extractors: Sequence[Any] | None = None,
        recorder: Callable[[Any], None] | None = None,
    ) -> None:
        try:
            from reverie.distill import distill
            from reverie.dream import DreamRequest, run_dream
            from reverie.review import accept
            from reverie.review.actor import Actor
            from reverie.review.policy import Policy
        except ImportError as error:
            raise MemoryUnavailable(f"the dream stage cannot be imported: {error}") from error
        self._distill, self._run_dream, self._accept = distill, run_dream, accept
        self._extractors = tuple(extractors) if extractors is not None else None
        self.recorder = recorder  # sees every change a dream proposes (the real-corpus eval audits them)
        self.failures: dict[str, str] = {}  # sessions distill could not read (a model backend that failed, say)
        self._request, self._reviewer, self._policy = DreamRequest, Actor(name="eval-reviewer"), Policy()
        self.every = every
        self.accept_types = frozenset(accept_types)
        self.dreams = 0
        self._folder = tempfile.TemporaryDirectory(prefix="reverie-dreams-")
        self._home = Path(self._folder.name)
        self._store = SQLiteStore(self._home / "dreams.db")
        self._recall = Recalled(self._home / "recall-home")
        self._since_dream = 0
        self._lessons: dict[str, EvalLesson] = {}
        self.flip_flops = FlipFlops()
        self._snapshot: tuple[EvalLesson, ...] = DreamtLessons((), self.flip_flops.rate())

    def learn(self, store: Store, session_ids: Sequence[str], *, now: datetime | None = None) -> None:
        for session_id in session_ids:
            session = store.session(session_id)
            self._store.write(Batch(events=tuple(store.events(session_id)), sessions=(session,) if session else ()))
        now = now or _end_of(store, session_ids)
        if self._extractors is None:
            report = self._distill(self._store, now=now)
        else:
            report = self._distill(self._store, now=now, extractors=self._extractors)
        self.failures.update((o.session_id, o.outcome) for o in getattr(report, "failures", ()))
        self._lessons.update((lesson.id, from_domain(lesson)) for lesson in report.lessons)
        self._since_dream += len(session_ids)
        if self._since_dream >= self.every:
            self._dream(now)
        self._snapshot = DreamtLessons(tuple(self._lessons.values()), self.flip_flops.rate())
        self._recall.refresh(self._store, now)

    def inject(self, request: InjectionRequest) -> Injection:
        """What ``reverie.recall`` shows this session, as the hooks would (``evals.recalled``)."""
        return self._recall.inject(self._lessons, request)

    def dream_now(self, now: datetime | None) -> None:
        """A dream now, whatever the count (the end of a replay)."""
        self._dream(now)
        self._snapshot = DreamtLessons(tuple(self._lessons.values()), self.flip_flops.rate())

    def domain_lessons(self) -> Sequence[Any]:
        """Every lesson of its store, as the store holds it (for audits that need evidence)."""
        return self._store.lessons()

    def close(self) -> None:
        self._store.close()
        self._folder.cleanup()

    def _dream(self, now: datetime | None) -> None:
        self._since_dream = 0
        before = dream_states(self._store.lessons())
        request = self._request(now=now, wait=0, premise_checks=self._recall.premise_checks)
        record = self._run_dream(self._store, self._home, request)
        self.dreams += 1
        if record.status != "completed" or not record.changes:
            self.flip_flops.record(before, before)
            return
        stored = self._store.dream_changes(record.id)
        if self.recorder is not None:
            for item in stored:
                self.recorder(item.change)
        chosen = [item.change for item in stored if item.change.type in self.accept_types]
        if chosen:
            self._accept(
                self._store,
                record.id,
                actor=self._reviewer,
                policy=self._policy,
                command="eval",
                only=[change.id for change in chosen],
                approved={change.id: change.content_hash for change in chosen},
                now=now,
            )
        held = self._store.lessons()
        self.flip_flops.record(before, dream_states(held))
        self._lessons = {lesson.id: from_domain(lesson) for lesson in held}

    def lessons(self) -> Sequence[EvalLesson]:
        return self._snapshot


def dream_states(lessons: Sequence[Any]) -> dict[str, str]:
    """What ``FlipFlops`` follows, from domain lessons: each lesson's status, and for each topic in
    each scope the stances its active lessons take."""
    states: dict[str, str] = {}
    stances: dict[str, set[str]] = {}
    for lesson in lessons:
        active = _value(lesson.status) == "active"
        states[f"lesson:{lesson.id}"] = _value(lesson.status)
        if active and lesson.topic and lesson.stance:
            scope = lesson.scope
            where = scope.session or scope.project or _value(scope.level)
            stances.setdefault(f"topic:{where}:{lesson.topic}", set()).add(str(lesson.stance))
    states.update((key, " | ".join(sorted(found))) for key, found in stances.items())
    return states


def from_domain(lesson: Any) -> EvalLesson:
    """The evaluator's view of a ``reverie.domain.lessons.Lesson`` (read by attribute, to stay decoupled)."""
    scope = lesson.scope
    return EvalLesson(
        id=str(lesson.id),
        statement=str(lesson.statement),
        kind=_value(lesson.kind),
        scope=_value(scope.level),
        project=scope.project,
        session=scope.session,
        status=_value(lesson.status),
        level=_value(lesson.level),
        confidence=float(lesson.confidence.value),
        valid_from=lesson.valid_from,
        valid_to=lesson.valid_to,
    )


def _value(member: Any) -> str:
    return str(getattr(member, "value", member))


def _distill_entry_point() -> Callable[..., object]:
    """distill's public "given a store, distill what is new"; looked up late so evals do not pin its layout."""
    try:
        module = importlib.import_module("reverie.distill")
    except ImportError as error:
        raise MemoryUnavailable(f"reverie.distill cannot be imported: {error}") from error
    entry = getattr(module, "distill", None)
    if not callable(entry):
        raise MemoryUnavailable("reverie.distill has no distill(store) entry point yet")
    return entry  # type: ignore[no-any-return]


BASELINES: dict[str, Callable[[], Any]] = {
    NoMemory.name: NoMemory,
    RememberEverything.name: RememberEverything,
    KeywordCorrections.name: KeywordCorrections,
    ReverieDistill.name: ReverieDistill,
    ReverieDreams.name: ReverieDreams,
}
