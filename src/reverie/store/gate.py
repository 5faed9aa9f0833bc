"""The redaction gate: whatever the store writes has been through ``reverie.capture.redact``.

Events are redacted where they are captured (the hook must not spool a secret, and import redacts
as it streams), but lessons, observations, dream changes and agent proposals are made later, from
text that came from anywhere: ``reverie remember``, the MCP server, the memory tool, LLM output,
an old store written before a redaction rule existed. Redacting in every one of those callers is a
rule that the next caller forgets, so the store's write methods call ``clean`` on what they are
given, and nothing written through them can bypass it.

``clean`` walks a frozen dataclass (a lesson with its trigger and evidence, a change with the
lessons before and after it) and returns it rebuilt with every string redacted, or the very same
object when nothing needed it, so the common case costs one scan of its text and no copy. A
lesson's content hash is a property of its fields, so the hash of a redacted lesson is the hash of
what is stored: an approval binds to the redacted text, never to the secret.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, TypeVar

from reverie.capture.redact import redact_event, redact_text, redact_value
from reverie.domain.events import Event

T = TypeVar("T")

# Identities and references that a secret cannot be in, and that must stay byte-exact to join.
_KEPT = frozenset({"id", "event_key", "session_id", "lesson_id", "dream_id", "change_id", "content_hash"})


def clean(value: T) -> T:
    """``value`` with every string in it redacted; ``value`` itself when nothing changed."""
    cleaned: Any = _clean(value)
    return cleaned  # type: ignore[no-any-return]


def _clean(value: object) -> object:
    if isinstance(value, str):
        return value if isinstance(value, Enum) else redact_text(value)
    if isinstance(value, tuple):
        items = tuple(_clean(item) for item in value)
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if isinstance(value, dict | list):
        return redact_value(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _clean_dataclass(value)
    return value


def _clean_dataclass(value: Any) -> Any:
    changes = {}
    for field in fields(value):
        if not field.init or field.name in _KEPT:
            continue
        old = getattr(value, field.name)
        new = _clean(old)
        if new is not old:
            changes[field.name] = new
    return replace(value, **changes) if changes else value


def clean_event(event: Event) -> Event:
    """The event redacted (its key stays: it is its identity); malformed events pass through to
    fail in the write as they would have."""
    return redact_event(event) if isinstance(event.text, str) else event
