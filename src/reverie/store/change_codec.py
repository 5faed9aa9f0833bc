"""Changes (``reverie.domain.changes``) to JSON-ready dicts and back, lessons in full with evidence."""

from __future__ import annotations

from typing import Any

from reverie.domain.changes import Change, ChangeType
from reverie.store import lesson_codec


def change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "id": change.id,
        "type": change.type.value,
        "qualifier": change.qualifier,
        "policy_name": change.policy_name,
        "rationale": change.rationale,
        "proposed_by": change.proposed_by,
        "confidence_delta": change.confidence_delta,
        "shapes_behaviour": change.shapes_behaviour,
        "content_hash": change.content_hash,
        "before": [lesson_codec.lesson_to_dict(lesson) for lesson in change.before],
        "after": [lesson_codec.lesson_to_dict(lesson) for lesson in change.after],
        "evidence": [lesson_codec.evidence_to_dict(item) for item in change.evidence],
    }


def change_from_dict(data: dict[str, Any]) -> Change:
    return Change(
        id=str(data["id"]),
        type=ChangeType(data["type"]),
        rationale=str(data.get("rationale", "")),
        before=tuple(lesson_codec.lesson_from_dict(item) for item in data.get("before", [])),
        after=tuple(lesson_codec.lesson_from_dict(item) for item in data.get("after", [])),
        evidence=tuple(lesson_codec.evidence_from_dict(item) for item in data.get("evidence", [])),
        confidence_delta=float(data.get("confidence_delta", 0.0)),
        proposed_by=str(data.get("proposed_by", "")),
        qualifier=str(data.get("qualifier", "")),
    )
