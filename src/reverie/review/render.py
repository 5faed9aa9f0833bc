"""A change-set as a person reads it: one change at a time, like a code review.

    C3  supersede  (contradictions)  behaviour-shaping  hash 1f2e3d4c5b6a
        "Use pnpm, not yarn" is newer than "Use yarn" and rests on evidence at least as strong ...
      - L1a2b3c4d5e6  active   0.76  project github.com/acme/web   Use yarn for dependencies.
      + L1a2b3c4d5e6  retired  0.38  superseded by L9f8e7d6c5b4a, valid until 2025-03-02
      evidence
        session 3f2a9c1e line 42 (user_statement): "we moved to pnpm last week"
      confidence -0.38

``as_json`` gives the same, for ``--json`` and for tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reverie.domain.changes import Change
from reverie.domain.lessons import Evidence, Lesson
from reverie.review import verdict
from reverie.store.change_codec import change_to_dict
from reverie.store.protocol import DreamRecord, StoredChange


def dream_header(record: DreamRecord) -> list[str]:
    usage = record.usage or {}
    gated = verdict.read(record.usage)
    lines = [
        f"dream {record.id}  {record.status}  ({record.trigger}, {record.created_at})",
        *([f"  {gated.summary()}"] if gated else []),
        f"  input: store version {record.input_version}, {len(record.session_ids)} session(s)"
        + (f', instructions "{record.instructions}"' if record.instructions else ""),
        f"  output: proposed version {record.output_version}, {record.changes} change(s), {record.decided} decided"
        f"; {usage.get('wall_seconds', 0):.2f}s, {int(usage.get('tokens', 0))} tokens",
    ]
    if record.error:
        lines.append(f"  error: {record.error}")
    return lines


def change_lines(item: StoredChange) -> list[str]:
    change = item.change
    shaping = "behaviour-shaping" if change.shapes_behaviour else "low-risk"
    decided = f"  [{item.decision}]" if item.decision else ""
    head = f"{change.id}  {change.policy_name}  ({change.proposed_by})  {shaping}"
    lines = [
        f"{head}  hash {change.content_hash[:12]}{decided}",
        *_wrap(change.rationale, "    "),
    ]
    after = {lesson.id: lesson for lesson in change.after}
    for lesson in change.before:
        lines.append("  - " + _lesson(lesson))
        if lesson.id in after:
            lines.append("  + " + _lesson(after.pop(lesson.id), before=lesson))
    lines.extend("  + " + _lesson(lesson) + "  (new)" for lesson in after.values())
    if change.evidence:
        lines.append("  evidence")
        lines.extend("    " + _evidence(item) for item in change.evidence)
    lines.append(f"  confidence {change.confidence_delta:+.2f}")
    return lines


def as_json(record: DreamRecord, changes: Sequence[StoredChange]) -> dict[str, Any]:
    return {
        "dream": record_json(record),
        "changes": [change_to_dict(item.change) | {"decision": item.decision} for item in changes],
    }


def record_json(record: DreamRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "status": record.status,
        "trigger": record.trigger,
        "created_at": record.created_at,
        "inputs": {
            "store_version": record.input_version,
            "session_ids": list(record.session_ids),
            "instructions": record.instructions,
        },
        "output_version": record.output_version,
        "usage": verdict.plain_usage(record.usage),
        "gate": gate_json(record),
        "error": record.error,
        "changes": record.changes,
        "decided": record.decided,
    }


def gate_json(record: DreamRecord) -> dict[str, Any] | None:
    gated = verdict.read(record.usage)
    return gated.as_json() if gated else None


def gate_cell(record: DreamRecord) -> str:
    gated = verdict.read(record.usage)
    return gated.verdict if gated else "-"


def summary(change: Change) -> str:
    return f"{change.id} {change.policy_name}: {', '.join(change.lesson_ids)}"


def _lesson(lesson: Lesson, before: Lesson | None = None) -> str:
    where = lesson.scope.describe()
    notes = []
    if lesson.superseded_by:
        notes.append(f"superseded by {lesson.superseded_by}")
    if lesson.valid_to:
        notes.append(f"valid until {lesson.valid_to[:10]}")
    if before is not None and before.level != lesson.level:
        notes.append(f"level {before.level.value} -> {lesson.level.value}")
    if lesson.uncertainty and before is not None:
        notes.append(lesson.uncertainty)
    text = f"{lesson.id}  {lesson.status.value:<11} {lesson.confidence.value:.2f}  {where}  {lesson.statement}"
    return text + (f"  ({'; '.join(notes)})" if notes else "")


def _evidence(item: Evidence) -> str:
    where = f"session {item.session_id[:8]}" if item.session_id else "reverie remember"
    if item.transcript_line:
        where += f" line {item.transcript_line}"
    # An empty quote reads as a bug: say what the evidence is when it holds no text (a call's empty output).
    said = f'"{item.excerpt[:160]}"' if item.excerpt.strip() else f"({item.role}, no text)"
    return f"{where} ({item.basis.value}): {said}"


def _wrap(text: str, indent: str, width: int = 110) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(indent + current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, indent + current] if current else lines
