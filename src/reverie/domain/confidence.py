"""Confidence: a documented, deterministic function of checkable evidence (docs/confidence.md).

Each independent kind of support removes part of the remaining doubt (a "noisy-or"), so no single
kind can reach certainty and more of any kind always helps, with diminishing returns::

    p_sessions = 1 - 0.6 ** S     S = distinct sessions with user-statement or observed evidence
    p_user     = 1 - 0.4 ** U     U = distinct user statements (typed prompts, `reverie remember`)
    p_outcome  = 1 - 0.8 ** O     O = outcomes: times the lesson was seen to hold (the fix ran clean)
    p_claims   = 1 - 0.8 ** A     A = agent claims (compaction summaries, LLM proposals)
    support    = 1 - (1 - p_sessions)(1 - p_user)(1 - p_outcome)(1 - p_claims)

    contradiction = 0.5 ** C      C = times a newer statement contradicted it
    recency       = 0.5 + 0.5 * 0.5 ** (N / 60)     N = sessions of its project since the newest evidence
    value         = round(support * contradiction * recency, 3)

and then caps by the strongest basis present: a lesson resting only on agent claims is capped at
0.3, one resting only on tool text at 0.15. No model's opinion of itself enters the number.

Age is counted in work, not in days: ``N`` is how many sessions of the lesson's project (of any
project, for a global lesson) started after its newest evidence (``idle_sessions``, which the caller
reads from the store). A project nobody touched for a year keeps its lessons as they were; a lesson
that many sessions of active work never confirmed fades. Importing a year of old transcripts at once
therefore does not age what they teach: the sessions after the evidence are what counts, and the
clock at import time is not. ``age_days`` is still computed from ``now`` for people to read.

Examples (fresh evidence): one explicit user statement -> 0.76; a command fix seen once and working
-> 0.52; the same fix in two sessions -> 0.77; a compaction summary alone -> 0.2.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from reverie.domain.lessons import Basis, Confidence, Evidence

HALF_LIFE_SESSIONS = 60.0
ACTIVITY_CAP = 300  # five half-lives: more sessions than this move the number by under 2%
AGENT_ONLY_CAP = 0.3
TOOL_ONLY_CAP = 0.15
_TRUSTED = (Basis.USER_STATEMENT, Basis.OBSERVED)


def score(
    evidence: Iterable[Evidence], *, outcomes: int, contradictions: int, now: datetime, idle_sessions: int = 0
) -> Confidence:
    items = list(evidence)
    sessions = len({e.session_id for e in items if e.basis in _TRUSTED and e.session_id})
    users = len({e.event_key for e in items if e.basis is Basis.USER_STATEMENT})
    claims = len({e.event_key for e in items if e.basis is Basis.AGENT_CLAIM})
    age = _age_days(items, now)
    terms = {
        "sessions": 1 - 0.6**sessions,
        "user": 1 - 0.4**users,
        "outcomes": 1 - 0.8**outcomes,
        "agent_claims": 1 - 0.8**claims,
    }
    doubt = 1.0
    for value in terms.values():
        doubt *= 1 - value
    support = 1 - doubt
    terms["contradiction"] = 0.5**contradictions
    terms["recency"] = 0.5 + 0.5 * 0.5 ** (max(0, idle_sessions) / HALF_LIFE_SESSIONS)
    value = support * terms["contradiction"] * terms["recency"]
    bases = {e.basis for e in items}
    if not bases & set(_TRUSTED):
        cap = AGENT_ONLY_CAP if Basis.AGENT_CLAIM in bases else TOOL_ONLY_CAP
        terms["cap"] = cap
        value = min(value, cap)
    return Confidence(
        value=round(value, 3),
        sessions=sessions,
        user_statements=users,
        outcomes=outcomes,
        agent_claims=claims,
        contradictions=contradictions,
        age_days=round(age, 1),
        idle_sessions=max(0, idle_sessions),
        terms=tuple((name, round(term, 3)) for name, term in terms.items()),
    )


def _age_days(evidence: list[Evidence], now: datetime) -> float:
    stamps = [parsed for e in evidence if e.timestamp and (parsed := parse_time(e.timestamp)) is not None]
    if not stamps:
        return 0.0
    return max(0.0, (now - max(stamps)).total_seconds() / 86_400)


def parse_time(stamp: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
