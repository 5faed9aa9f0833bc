"""Folding observations into lessons: merge by key, decide status, let newer statements supersede.

A ``Ledger`` is one unit of work (one session's distillation, or one ``remember``/``forget``): it
reads current lessons and stored observations from the store, keeps its changes in memory, and
hands back the new versions to write in one transaction.

* **Merge.** Observations with the same key in the same scope are one lesson (``lesson_id``). A
  rediscovery adds evidence and recomputes confidence; it never creates a duplicate. The statement,
  kind and trigger come from the strongest observation (a user's own words beat an observed fix,
  which beats an agent's claim).
* **Enough sessions.** An observation that needs several sessions (hazards, workflows) forms a
  lesson only once the stored observations for its key span that many sessions.
* **Contradictions** (``contradiction``: one topic with different stances, one recommending what
  the other advises against). Time order decides, not the order sessions are read in: the one with
  the newer evidence wins if it rests on evidence at least as strong; the other is retired with
  ``superseded_by``, ``valid_to`` and one more contradiction on its confidence, and the winner gets
  ``supersedes``, whichever of the two was read last. Both keep all their evidence. If the old stance
  is asserted again later, it comes back the same way.
* **A hold stands until the person speaks.** A lesson that an accepted dream held as a candidate
  (it disagrees with another and code could not order them) stays a candidate on more of the same
  evidence, until the person says it again or nothing active disagrees with it any more; the rival's newer
  runs do not retire it either (the order of runs is what could not settle it), and its note stays on every
  version it goes through.
* **A retirement stands until newer evidence.** A lesson retired by an accepted dream, or by a clean
  run of the command it said fails, is not brought back by evidence from before its retirement (a
  session read again, an old transcript imported late): that is recorded, and it stays retired.
  Evidence from after it brings it back as a new decision that says so.
* **Age is work, not days.** Confidence recency counts the sessions of the lesson's project since its
  newest evidence (``idle_sessions``), never the clock.
* **Forgotten stays forgotten.** New evidence for a forgotten lesson is recorded as observations
  only.
* **The person's "everywhere" covers each project.** Once the person has said an instruction holds
  in every project (an active global lesson from their own words), saying it again in one project
  is more evidence for that lesson, not a narrower copy; and project copies made before it are
  retired as superseded by it. Only the person's own global statement does this: an observed fix
  that recurs in several projects stays per project until review promotes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from reverie.distill import guards
from reverie.distill.contradiction import (
    can_supersede,
    contradicts,
    held_since,
    newest,
    question,
    restates,
    strength_of,
)
from reverie.domain import confidence
from reverie.domain.holds import activated_in_review, idle_sessions
from reverie.domain.lessons import (
    UNRATED,
    Basis,
    Evidence,
    Lesson,
    LessonStatus,
    Level,
    Observation,
    Scope,
    ScopeLevel,
    lesson_id,
)
from reverie.store import LessonBatch, Store


@dataclass
class Ledger:
    store: Store
    now: datetime
    observed: list[Observation] = field(default_factory=list)
    _base: dict[str, Lesson | None] = field(default_factory=dict)
    _pending: dict[str, Lesson] = field(default_factory=dict)
    _observations: dict[str, list[Observation]] = field(default_factory=dict)
    _topics: dict[str, tuple[Lesson, ...]] = field(default_factory=dict)

    # -- reading through the pending changes ---------------------------------------------------

    def current(self, identifier: str) -> Lesson | None:
        if identifier in self._pending:
            return self._pending[identifier]
        if identifier not in self._base:
            self._base[identifier] = self.store.lesson(identifier)
        return self._base[identifier]

    def observations(self, identifier: str) -> list[Observation]:
        if identifier not in self._observations:
            self._observations[identifier] = list(self.store.observations_for(identifier))
        return self._observations[identifier]

    def on_topic(self, topic: str) -> tuple[Lesson, ...]:
        """The stored lessons on ``topic``, asked once per unit of work. Each one read is also the base
        of its id (the very version ``store.lesson`` returns: nothing is written before ``batch``), so
        a lesson found by its topic is not read again, with all its evidence, when it is folded."""
        if topic not in self._topics:
            self._topics[topic] = tuple(self.store.lessons_on_topic(topic))
            for lesson in self._topics[topic]:
                self._base.setdefault(lesson.id, lesson)
        return self._topics[topic]

    def identity(self, key: str, topic: str, scope: Scope) -> str:
        """The id of the lesson keyed ``key`` in ``scope``: the one minted from the key, or a lesson
        minted under an earlier normal form of text and re-keyed since (store migration
        ``m006_normal_form_2``), whose id no longer follows from its key: found by its topic."""
        minted = lesson_id(key, scope)
        if not topic or self.current(minted) is not None:
            return minted
        found = next((o.id for o in self.on_topic(topic) if o.key == key and o.scope == scope), None)
        if found is None:
            return minted
        if found not in self._observations:  # what was observed since the re-key is stored by its key
            self._observations[found] = [*self.store.observations_for(found), *self.store.observations_for(minted)]
        return found

    # -- changing -----------------------------------------------------------------------------

    def fold(self, observation: Observation) -> Lesson | None:
        """Add one (already admitted) observation; returns the lesson it formed or strengthened."""
        observation = self._widened(observation)
        identifier = self.identity(observation.key, observation.topic, observation.scope)
        self.observed.append(observation)
        group = self._record(identifier, observation)
        current = self.current(identifier)
        if current is not None and current.forgotten_reason is not None:
            return None
        if current is None and len({o.session_id for o in group}) < observation.min_sessions:
            return None
        ended = _retirement(current)
        if current is not None and ended is not None and not _after(observation, ended):
            return self._keep_retired(current, observation)
        lesson = _assemble(identifier, group, current)
        lesson = self._settle_contradictions(lesson)
        self._pending[lesson.id] = self._respect_decisions(self._finish(lesson), current, observation)
        if _stated_everywhere(self._pending[lesson.id]):
            self._subsume(self._pending[lesson.id], _SPOKEN, "the person said it holds in every project")
        elif _of_this_machine(self._pending[lesson.id]):
            self._subsume(self._pending[lesson.id], _MACHINE_FIXES, "the fix holds on this machine, in every project")
        return self._pending[lesson.id]

    def _respect_decisions(self, lesson: Lesson, current: Lesson | None, observation: Observation) -> Lesson:
        """What earlier decisions leave of the status the evidence earns: back from a retirement only
        as a new decision that says so; still held while the person has not spoken and something
        active still disagrees; still active when a person made it active in review."""
        if current is None:
            return lesson
        if _retirement(current) is not None and lesson.status is not LessonStatus.RETIRED:
            return _revived(lesson, current, observation)
        if activated_in_review(current) and lesson.status is LessonStatus.CANDIDATE:
            return replace(lesson, status=LessonStatus.ACTIVE, level=current.level, uncertainty=current.uncertainty)
        held = held_since(current)
        if held is None or _spoken_after(observation, held):
            return lesson
        contested = any(contradicts(lesson, rival) for rival in self._rivals(lesson))
        return _still_held(lesson, current) if contested else lesson

    def _keep_retired(self, current: Lesson, observation: Observation) -> Lesson:
        """Evidence from before a retirement (a session distilled again, an old transcript imported
        late) is kept, but the decision stands: it was made after that moment."""
        kept = replace(current, evidence=_union(current.evidence, observation.evidence))
        self._pending[current.id] = self._rescore(kept)
        return self._pending[current.id]

    def clear_failures(self, worked: dict[str, str], project: str | None) -> None:
        """Retire lessons saying a command fails here once it has run clean after their evidence:
        the failure is no longer the state of the world. New failures bring them back. ``worked``
        maps the topics that a clean run answers (``hazards.outcome_topic``, ...) to its time."""
        for topic, when in worked.items():
            for found in self.on_topic(topic):
                lesson = self.current(found.id) or found
                if lesson.status is LessonStatus.RETIRED or lesson.scope.project != project or newest(lesson) >= when:
                    continue
                self._pending[lesson.id] = replace(
                    lesson,
                    status=LessonStatus.RETIRED,
                    level=Level.MEMORY,
                    valid_to=when,
                    uncertainty="it ran clean again",
                )

    def _widened(self, observation: Observation) -> Observation:
        """A project observation of an instruction the person already gave for every project."""
        if observation.scope.level is not ScopeLevel.PROJECT or observation.extractor not in _SPOKEN:
            return observation
        everywhere = self.current(self.identity(observation.key, observation.topic, Scope(level=ScopeLevel.GLOBAL)))
        if everywhere is None or not _stated_everywhere(everywhere):
            return observation
        return replace(observation, scope=everywhere.scope, statement=observation.statement.removeprefix(_HERE))

    def _subsume(self, everywhere: Lesson, extractors: frozenset[str], why: str) -> None:
        """Retire the project lessons of ``extractors`` that an active global one now says for every project: the
        person's words (``_SPOKEN``), or the same fix of a command once it is known to be the machine's
        (``_MACHINE_FIXES``: a store distilled before such fixes were learned globally holds one per project)."""
        for found in self.store.lessons(scope=ScopeLevel.PROJECT, statuses=_LIVE):
            lesson = self.current(found.id) or found
            if lesson.key != everywhere.key or lesson.status not in _LIVE or lesson.extractor not in extractors:
                continue
            self._pending[lesson.id] = replace(
                lesson,
                status=LessonStatus.RETIRED,
                level=Level.MEMORY,
                superseded_by=everywhere.id,
                valid_to=newest(everywhere) or self.now.isoformat(timespec="seconds"),
                uncertainty=why,
            )

    def put(self, lesson: Lesson) -> None:
        """Record a lesson changed outside ``fold`` (a forget)."""
        self.current(lesson.id)
        self._pending[lesson.id] = lesson

    def changes(self) -> list[Lesson]:
        """New versions for every lesson whose meaning or evidence changed."""
        written: list[Lesson] = []
        for identifier, lesson in self._pending.items():
            base = self._base.get(identifier)
            if base is not None and _meaning(base) == _meaning(lesson):
                continue
            written.append(
                replace(
                    lesson,
                    version=(base.version if base else 0) + 1,
                    recorded_at=self.now.isoformat(timespec="seconds"),
                )
            )
        return written

    def batch(self) -> LessonBatch:
        return LessonBatch(lessons=self.changes(), observations=tuple(self.observed))

    def base(self, identifier: str) -> Lesson | None:
        return self._base.get(identifier)

    # -- internals ----------------------------------------------------------------------------

    def _record(self, identifier: str, observation: Observation) -> list[Observation]:
        group = self.observations(identifier)
        same = [o for o in group if o.session_id == observation.session_id and o.extractor == observation.extractor]
        for old in same:
            group.remove(old)
        group.append(_combine([*same, observation]) if same and observation.session_id else observation)
        return group

    def _settle_contradictions(self, lesson: Lesson) -> Lesson:
        if not (lesson.topic or lesson.stance or lesson.against) or not lesson.durable:
            return lesson
        lesson = self._reopened(lesson)
        if _still_the_persons(self.current(lesson.id), lesson):
            return lesson  # held for the person: neither side's runs settle it (``_respect_decisions`` keeps it)
        for rival in self._rivals(lesson):
            if _still_the_persons(rival, lesson):
                continue  # a dream held the rival for the person: their word settles it, not the order of runs
            newer = newest(lesson) >= newest(rival)
            agree = not contradicts(lesson, rival)  # a restatement: the newer wording may replace the older
            if newer and can_supersede(lesson, rival) and (not agree or restates(lesson, rival)):
                if rival.superseded_by != lesson.id:
                    self._pending[rival.id] = self._retire(rival, lesson, contradicted=not agree)
                # Winning over one rival does not undo a loss to another that still stands (``_reopened`` has
                # already freed it from a winner that fell): `go test -race` replacing `go test` is no answer to
                # `make test`, which superseded it
                lost = lesson.superseded_by not in (None, rival.id)
                lesson = (
                    replace(lesson, supersedes=rival.id)
                    if lost
                    else replace(lesson, supersedes=rival.id, superseded_by=None, valid_to=None)
                )
            elif not newer and can_supersede(rival, lesson) and (not agree or restates(rival, lesson)):
                # Read out of order (an older session imported late): the newer one wins all the same,
                # and both ends of the link say so.
                if lesson.superseded_by != rival.id:
                    lesson = self._retire(lesson, rival, contradicted=not agree)
                if rival.supersedes != lesson.id:
                    self._pending[rival.id] = replace(rival, supersedes=lesson.id)
            elif not agree and lesson.confidence.contradictions == 0:
                # Unresolved: the newer one rests on weaker evidence. Both stay, its confidence halves,
                # and review (or a later statement) decides.
                lesson = _with_contradiction(lesson)
        return lesson

    def _reopened(self, lesson: Lesson) -> Lesson:
        """Superseded by a lesson that has been retired since, and seen again after its supersession:
        nothing stands against it any more (the rivals that do are settled next). A lesson merged
        into another or subsumed by a global one stays retired: its successor says the same."""
        if not lesson.superseded_by or newest(lesson) <= (lesson.valid_to or ""):
            return lesson
        winner = self.current(lesson.superseded_by)
        if winner is not None and (winner.status is not LessonStatus.RETIRED or not contradicts(lesson, winner)):
            return lesson
        return replace(lesson, superseded_by=None, valid_to=None)

    def _rivals(self, lesson: Lesson) -> list[Lesson]:
        found = self.store.contenders(
            lesson.scope.project, topic=lesson.topic, stance=lesson.stance, against=lesson.against
        )
        known = {rival.id: rival for rival in (*found, *self._same_question(lesson, found))}
        known.update({p.id: p for p in self._pending.values()})
        return [
            current
            for rival in known.values()
            if rival.id != lesson.id
            and (current := self.current(rival.id) or rival).status is not LessonStatus.RETIRED
            and current.durable
            and current.scope.level is lesson.scope.level
            and current.scope.project == lesson.scope.project
            and (contradicts(lesson, current) or restates(lesson, current) or restates(current, lesson))
        ]

    def _same_question(self, lesson: Lesson, found: Sequence[Lesson]) -> list[Lesson]:
        """Lessons that answer the lesson's question under another topic (``contradiction.question``),
        which ``contenders`` does not look up: for a choice, the role facts on its question; for a role
        fact, the choices recommending a command its topic has had (a choice's command ran clean, so
        a fact on that command exists beside it)."""
        asked = question(lesson)
        if not asked:
            return []
        if asked != lesson.topic:
            return list(self.on_topic(asked))
        answered = sorted({rival.stance for rival in found if rival.topic == asked and rival.stance})
        project = lesson.scope.project
        return [found for old in answered for found in self.store.contenders(project, topic="", stance="", against=old)]

    def _retire(self, loser: Lesson, winner: Lesson, *, contradicted: bool = True) -> Lesson:
        retired = replace(
            _with_contradiction(loser) if contradicted else loser,
            status=LessonStatus.RETIRED,
            level=Level.MEMORY,
            superseded_by=winner.id,
            valid_to=newest(winner) or self.now.isoformat(timespec="seconds"),
        )
        return self._rescore(retired)

    def _finish(self, lesson: Lesson) -> Lesson:
        group = self.observations(lesson.id)
        lesson = self._rescore(lesson, group)
        status = guards.decide_status(lesson, group)
        lesson = replace(lesson, status=status, level=Level.INSTINCT if status is LessonStatus.ACTIVE else Level.MEMORY)
        return replace(lesson, uncertainty=guards.uncertainty(lesson, group))

    def _rescore(self, lesson: Lesson, group: Sequence[Observation] | None = None) -> Lesson:
        outcomes = sum(o.outcomes for o in group) if group is not None else lesson.confidence.outcomes
        scored = confidence.score(
            lesson.evidence,
            outcomes=outcomes,
            contradictions=lesson.confidence.contradictions,
            now=self.now,
            idle_sessions=idle_sessions(self.store, lesson),
        )
        return replace(lesson, confidence=scored)


_LIVE = (LessonStatus.ACTIVE, LessonStatus.CANDIDATE)
_HERE = "In this project: "
_SPOKEN = frozenset({"corrections", "remember"})  # extractors of the person's own words
_MACHINE_FIXES = frozenset({"command_fixes"})  # a fix whose cause is the machine is learned for every project


def _of_this_machine(lesson: Lesson) -> bool:
    return (
        lesson.scope.level is ScopeLevel.GLOBAL
        and lesson.extractor in _MACHINE_FIXES
        and lesson.status is LessonStatus.ACTIVE
        and lesson.forgotten_reason is None
    )


def _stated_everywhere(lesson: Lesson) -> bool:
    return (
        lesson.scope.level is ScopeLevel.GLOBAL
        and lesson.status is LessonStatus.ACTIVE
        and lesson.forgotten_reason is None
        and any(e.basis is Basis.USER_STATEMENT for e in lesson.evidence)
    )


def _retirement(lesson: Lesson | None) -> str | None:
    """When a retirement that only new evidence may undo took effect: a dream's (stale, decayed,
    unconfirmed, expired) or a cleared failure. Supersessions are settled by ``_settle_contradictions``
    from the order of the evidence instead, and a forgotten lesson never comes back."""
    if lesson is None or lesson.status is not LessonStatus.RETIRED or lesson.superseded_by is not None:
        return None
    return lesson.valid_to or lesson.recorded_at or ""


def _after(observation: Observation, moment: str) -> bool:
    return any(e.timestamp and e.timestamp > moment for e in observation.evidence)


def _spoken_after(observation: Observation, moment: str) -> bool:
    return any(_spoken_since(e, moment) for e in observation.evidence)


def _spoken_since(evidence: Evidence, moment: str) -> bool:
    return evidence.basis is Basis.USER_STATEMENT and (evidence.timestamp or "") > moment


def _still_the_persons(held: Lesson | None, lesson: Lesson) -> bool:
    """``held`` is a lesson a dream held for the person, and nothing in ``lesson`` is their word since."""
    moment = held_since(held)
    return moment is not None and not any(_spoken_since(e, moment) for e in lesson.evidence)


def _still_held(lesson: Lesson, held: Lesson) -> Lesson:
    """The hold's note stays on every version, retired by a rival's newer runs included, so that the next
    sighting still finds it; an active reading goes back to the candidate the person has to settle."""
    if lesson.status is not LessonStatus.ACTIVE:
        return replace(lesson, uncertainty=held.uncertainty)
    return replace(lesson, status=LessonStatus.CANDIDATE, level=Level.MEMORY, uncertainty=held.uncertainty)


def _revived(lesson: Lesson, retired: Lesson, observation: Observation) -> Lesson:
    """Back from retirement on evidence newer than it: a new decision, and it says so."""
    why = retired.uncertainty or "retired"
    note = f"back on new evidence of {observation.timestamp[:10]}, after its retirement ({why})"
    return replace(lesson, valid_from=observation.timestamp or lesson.valid_from, uncertainty=note)


def _assemble(identifier: str, group: Sequence[Observation], current: Lesson | None) -> Lesson:
    lead = min(group, key=lambda o: (strength_of(o.evidence), not o.explicit, not o.timestamp, _negated(o.timestamp)))
    evidence = _union(current.evidence if current else (), (e for o in group for e in o.evidence))
    stamps = sorted(e.timestamp for e in evidence if e.timestamp)
    durable = all(o.durable for o in group)
    return Lesson(
        id=identifier,
        key=lead.key,
        statement=lead.statement,
        kind=lead.kind,
        scope=lead.scope,
        evidence=evidence,
        version=current.version if current else 0,
        trigger=lead.trigger,
        confidence=current.confidence if current else UNRATED,
        durable=durable,
        topic=lead.topic,
        stance=lead.stance,
        against=lead.against,
        valid_from=stamps[0] if stamps else None,
        valid_to=_end_of(group, current, durable),
        supersedes=current.supersedes if current else None,
        superseded_by=current.superseded_by if current else None,
        extractor=lead.extractor,
    )


def _end_of(group: Sequence[Observation], current: Lesson | None, durable: bool) -> str | None:
    """A one-off ends with its session; a superseded lesson where its successor's evidence began
    (more old evidence does not reopen it; newer evidence does, in ``_settle_contradictions``)."""
    if not durable:
        return max((o.valid_to or "" for o in group), default="") or None
    return current.valid_to if current is not None and current.superseded_by else None


def _combine(observations: Sequence[Observation]) -> Observation:
    """One session's repeated observations of one extractor, as one."""
    last = observations[-1]
    evidence = _union((), (e for o in observations for e in o.evidence))
    return replace(last, evidence=evidence, outcomes=sum(o.outcomes for o in observations))


def _union(first: Iterable[Evidence], second: Iterable[Evidence]) -> tuple[Evidence, ...]:
    merged: dict[tuple[str, str], Evidence] = {}
    for item in (*first, *second):
        merged.setdefault((item.event_key, item.role), item)
    return tuple(merged.values())


def _negated(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in stamp)


def _with_contradiction(lesson: Lesson) -> Lesson:
    return replace(lesson, confidence=replace(lesson.confidence, contradictions=lesson.confidence.contradictions + 1))


def _meaning(lesson: Lesson) -> tuple[object, ...]:
    return (
        lesson.content_hash,
        lesson.status,
        lesson.topic,
        lesson.stance,
        lesson.against,
        lesson.valid_to,
        lesson.supersedes,
        lesson.superseded_by,
        lesson.forgotten_reason,
        lesson.uncertainty,
        lesson.confidence.contradictions,
        frozenset((e.event_key, e.role) for e in lesson.evidence),
    )
