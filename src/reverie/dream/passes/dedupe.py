"""Dedupe: near-duplicate lessons merge into one survivor, and the copies retire into it.

Two live lessons are duplicates when they are in the same scope (or one is an active global lesson
and the other a project lesson saying the same: the project copy adds nothing), have the same
polarity, do not name different commands, and their lexical cores (``reverie.dream.wording``) agree:
Jaccard at least 0.75, or one core wholly inside the other with two words or more when both name commands or
neither does (a fact's core is short, its command aside: "run the tests with `make test`" is "run test"). Lessons that
already take a side on a topic (``topic``/``stance``) only merge with the same stance.

The survivor is the global one if any, then the active one, then the most confident; it takes
every copy's evidence and is rescored. A merge whose copies are word for word the same is
``merge.exact``: the only kind a policy may accept without a person.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus, ScopeLevel
from reverie.dream import wording
from reverie.dream.passes import edits
from reverie.dream.snapshot import Snapshot

JACCARD = 0.75


def propose(snapshot: Snapshot) -> list[Change]:
    lessons = [lesson for lesson in snapshot.live() if lesson.status is not LessonStatus.QUARANTINED]
    words = {lesson.id: wording.read(lesson) for lesson in lessons}
    clusters = _clusters(lessons, words)
    return [_merge(cluster, snapshot) for cluster in clusters]


def duplicates(first: Lesson, second: Lesson, a: wording.Wording, b: wording.Wording) -> bool:
    if not _scopes_allow(first, second) or a.polarity != b.polarity:
        return False
    if (
        wording.stance(first)
        and wording.stance(second)
        and (first.stance, first.against)
        != (
            second.stance,
            second.against,
        )
    ):
        return False
    if a.code and b.code and a.code != b.code:
        return False
    if wording.exact(first, second):
        return True
    if LessonKind.PROCEDURE in (first.kind, second.kind):
        return False  # a workflow's steps are ordered: the same commands in another order are another workflow
    shared = len(a.core & b.core)
    # one core wholly inside the other says the same only when both name commands (the same ones: above) or
    # neither does:
    # "run the tests with `make test`" (core: run, test) is not inside "use a sub agent to run tests in the vm"
    inside = shared == min(len(a.core), len(b.core)) and shared >= 2 and bool(a.code) == bool(b.code)
    return a.similarity(b) >= JACCARD or inside


def _scopes_allow(first: Lesson, second: Lesson) -> bool:
    if first.scope == second.scope:
        return True
    levels = {first.scope.level, second.scope.level}
    if levels != {ScopeLevel.GLOBAL, ScopeLevel.PROJECT} or first.scope.agent != second.scope.agent:
        return False
    wide = first if first.scope.level is ScopeLevel.GLOBAL else second
    return wide.status is LessonStatus.ACTIVE


def _clusters(lessons: Sequence[Lesson], words: dict[str, wording.Wording]) -> list[list[Lesson]]:
    """Groups of duplicates (union-find over duplicate pairs). Candidate pairs come from prefix
    filtering: a pair that can pass the Jaccard or containment test shares one of the rarest tokens
    of its smaller side, so only those are looked up and common words never make the cost quadratic."""
    frequency: Counter[str] = Counter(token for lesson in lessons for token in words[lesson.id].core)
    by_token: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        for token in words[lesson.id].core:
            by_token[token].append(lesson)
    parent = {lesson.id: lesson.id for lesson in lessons}

    def root(identifier: str) -> str:
        while parent[identifier] != identifier:
            parent[identifier] = parent[parent[identifier]]
            identifier = parent[identifier]
        return identifier

    for lesson in lessons:
        core = sorted(words[lesson.id].core, key=lambda token: (frequency[token], token))
        seen: set[str] = {lesson.id}
        for token in core[: len(core) - math.ceil(JACCARD * len(core)) + 1]:
            for other in by_token[token]:
                if other.id in seen or len(words[other.id].core) < len(core):
                    continue  # the smaller side of a pair does the probing
                seen.add(other.id)
                if duplicates(lesson, other, words[lesson.id], words[other.id]):
                    parent[root(other.id)] = root(lesson.id)
    groups: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        groups[root(lesson.id)].append(lesson)
    return [group for group in groups.values() if len(group) > 1]


def _merge(cluster: list[Lesson], snapshot: Snapshot) -> Change:
    survivor = min(cluster, key=_rank)
    copies = [lesson for lesson in cluster if lesson.id != survivor.id]
    evidence = edits.union(survivor.evidence, (e for copy in copies for e in copy.evidence))
    kept = edits.rescore(replace(survivor, evidence=evidence), snapshot)
    retired = [
        edits.retire(copy, f"merged into {survivor.id}: says the same", at=snapshot.stamp, superseded_by=survivor.id)
        for copy in copies
    ]
    exact = all(wording.exact(copy, survivor) and copy.scope == survivor.scope for copy in copies)
    quoted = "; ".join(f'{copy.id} "{copy.statement}"' for copy in copies)
    return Change(
        id="",
        type=ChangeType.MERGE,
        rationale=f'{len(copies)} lesson(s) say what {survivor.id} says ("{survivor.statement}"): {quoted}.'
        f" {survivor.id} keeps all their evidence ({len(evidence)} items).",
        before=(survivor, *copies),
        after=(kept, *retired),
        evidence=edits.excerpts(cluster),
        confidence_delta=edits.delta((survivor, *copies), (kept, *retired)),
        proposed_by="dedupe",
        qualifier="exact" if exact else "",
    )


def _rank(lesson: Lesson) -> tuple[object, ...]:
    return (
        lesson.scope.level is not ScopeLevel.GLOBAL,
        lesson.status is not LessonStatus.ACTIVE,
        -lesson.confidence.value,
        -len(lesson.evidence),
        lesson.valid_from or "",
        lesson.id,
    )
