"""What the server accepts from a push: typed changes, checked at the boundary.

A change is ``{"kind": "lesson.propose", "idempotency_key", "content_hash", "base_version", "lesson",
"provenance"}``. The lesson must parse, its content hash is recomputed here (a proposal binds to the
exact meaning it carries, whatever the client claimed), a lesson that still holds what looks like a
secret is refused (the client redacts before pushing; the server's patterns may know more),
session-scoped lessons never leave a machine, and a project-scoped token may only propose lessons of
its project.
"""

from __future__ import annotations

from typing import Any

from reverie.domain.lessons import ScopeLevel
from reverie.errors import InputError
from reverie.server.auth import Forbidden
from reverie.store.gate import clean
from reverie.store.lesson_codec import lesson_from_dict
from reverie.store.postgres_team import Identity

MAX_CHANGES = 500
KINDS = ("lesson.propose",)


def check_changes(changes: object, who: Identity) -> list[dict[str, Any]]:
    if not isinstance(changes, list) or not changes:
        raise InputError("'changes' must be a non-empty list")
    if len(changes) > MAX_CHANGES:
        raise InputError(f"at most {MAX_CHANGES} changes per push")
    return [_check(change, who, index) for index, change in enumerate(changes)]


def _check(change: object, who: Identity, index: int) -> dict[str, Any]:
    if not isinstance(change, dict):
        raise InputError(f"change {index} is not an object")
    if change.get("kind") not in KINDS:
        raise InputError(f"change {index}: unknown kind {change.get('kind')!r}")
    key = change.get("idempotency_key")
    if not isinstance(key, str) or not 8 <= len(key) <= 200:
        raise InputError(f"change {index}: idempotency_key must be a string of 8 to 200 characters")
    base = change.get("base_version", 0)
    if not isinstance(base, int) or base < 0:
        raise InputError(f"change {index}: base_version must be a non-negative integer")
    try:
        lesson = lesson_from_dict(change["lesson"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"change {index}: not a lesson ({type(error).__name__}: {error})") from error
    if clean(lesson) is not lesson:  # the redaction gate: a reverie client redacted it before pushing
        raise InputError(f"change {index}: the lesson holds what looks like a secret; redact it and push again")
    if lesson.scope.level is ScopeLevel.SESSION or not lesson.durable:
        raise InputError(f"change {index}: session-scoped and one-off lessons stay on their machine")
    if who.project is not None and lesson.scope.project != who.project:
        raise Forbidden(f"this token may only propose lessons of project {who.project}")
    provenance = change.get("provenance", {})
    if not isinstance(provenance, dict):
        raise InputError(f"change {index}: provenance must be an object")
    return {**change, "content_hash": lesson.content_hash, "machine": str(provenance.get("machine", ""))[:200]}
