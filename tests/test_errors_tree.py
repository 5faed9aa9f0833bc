"""The exception tree in ``errors.py`` is drawn once and names every error reverie raises on purpose."""

from __future__ import annotations

import re
from pathlib import Path

import reverie.errors

SOURCE = Path(reverie.errors.__file__).parent


def test_every_reverie_error_is_in_the_drawn_tree() -> None:
    tree = reverie.errors.__doc__ or ""
    known = {"ReverieError", "InputError", "ConfigError", "NotFoundError", "AgentError", "StoreError"}
    found: set[str] = set()
    while True:  # subclasses of subclasses, wherever they are defined
        pattern = re.compile(rf"^class (\w+)\((?:{'|'.join(sorted(known | found))})\):", re.MULTILINE)
        more = {m.group(1) for path in SOURCE.rglob("*.py") for m in pattern.finditer(path.read_text())}
        if more <= found:
            break
        found |= more
    missing = sorted(name for name in found if not re.search(rf"\b{name}\b", tree))
    assert missing == []
    assert "StoreConflict" in found and "ConcurrentEdit" in found
