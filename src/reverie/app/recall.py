"""What has to follow a change to the lessons, done once: the recall index the hooks read is rebuilt.

Every use case that changes what is active (distill, remember, forget, an accepted dream or proposal,
a rollback, a team pull, the loop's capture step) ends with ``lessons_changed``; a stale index would
show the agent a lesson that is no longer active, or miss one that is.
"""

from __future__ import annotations

from datetime import datetime

from reverie.recall.index import refresh_index
from reverie.store.recall_index import OutcomeRow
from reverie.workspace import Workspace


def lessons_changed(workspace: Workspace, *, now: datetime | None = None) -> int:
    """Rebuild the recall index from the active lessons; the number of lessons indexed."""
    return refresh_index(workspace, now=now)


def track_outcomes(workspace: Workspace) -> list[OutcomeRow]:
    """Judge the logged injections, reading the person's words with the parser that made the lessons."""
    # The parser loads distill's reading of people's words: only this use case needs it, and every command
    # that changes lessons imports this module for lessons_changed.
    from reverie.distill.statements import parse_statements
    from reverie.recall import outcomes

    return outcomes.track(workspace, parse_statements)
