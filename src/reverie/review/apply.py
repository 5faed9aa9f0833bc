"""Rebasing accepted changes onto the current head: the lesson versions an accept writes.

A dream proposed its changes against its input version; distill may have written since. A change
applies when every lesson it was based on still has the meaning, status and supersession it had
(``state_hash``): new evidence alone does not stop it, and is kept (the written version unites the
head's evidence with the change's). A change based on something that moved is *stale*: it is not
applied, and the next dream proposes afresh. Changes apply in order, each on what the earlier ones
wrote, so a change that builds on a rejected one is stale too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from reverie.domain.changes import Change, state_hash
from reverie.domain.lessons import Lesson
from reverie.dream.passes.edits import union
from reverie.store import Store


@dataclass(frozen=True, slots=True)
class Rebased:
    lessons: tuple[Lesson, ...]  # the new versions to write, in order
    applied: tuple[str, ...]  # change ids
    stale: dict[str, str]  # change id -> why it no longer applies


def rebase(store: Store, changes: Sequence[Change], *, now: datetime) -> Rebased:
    written: dict[str, Lesson] = {}
    lessons: list[Lesson] = []
    applied: list[str] = []
    stale: dict[str, str] = {}

    def current(identifier: str) -> Lesson | None:
        return written.get(identifier) or store.lesson(identifier)

    for change in changes:
        moved = _moved(change, current)
        if moved:
            stale[change.id] = moved
            continue
        for proposed in change.after:
            base = current(proposed.id)
            version = replace(
                proposed,
                version=(base.version if base else 0) + 1,
                evidence=union(base.evidence if base else (), proposed.evidence),
                recorded_at=now.isoformat(timespec="seconds"),
            )
            written[proposed.id] = version
            lessons.append(version)
        applied.append(change.id)
    return Rebased(tuple(lessons), tuple(applied), stale)


def _moved(change: Change, lookup: Callable[[str], Lesson | None]) -> str:
    before = {lesson.id for lesson in change.before}
    for lesson in change.before:
        now_is = lookup(lesson.id)
        if now_is is None or state_hash(now_is) != state_hash(lesson):
            return f"{lesson.id} changed since the dream"
    for lesson in change.after:
        if lesson.id not in before and lookup(lesson.id) is not None:
            return f"{lesson.id} was created since the dream"
    return ""
