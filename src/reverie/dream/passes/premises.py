"""Staleness, continued: lessons whose checkable premise no longer holds in the workspace.

Recall checks, at every session start, what a lesson recommends against the project folder
(``reverie.recall.premises``: the Makefile target, the package script, the lockfile, the literal path)
and does not show a lesson whose premise fails. Hiding is not forgetting: this pass proposes such a
lesson as stale, for a person to accept or reject, with what recall found as the evidence.

A project lesson is proposed when, among the sessions in range of its project in which recall checked
premises, the newest one found its premise failing, and that session started after the lesson was
last confirmed. A later session in which it held again (the target came back) keeps it; a lesson
confirmed after the failure is kept too. Global lessons are not proposed: a premise that fails in one
project says nothing about the others.
"""

from __future__ import annotations

from reverie.domain.changes import Change, ChangeType
from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Evidence, Lesson, ScopeLevel
from reverie.dream.passes import edits
from reverie.dream.snapshot import SessionSlice, Snapshot

QUALIFIER = "premise"  # retire.premise: never in the policy's low-risk list, so a person always decides


def propose(snapshot: Snapshot) -> list[Change]:
    sessions = {item.id: item for item in snapshot.sessions}
    checked = sorted(
        ((sessions[check.session_id], check.unmet) for check in snapshot.premises if check.session_id in sessions),
        key=lambda pair: pair[0].started_at or "",
    )
    changes = []
    for lesson in snapshot.active():
        if lesson.id in snapshot.changed or lesson.scope.level is not ScopeLevel.PROJECT:
            continue
        project = lesson.scope.project
        mine = [(session, unmet.get(lesson.id)) for session, unmet in checked if session.project == project]
        if not mine:
            continue
        session, reason = mine[-1]
        if reason and (session.started_at or "") > edits.newest(lesson):
            changes.append(_stale(lesson, session, reason, snapshot))
    return changes


def _stale(lesson: Lesson, session: SessionSlice, reason: str, snapshot: Snapshot) -> Change:
    at = session.started_at or snapshot.stamp
    retired = edits.retire(lesson, f"its premise no longer holds: {reason}", at=at)
    found = Evidence(
        event_key=f"premise:{session.id}:{lesson.id}",
        session_id=session.id,
        origin=Origin.SYSTEM,
        basis=Basis.OBSERVED,
        role="premise",
        excerpt=f"checked in the workspace at the start of session {session.id[:8]}: {reason}"[:240],
        timestamp=at,
    )
    return Change(
        id="",
        type=ChangeType.RETIRE,
        rationale=f'"{lesson.statement}" rests on something the workspace no longer has: {reason}. Recall stopped '
        "showing it at session start; accept to retire it, reject to keep it (it stays hidden while its premise "
        "fails).",
        before=(lesson,),
        after=(retired,),
        evidence=(found, *edits.excerpts((lesson,), limit=2)),
        confidence_delta=edits.delta((lesson,), (retired,)),
        proposed_by="premises",
        qualifier=QUALIFIER,
    )
