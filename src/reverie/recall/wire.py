"""JSON in and out for the recall hook, without importing ``json``.

``import json`` pulls in ``re``, ``enum`` and ``functools``: measured here at about 10 ms under
``-I -S``, as much as starting the interpreter at all, and the recall hook's whole budget is about one
interpreter start. The C accelerator behind ``json`` (``_json``) loads in a fraction of a millisecond
and does the real work: its scanner parses, its string encoder escapes. When ``_json`` is missing (an
unusual build), the ``json`` module is used instead; slower, same results.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

try:
    import _json
except ImportError:  # pragma: no cover - CPython always builds it
    _json = None  # type: ignore[assignment]

_WHITESPACE = " \t\n\r"


class _ScannerContext:
    """What ``_json.make_scanner`` reads from a ``json.JSONDecoder``."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str] = {}  # noqa: RUF012 - the C scanner keeps its own memo; it only reads this name

    @staticmethod
    def parse_constant(name: str) -> float:
        raise ValueError(f"{name} is not JSON")


_scan: Callable[[str, int], tuple[object, int]] | None = _json.make_scanner(_ScannerContext())  # type: ignore[arg-type]  # it reads attributes only if _json is not None else None


def loads(text: str) -> object:
    """Parse one JSON document; ``ValueError`` for anything else (including trailing garbage)."""
    if _scan is None:  # pragma: no cover
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as stop:
        raise ValueError(f"no JSON value at character {stop.value}") from None
    except (SystemError, RecursionError) as error:  # the C scanner's error path needs json.decoder
        raise ValueError(f"not valid JSON: {error}") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError(f"extra data after the JSON value at character {end}")
    return value


def dumps(value: object) -> str:
    """Compact JSON, ASCII only (so no byte of the output depends on the terminal's encoding)."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinities are not JSON")
        out.append(repr(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append("," if index else "")
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            out.append("," if index else "")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON")


def _string(text: str) -> str:
    if _json is not None:
        encoded: str = _json.encode_basestring_ascii(text)
        return encoded
    import json  # pragma: no cover

    return json.dumps(text)  # pragma: no cover
