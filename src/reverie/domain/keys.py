"""Idempotency keys that hooks and transcript import compute the same way.

Both sources describe the same session, so the key of an event must not depend on where it came
from. Tool calls and results have the agent's own ids. Prompts and other events without an id are
keyed by their content plus an ordinal, "the n-th time this text occurred in this session from this
source": both sources see the same sequence, so the n-th "continue" typed in a session gets the same
key from the hook and from the transcript. A key that ends in ``PENDING_ORDINAL`` is completed by the
store, inside the transaction that writes it, so each source's count stays exact under crashes and
re-runs.
"""

from __future__ import annotations

import hashlib

PENDING_ORDINAL = "#?"


def tool_call_key(session_id: str, tool_use_id: str) -> str:
    return f"{session_id}:tool_call:{tool_use_id}"


def tool_result_key(session_id: str, tool_use_id: str) -> str:
    return f"{session_id}:tool_result:{tool_use_id}"


def record_key(session_id: str, kind: str, ident: str) -> str:
    """A key for an event that carries an id of its own (a message id, a record uuid)."""
    return f"{session_id}:{kind}:{ident}"


def content_key(session_id: str, kind: str, text: str) -> str:
    """A key for an event without an id of its own; the store appends the ordinal.

    Lone surrogates hash as "?", exactly as ``text.utf8_safe`` stores them.
    """
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8", "replace")).hexdigest()[:20]
    return f"{session_id}:{kind}:{digest}{PENDING_ORDINAL}"


def needs_ordinal(key: str) -> bool:
    return key.endswith(PENDING_ORDINAL)


def with_ordinal(key: str, ordinal: int) -> str:
    return f"{key.removesuffix(PENDING_ORDINAL)}#{ordinal}"
