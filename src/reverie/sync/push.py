"""``reverie push``: this machine's lessons as proposals for the team.

What leaves the machine: active, durable lessons scoped to a project or globally (never session-scoped
ones, never raw traces, never a global lesson that only this machine's behaviour taught: "use `python3`,
not `python`" says what this machine lacks, not what the team should do), each redacted again (a
pattern added since capture still applies), without transcript paths of this machine, with provenance
(machine, agent, session ids). Lessons that came from a team are not sent back.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from reverie.capture.redact import redact_text
from reverie.domain.lessons import Basis, Evidence, Lesson, LessonStatus, ScopeLevel, Trigger
from reverie.store import Store
from reverie.store.lesson_codec import lesson_to_dict
from reverie.sync.client import TeamClient
from reverie.sync.remotes import SyncState

BATCH = 200
TEAM_EXTRACTOR = "team:"


@dataclass(frozen=True)
class PushReport:
    sent: int  # changes sent: lessons the team does not hold in this exact form
    proposed: int  # new proposals on the server
    known: int  # already there (a retry, or the same content pushed before)


def shareable(store: Store) -> list[Lesson]:
    return [
        lesson
        for lesson in store.lessons(statuses=[LessonStatus.ACTIVE])
        if lesson.scope.level is not ScopeLevel.SESSION
        and lesson.durable
        and not lesson.extractor.startswith(TEAM_EXTRACTOR)
        and not _of_this_machine(lesson)
    ]


def _of_this_machine(lesson: Lesson) -> bool:
    """A global lesson that nobody said, only this machine showed (a program it lacks, a git setting)."""
    return lesson.scope.level is ScopeLevel.GLOBAL and not any(e.basis is Basis.USER_STATEMENT for e in lesson.evidence)


def outgoing(lesson: Lesson, state: SyncState, *, machine: str) -> dict[str, Any]:
    clean = redacted(lesson)
    base = state.versions.get(clean.id, 0)
    # The same content on the same team version is the same change, however often it is sent; after a
    # pull moved the base, it is a new change (the old proposal may have been refused as stale).
    identity = f"{clean.id}\0{clean.content_hash}\0{base}"
    return {
        "kind": "lesson.propose",
        "idempotency_key": hashlib.sha256(identity.encode()).hexdigest()[:32],
        "content_hash": clean.content_hash,
        "base_version": base,
        "lesson": lesson_to_dict(clean),
        "provenance": {"machine": machine, "os_user": _user(), "agent": clean.scope.agent, "sessions": clean.sessions},
    }


def redacted(lesson: Lesson) -> Lesson:
    trigger = Trigger(
        tools=lesson.trigger.tools,
        commands=tuple(redact_text(c) for c in lesson.trigger.commands),
        paths=lesson.trigger.paths,
        keywords=tuple(redact_text(k) for k in lesson.trigger.keywords),
    )
    return replace(
        lesson,
        statement=redact_text(lesson.statement),
        trigger=trigger,
        uncertainty=redact_text(lesson.uncertainty) if lesson.uncertainty else None,
        evidence=tuple(_redacted_evidence(e) for e in lesson.evidence),
    )


def _redacted_evidence(evidence: Evidence) -> Evidence:
    return replace(evidence, excerpt=redact_text(evidence.excerpt), transcript_path=None, transcript_line=None)


def push(
    client: TeamClient,
    store: Store,
    state: SyncState,
    *,
    machine: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PushReport:
    """``progress`` hears (changes sent, changes to send) after each batch."""
    here = machine or socket.gethostname()
    changes = [outgoing(lesson, state, machine=here) for lesson in shareable(store)]
    # What the team already holds, word for word, is not proposed again (e.g. this machine's own
    # lesson, accepted and pulled back).
    changes = [c for c in changes if state.hashes.get(str(c["lesson"]["id"])) != c["content_hash"]]
    proposed = known = 0
    for start in range(0, len(changes), BATCH):
        answer = client.post("/api/push", {"changes": changes[start : start + BATCH]})
        created = sum(1 for result in answer.get("results", []) if result.get("created"))
        proposed += created
        known += len(answer.get("results", [])) - created
        if progress is not None:
            progress(min(start + BATCH, len(changes)), len(changes))
    return PushReport(sent=len(changes), proposed=proposed, known=known)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
