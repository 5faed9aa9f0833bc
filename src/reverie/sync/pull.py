"""``reverie pull``: the team's accepted lessons into this machine's store, after a cursor.

A team lesson keeps its id (the same key in the same scope is the same lesson everywhere), becomes a
new local version marked ``extractor="team:<team>"`` with the pusher's provenance in its evidence,
and is active, so the recall index (rebuilt after the pull, by the application layer) shows it. A
lesson whose local version already says the same thing is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Evidence, Lesson, LessonStatus
from reverie.store import LessonBatch, Store
from reverie.store.lesson_codec import lesson_from_dict
from reverie.sync.client import TeamClient
from reverie.sync.push import TEAM_EXTRACTOR
from reverie.sync.remotes import SyncState

PAGE_LIMIT = 1000  # pages per pull: bounded even against a server that keeps answering


@dataclass(frozen=True)
class PullReport:
    team: str
    received: int
    written: int
    cursor: int
    pending_review: int | None  # for reviewers: proposals waiting


def pull(
    client: TeamClient, store: Store, state: SyncState, *, progress: Callable[[int, int], None] | None = None
) -> PullReport:
    """``progress`` hears (lessons received, received + what the server says remains) after each page;
    a server that does not say counts only what has arrived."""
    team, received, written = "", 0, 0
    for _ in range(PAGE_LIMIT):
        page = client.get(f"/api/lessons?after={state.cursor}")
        team = str(page.get("team", team))
        rows: list[dict[str, Any]] = page.get("lessons", [])
        if not rows:
            break
        fresh = [lesson for row in rows if (lesson := _local(store, row, team)) is not None]
        if fresh:
            store.write_lessons(LessonBatch(lessons=fresh))
        for row in rows:
            state.versions[str(row["lesson_id"])] = int(row["version"])
            state.hashes[str(row["lesson_id"])] = str(row["content_hash"])
        received += len(rows)
        written += len(fresh)
        state.cursor = max(state.cursor, int(page.get("cursor", state.cursor)))
        if progress is not None:
            progress(received, received + int(page.get("remaining", 0)))
    return PullReport(team, received, written, state.cursor, _pending(client))


def _local(store: Store, row: dict[str, Any], team: str) -> Lesson | None:
    incoming = lesson_from_dict(row["lesson"])
    current = store.lesson(incoming.id)
    if current is not None and current.content_hash == incoming.content_hash and current.status is LessonStatus.ACTIVE:
        return None
    known = {(e.event_key, e.session_id) for e in current.evidence} if current else set()
    evidence = (*incoming.evidence, _provenance(row, team))
    return replace(
        incoming,
        version=(current.version if current else 0) + 1,
        status=LessonStatus.ACTIVE,
        extractor=f"{TEAM_EXTRACTOR}{team}",
        evidence=tuple(e for e in evidence if (e.event_key, e.session_id) not in known),
    )


def _provenance(row: dict[str, Any], team: str) -> Evidence:
    """The team's acceptance as one evidence record: who proposed it from where, who accepted it. It
    counts as a claim, the weakest basis that is not tool text, so it never raises confidence."""
    provenance = row.get("provenance") or {}
    sessions = ", ".join(str(s) for s in provenance.get("sessions", [])[:5])
    excerpt = (
        f"team {team}: proposed by {provenance.get('os_user') or '?'}@{provenance.get('machine') or '?'}"
        f" from sessions {sessions or '(none)'}; accepted by {row.get('accepted_by', '?')} as version {row['version']}"
    )
    return Evidence(
        event_key=f"team:{team}:{row['lesson_id']}:{row['version']}",
        session_id=None,
        origin=Origin.SYSTEM,
        basis=Basis.AGENT_CLAIM,
        role="team-accepted",
        excerpt=excerpt,
    )


def _pending(client: TeamClient) -> int | None:
    who = client.get("/api/whoami")
    if who.get("role") not in ("reviewer", "admin"):
        return None
    return len(client.get("/api/proposals").get("proposals", []))
