"""Promotion and demotion: where a lesson applies.

* **Promote** a project lesson to user-global when the same lesson (same polarity and lexical core,
  or the same stance and ``against``) is active in at least two projects, each with its own
  evidence; or when the person said it was general ("in every project", "everywhere", "no matter the
  project", "in any repo", ...) in a statement that is part of its evidence. The promoted lesson
  takes every copy's evidence; the project copies retire into it.
* **Demote** a global lesson that misfires in a project: an active project lesson contradicts it
  there. When all the global lesson's sessions come from one other project, it is proposed for that
  project only.

Both shape behaviour: a person accepts them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import Basis, Lesson, LessonKind, LessonStatus, Scope, ScopeLevel, lesson_id
from reverie.dream import wording
from reverie.dream.passes import contradictions, edits
from reverie.dream.snapshot import Snapshot

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
GENERAL = re.compile(
    r"\b(?:every|all(?: of)?(?: my| our)?|any|each) (?:project|repo|repositorie|repository|codebase)s?\b"
    r"|\beverywhere\b|\bno matter (?:the|which|what) (?:project|repo)\b|\bin general\b"
    r"|\bacross (?:all )?(?:my )?repos\b|\bglobally\b",
    re.IGNORECASE,
)


# What a lesson says about how one project is (its test command, a failure seen there) never generalises.
PROMOTABLE = (LessonKind.PREFERENCE, LessonKind.RULE)
LOCAL = re.compile(
    r"\b(?:this|our|the) (?:repo|repository|project|codebase)\b|\bin here\b|\bhere only\b", re.IGNORECASE
)


def propose(snapshot: Snapshot) -> list[Change]:
    active = [
        lesson
        for lesson in snapshot.active()
        if lesson.id not in snapshot.changed and (lesson.kind in PROMOTABLE or lesson.scope.level is ScopeLevel.GLOBAL)
    ]
    wide = [lesson for lesson in active if lesson.scope.level is ScopeLevel.GLOBAL]
    local = [lesson for lesson in active if lesson.scope.level is ScopeLevel.PROJECT]
    # A value some other project holds otherwise is that project's choice, not the person's general one.
    groups = [group for group in _shared_across_projects(active) if not _clashes(group[0], wide + local)]
    changes = [_promote(group, snapshot) for group in groups]
    taken = {lesson.id for change in changes for lesson in change.before}
    for lesson in active:
        general = (
            lesson.scope.level is ScopeLevel.PROJECT and _said_general(lesson) and not _clashes(lesson, wide + local)
        )
        if general and lesson.id not in taken:
            changes.append(_promote([lesson], snapshot))
            taken.add(lesson.id)
    changes.extend(_demotions([lesson for lesson in active if lesson.id not in taken], snapshot))
    return changes


def _clashes(lesson: Lesson, wide: list[Lesson]) -> bool:
    """A global lesson already says otherwise: promoting would only make a contradiction."""
    words = wording.read(lesson)
    return any(contradictions.contradicts(lesson, other, words, wording.read(other)) for other in wide)


def _identity(lesson: Lesson) -> tuple[object, ...]:
    if wording.stance(lesson):
        return ("stance", lesson.topic, lesson.stance, lesson.against, lesson.scope.agent)
    words = wording.read(lesson)
    return ("words", words.polarity, words.core, words.code, lesson.scope.agent)


def _shared_across_projects(active: list[Lesson]) -> list[list[Lesson]]:
    groups: dict[tuple[object, ...], list[Lesson]] = defaultdict(list)
    for lesson in active:
        if lesson.scope.level is ScopeLevel.PROJECT and lesson.sessions and not _said_local(lesson):
            groups[_identity(lesson)].append(lesson)
    global_identities = {_identity(lesson) for lesson in active if lesson.scope.level is ScopeLevel.GLOBAL}
    return [
        sorted(group, key=lambda lesson: lesson.id)
        for identity, group in groups.items()
        if len({lesson.scope.project for lesson in group}) >= 2 and identity not in global_identities
    ]


def _said_general(lesson: Lesson) -> bool:
    """A statement of the person's, in the same sentence as what the lesson is about, says "everywhere"."""
    about = wording.read(lesson).core
    return any(
        GENERAL.search(sentence) and about & wording.words(sentence)
        for e in lesson.evidence
        if e.basis is Basis.USER_STATEMENT
        for sentence in _SENTENCE.split(e.excerpt)
    )


def _said_local(lesson: Lesson) -> bool:
    """The person tied it to its project ("in this repo", or the project's name): a coincidence elsewhere
    does not make it general."""
    name = (lesson.scope.project or "").rsplit("/", 1)[-1]
    named = wording.words(name) if len(name) > 2 else frozenset()
    return any(
        LOCAL.search(e.excerpt) or (bool(named) and named <= wording.words(e.excerpt))
        for e in lesson.evidence
        if e.basis is Basis.USER_STATEMENT
    )


def _promote(group: list[Lesson], snapshot: Snapshot) -> Change:
    lead = max(group, key=lambda lesson: (lesson.confidence.value, lesson.id))
    scope = Scope(level=ScopeLevel.GLOBAL, agent=lead.scope.agent)
    identifier = lesson_id(lead.key, scope)
    existing = snapshot.lessons.get(identifier)
    evidence = edits.union(existing.evidence if existing else (), (e for lesson in group for e in lesson.evidence))
    statement = re.sub(r"^In this project:\s*", "", lead.statement)
    promoted = edits.rescore(
        replace(
            existing or lead,
            id=identifier,
            version=existing.version if existing else 0,
            statement=statement,
            scope=scope,
            evidence=evidence,
            status=LessonStatus.ACTIVE,
            level=lead.level,
            superseded_by=None,
            valid_to=None,
            uncertainty=None,
        ),
        snapshot,
    )
    retired = tuple(
        edits.retire(lesson, f"promoted to global as {identifier}", at=snapshot.stamp, superseded_by=identifier)
        for lesson in group
    )
    projects = sorted({lesson.scope.project or "?" for lesson in group})
    why = (
        f"it is active in {len(projects)} projects ({', '.join(projects)}), each with its own evidence"
        if len(projects) > 1
        else "the person said it applies everywhere"
    )
    before = (*group, existing) if existing else tuple(group)
    return Change(
        id="",
        type=ChangeType.PROMOTE,
        rationale=f'"{statement}" should apply in every project: {why}.',
        before=before,
        after=(promoted, *retired),
        evidence=edits.excerpts(group),
        confidence_delta=edits.delta(before, (promoted, *retired)),
        proposed_by="promotion",
    )


def _demotions(active: list[Lesson], snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    local = [lesson for lesson in active if lesson.scope.level is ScopeLevel.PROJECT]
    for wide in (lesson for lesson in active if lesson.scope.level is ScopeLevel.GLOBAL):
        words = wording.read(wide)
        against = [lesson for lesson in local if contradictions.contradicts(wide, lesson, words, wording.read(lesson))]
        if not against:
            continue
        homes = {snapshot.session_projects.get(session) for session in wide.sessions}
        misfires = {lesson.scope.project for lesson in against}
        if len(homes) == 1 and None not in homes and not homes & misfires:
            changes.append(_demote(wide, homes.pop() or "", against, snapshot))
    return changes


def _demote(wide: Lesson, home: str, against: list[Lesson], snapshot: Snapshot) -> Change:
    scope = Scope(level=ScopeLevel.PROJECT, project=home, agent=wide.scope.agent)
    identifier = lesson_id(wide.key, scope)
    local = replace(wide, id=identifier, version=0, scope=scope, statement=f"In this project: {wide.statement}")
    retired = edits.retire(
        wide, f"demoted to project {home} as {identifier}", at=snapshot.stamp, superseded_by=identifier
    )
    where = ", ".join(sorted({lesson.scope.project or "?" for lesson in against}))
    return Change(
        id="",
        type=ChangeType.DEMOTE,
        rationale=f'"{wide.statement}" applies everywhere but misfires in {where}, where '
        f'"{against[0].statement}" holds; all its evidence comes from {home}, so it is proposed for {home} only.',
        before=(wide,),
        after=(retired, local),
        evidence=edits.excerpts((wide, *against)),
        confidence_delta=edits.delta((wide,), (retired, local)),
        proposed_by="promotion",
    )
