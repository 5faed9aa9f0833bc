"""The recall hook's JSON: ``reverie.lean_json``, strict both ways and ASCII out.

``NaN`` and infinities are refused in and out, and the answer is ASCII, so no byte of it depends on the
terminal's encoding.
"""

from __future__ import annotations

from reverie import lean_json


def loads(text: str) -> object:
    """Parse one JSON document; ``ValueError`` for anything else (including trailing garbage)."""
    return lean_json.loads(text, constants=False)


def dumps(value: object) -> str:
    """Compact JSON, ASCII only."""
    return lean_json.dumps(value, ascii=True)
