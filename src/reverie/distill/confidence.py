"""The confidence formula lives in ``reverie.domain.confidence`` (distill and dream both score lessons
with it); this name stays for code written against the old home."""

from reverie.domain.confidence import ACTIVITY_CAP, AGENT_ONLY_CAP, HALF_LIFE_SESSIONS, TOOL_ONLY_CAP, parse_time, score

__all__ = ["ACTIVITY_CAP", "AGENT_ONLY_CAP", "HALF_LIFE_SESSIONS", "TOOL_ONLY_CAP", "parse_time", "score"]
