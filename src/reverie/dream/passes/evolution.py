"""Evolution proposals: a lesson that earns it climbs the force ladder (docs: MISSION "force ladder").

* A **never/always** lesson (a rule, or a statement with that force) the person stated, that was
  repeated (evidence from ``REPEATED_SESSIONS`` sessions or more, or stated twice) or is severe
  (destructive commands, production, secrets, generated code): proposed as a **rule**; when it is about
  commands or paths it can check, and it was repeated or severe, as a **hook**.
* A **workflow** (a procedure) seen in ``WORKFLOW_SESSIONS`` sessions or more: proposed as a
  **command**.

Only lessons resting on the person's own words (or, for workflows, on observed behaviour) are
proposed: text from tools or agents never climbs, so a poisoning attempt can never become a rule
or hook this way. Every evolution shapes behaviour; a person accepts it (issue 7 compiles it).
"""

from __future__ import annotations

import re
from dataclasses import replace

from reverie.domain.changes import Change, ChangeType
from reverie.domain.lessons import Basis, Lesson, LessonKind, Level
from reverie.dream import wording
from reverie.dream.passes import edits
from reverie.dream.snapshot import Snapshot

REPEATED_SESSIONS = 3
WORKFLOW_SESSIONS = 3
_FORCEFUL = re.compile(r"\b(?:never|always|must|do not|don'?t|no longer|under no circumstances)\b", re.IGNORECASE)
_SEVERE = re.compile(
    r"rm -rf|--force\b|force[- ]push|drop table|truncate|\bprod(?:uction)?\b|\bdeploy|\bsecrets?\b|\.env\b"
    r"|credential|migrations?\b|generated",
    re.IGNORECASE,
)
_RANK = {level: index for index, level in enumerate(Level)}


def propose(snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    for lesson in snapshot.active():
        if lesson.id in snapshot.changed:
            continue
        target, why = _target(lesson)
        if target is not None and _RANK[target] > _RANK[lesson.level]:
            changes.append(_evolve(lesson, target, why, snapshot))
    return changes


def _target(lesson: Lesson) -> tuple[Level | None, str]:
    if lesson.kind is LessonKind.PROCEDURE:
        observed = any(e.basis in (Basis.OBSERVED, Basis.USER_STATEMENT) for e in lesson.evidence)
        if observed and len(lesson.sessions) >= WORKFLOW_SESSIONS:
            return Level.COMMAND, f"the same workflow ran in {len(lesson.sessions)} sessions"
        return None, ""
    stated = {e.event_key for e in lesson.evidence if e.basis is Basis.USER_STATEMENT}
    if not stated or not (lesson.kind is LessonKind.RULE or _FORCEFUL.search(lesson.statement)):
        return None, ""
    repeated = len(lesson.sessions) >= REPEATED_SESSIONS or len(stated) >= 2
    severe = bool(_SEVERE.search(lesson.statement))
    if not (repeated or severe):
        return None, ""
    reason = ", ".join(
        part
        for part, present in (
            (f"the person said it {len(stated)} time(s) across {len(lesson.sessions)} session(s)", repeated),
            ("it guards something destructive or hard to undo", severe),
        )
        if present
    )
    checkable = bool(lesson.trigger.commands or lesson.trigger.paths)
    if checkable and wording.read(lesson).polarity == "-":
        return Level.HOOK, reason + "; it names commands or paths a hook can check"
    return Level.RULE, reason


def _evolve(lesson: Lesson, target: Level, why: str, snapshot: Snapshot) -> Change:
    evolved = replace(lesson, level=target)
    return Change(
        id="",
        type=ChangeType.EVOLVE,
        rationale=f'"{lesson.statement}": {lesson.level.value} -> {target.value}, because {why}.',
        before=(lesson,),
        after=(evolved,),
        evidence=edits.excerpts((lesson,)),
        confidence_delta=0.0,
        proposed_by="evolution",
        qualifier=target.value,
    )
