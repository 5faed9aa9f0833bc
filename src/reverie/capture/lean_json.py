"""JSON for the capture hook without importing ``json``: its C accelerator, called directly.

``import json`` imports ``re`` (for the pure-Python fallbacks that CPython never uses when its C
accelerator ``_json`` is there), and the two cost the hook more than starting the interpreter
itself: measured with ``/usr/bin/python3 -I -S``, ``-c pass`` takes 10.6 ms and ``-c "import re,
json"`` 22.0 ms, ``-c "import _json, _sre"`` 11.0 ms. So the hook decodes and encodes with the
scanner and encoder that ``json`` itself would use, built the way ``json.decoder`` and
``json.encoder`` build them. Anything unexpected (no ``_json``, another implementation) falls back
to ``json``: always correct, only slower. The output is exactly ``json.dumps(value,
ensure_ascii=False, separators=(",", ":"))``, and a test holds the two equal.

Depth is bounded: a document nested deeper than ``MAX_DEPTH`` raises ``TooDeep`` (a ValueError), never
the ``RecursionError`` that the C scanner raises near a thousand levels, and never a value deep enough
to overflow whatever walks it next. Every JSON parse of outside input in capture goes through here or
``reading``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_WHITESPACE = " \t\n\r"
MAX_DEPTH = 200  # real records nest about ten deep; CPython's JSON scanner gives up near 1000


class TooDeep(ValueError):
    """A JSON document nested deeper than ``MAX_DEPTH``."""


def check_depth(value: object, limit: int = MAX_DEPTH) -> object:
    """``value`` itself, or TooDeep when its lists and objects nest deeper than ``limit``. Iterative, so
    the check cannot overflow the stack it protects."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise TooDeep(f"nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return value


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
    try:
        if _SCAN is None:
            import json

            value = json.loads(text)
        else:
            start = len(text) - len(text.lstrip(_WHITESPACE))
            try:
                value, end = _SCAN(text, start)
            except StopIteration:
                raise ValueError("no JSON value") from None
            if text[end:].strip(_WHITESPACE):
                raise ValueError("extra data after the JSON value")
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    # Counting brackets is a C loop; only a document with many of them is walked.
    return check_depth(value) if text.count("[") + text.count("{") > MAX_DEPTH else value


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
