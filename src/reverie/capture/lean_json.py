"""JSON for the capture hook without importing ``json``: its C accelerator, called directly.

``import json`` imports ``re`` (for the pure-Python fallbacks that CPython never uses when its C
accelerator ``_json`` is there), and the two cost the hook more than starting the interpreter
itself: measured with ``/usr/bin/python3 -I -S``, ``-c pass`` takes 10.6 ms and ``-c "import re,
json"`` 22.0 ms, ``-c "import _json, _sre"`` 11.0 ms. So the hook decodes and encodes with the
scanner and encoder that ``json`` itself would use, built the way ``json.decoder`` and
``json.encoder`` build them. Anything unexpected (no ``_json``, another implementation) falls back
to ``json``: always correct, only slower. The output is exactly ``json.dumps(value,
ensure_ascii=False, separators=(",", ":"))``, and a test holds the two equal.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_WHITESPACE = " \t\n\r"


class _DecoderSettings:
    """What ``_json.make_scanner`` reads from a ``json.JSONDecoder``: its defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str]

    def __init__(self) -> None:
        self.memo = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def _not_serializable(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _scanner() -> Callable[[str, int], tuple[object, int]] | None:
    try:
        import _json

        scanner: Callable[[str, int], tuple[object, int]] = _json.make_scanner(_DecoderSettings())  # type: ignore[arg-type]
        return scanner
    except Exception:  # any other Python: the json module below
        return None


_SCAN = _scanner()


def loads(text: str) -> object:
    """``json.loads(text)``; ValueError when ``text`` is not one JSON document."""
    if _SCAN is None:
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _SCAN(text, start)
    except StopIteration:
        raise ValueError("no JSON value") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError("extra data after the JSON value")
    return value


def dumps(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""
    try:
        import _json

        # Built per call, as json.encoder does: its first argument tracks containers to detect cycles.
        encode = _json.make_encoder({}, _not_serializable, _json.encode_basestring, None, ":", ",", False, False, True)
    except Exception:  # any other Python
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(encode(value, 0))
