"""JSON without importing ``json``: its C accelerator, called directly. Both hook runtimes use it.

``import json`` imports ``re`` (for the pure-Python fallbacks that CPython never uses when its C
accelerator ``_json`` is there), and the two cost a hook more than starting the interpreter itself:
measured with ``/usr/bin/python3 -I -S``, ``-c pass`` takes 10.6 ms and ``-c "import re, json"`` 22.0 ms,
``-c "import _json, _sre"`` 11.0 ms. So this module decodes and encodes with the scanner and encoder that
``json`` itself would use, built the way ``json.decoder`` and ``json.encoder`` build them. Anything
unexpected (no ``_json``, another implementation) falls back to ``json``: always correct, only slower.
``dumps`` is exactly ``json.dumps(value, ensure_ascii=ascii, allow_nan=not ascii, separators=(",", ":"))``,
and tests hold the two equal.

Depth is bounded: a document nested deeper than ``MAX_DEPTH`` raises ``TooDeep`` (a ValueError), never
the ``RecursionError`` that the C scanner raises near a thousand levels, and never a value deep enough to
overflow whatever walks it next.

The capture hook reads what the agent sent as ``json.loads`` would (``NaN`` included) and writes UTF-8;
the recall hook (``recall.wire``) refuses ``NaN`` and infinities both ways and writes ASCII, so no byte of
its answer depends on the terminal's encoding.
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


class _StrictSettings(_DecoderSettings):
    @staticmethod
    def parse_constant(name: str) -> float:
        raise ValueError(f"{name} is not JSON")


def _not_serializable(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _scanner(settings: _DecoderSettings) -> Callable[[str, int], tuple[object, int]] | None:
    try:
        import _json

        scanner: Callable[[str, int], tuple[object, int]] = _json.make_scanner(settings)  # type: ignore[arg-type]
        return scanner
    except Exception:  # any other Python: the json module below
        return None


_SCAN = _scanner(_DecoderSettings())
_SCAN_STRICT = _scanner(_StrictSettings())


def loads(text: str, *, constants: bool = True) -> object:
    """``json.loads(text)``; ValueError when ``text`` is not one JSON document, or when it holds ``NaN``
    or an infinity and ``constants`` is False."""
    scan = _SCAN if constants else _SCAN_STRICT
    try:
        if scan is None:
            value = _fallback_loads(text, constants)
        else:
            start = len(text) - len(text.lstrip(_WHITESPACE))
            try:
                value, end = scan(text, start)
            except StopIteration as stop:
                raise ValueError(f"no JSON value at character {stop.value}") from None
            if text[end:].strip(_WHITESPACE):
                raise ValueError(f"extra data after the JSON value at character {end}")
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    except SystemError as error:  # the C scanner's error path may want json.decoder
        raise ValueError(f"not valid JSON: {error}") from None
    # Counting brackets is a C loop; only a document with many of them is walked.
    return check_depth(value) if text.count("[") + text.count("{") > MAX_DEPTH else value


def _fallback_loads(text: str, constants: bool) -> object:
    import json

    if constants:
        return json.loads(text)
    return json.loads(text, parse_constant=_StrictSettings.parse_constant)


def dumps(value: object, *, ascii: bool = False) -> str:
    """Compact JSON: ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, or with ``ascii``
    escaped to ASCII and refusing ``NaN`` and infinities (``ValueError``)."""
    try:
        import _json

        # Built per call, as json.encoder does: its first argument tracks containers to detect cycles.
        strings = _json.encode_basestring_ascii if ascii else _json.encode_basestring
        encode = _json.make_encoder({}, _not_serializable, strings, None, ":", ",", False, False, not ascii)
    except Exception:  # any other Python
        import json

        return json.dumps(value, ensure_ascii=ascii, allow_nan=not ascii, separators=(",", ":"))
    return "".join(encode(value, 0))
