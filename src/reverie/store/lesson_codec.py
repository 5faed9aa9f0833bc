"""Lessons and observations to JSON-ready dicts and back.

Stored bodies are plain JSON so that a later version of reverie (or a person with ``sqlite3``) can
read them; unknown fields are ignored on the way back so that adding a field never breaks old rows.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from functools import cache
from typing import Any

from reverie.domain.events import Origin
from reverie.domain.lessons import (
    Basis,
    Confidence,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Level,
    Observation,
    Scope,
    ScopeLevel,
    Trigger,
)


def evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    data = asdict(evidence)
    data["origin"] = evidence.origin.value
    data["basis"] = evidence.basis.value
    return data


def evidence_from_dict(data: dict[str, Any]) -> Evidence:
    known = _known(Evidence, data)
    known["origin"] = Origin(known["origin"])
    known["basis"] = Basis(known["basis"])
    return Evidence(**known)


def scope_to_dict(scope: Scope) -> dict[str, Any]:
    return {"level": scope.level.value, "project": scope.project, "agent": scope.agent, "session": scope.session}


def scope_from_dict(data: dict[str, Any]) -> Scope:
    known = _known(Scope, data)
    known["level"] = ScopeLevel(known["level"])
    return Scope(**known)


def trigger_to_dict(trigger: Trigger) -> dict[str, list[str]]:
    return {name: list(value) for name, value in asdict(trigger).items()}


def trigger_from_dict(data: dict[str, Any]) -> Trigger:
    return Trigger(**{name: tuple(value) for name, value in _known(Trigger, data).items()})


def confidence_to_dict(confidence: Confidence) -> dict[str, Any]:
    data = asdict(confidence)
    data["terms"] = dict(confidence.terms)
    return data


def confidence_from_dict(data: dict[str, Any]) -> Confidence:
    known = _known(Confidence, data)
    known["terms"] = tuple((str(k), float(v)) for k, v in dict(known.get("terms", {})).items())
    return Confidence(**known)


def lesson_to_dict(lesson: Lesson, *, with_evidence: bool = True) -> dict[str, Any]:
    """Every field as JSON; enums by value. ``with_evidence=False`` is the stored version body."""
    data: dict[str, Any] = {}
    for item in fields(Lesson):
        data[item.name] = getattr(lesson, item.name)
    data.update(
        kind=lesson.kind.value,
        status=lesson.status.value,
        level=lesson.level.value,
        scope=scope_to_dict(lesson.scope),
        trigger=trigger_to_dict(lesson.trigger),
        confidence=confidence_to_dict(lesson.confidence),
        content_hash=lesson.content_hash,
    )
    if with_evidence:
        data["evidence"] = [evidence_to_dict(e) for e in lesson.evidence]
    else:
        del data["evidence"]
    return data


def lesson_from_dict(data: dict[str, Any], evidence: tuple[Evidence, ...] | None = None) -> Lesson:
    known = _known(Lesson, data)
    known.update(
        kind=LessonKind(known["kind"]),
        status=LessonStatus(known["status"]),
        level=Level(known["level"]),
        scope=scope_from_dict(known["scope"]),
        trigger=trigger_from_dict(known.get("trigger", {})),
        confidence=confidence_from_dict(known.get("confidence", {"value": 0.0})),
        evidence=evidence if evidence is not None else tuple(evidence_from_dict(e) for e in data.get("evidence", [])),
    )
    return Lesson(**known)


def observation_to_dict(observation: Observation) -> dict[str, Any]:
    data = asdict(observation)
    data.update(
        kind=observation.kind.value,
        max_status=observation.max_status.value,
        scope=scope_to_dict(observation.scope),
        trigger=trigger_to_dict(observation.trigger),
        evidence=[evidence_to_dict(e) for e in observation.evidence],
    )
    return data


def observation_from_dict(data: dict[str, Any]) -> Observation:
    known = _known(Observation, data)
    known.update(
        kind=LessonKind(known["kind"]),
        max_status=LessonStatus(known["max_status"]),
        scope=scope_from_dict(known["scope"]),
        trigger=trigger_from_dict(known.get("trigger", {})),
        evidence=tuple(evidence_from_dict(e) for e in known["evidence"]),
        notes=tuple(known.get("notes", ())),
    )
    return Observation(**known)


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = _field_names(cls)
    if names.issuperset(data):  # the common case, a row this version wrote: a plain copy
        return dict(data)
    return {name: value for name, value in data.items() if name in names}


@cache
def _field_names(cls: type) -> frozenset[str]:
    """Asked once per class: a lesson read with long history decodes thousands of evidence items."""
    return frozenset(item.name for item in fields(cls))
