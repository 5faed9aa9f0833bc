"""The capture hook's JSON: ``reverie.lean_json`` as ``json.loads`` reads it, written as UTF-8.

Every JSON parse of outside input in capture goes through here or ``reading``.
"""

from __future__ import annotations

from reverie.lean_json import MAX_DEPTH, TooDeep, check_depth, dumps, loads

__all__ = ["MAX_DEPTH", "TooDeep", "check_depth", "dumps", "loads"]
