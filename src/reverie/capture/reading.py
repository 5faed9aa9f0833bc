"""Reading transcripts as a stream of records, never a whole file at once.

JSONL is read line by line (a last line without its newline may still be being written, so it is
left for the next run unless the file is final); JSON arrays (the ``chat.json`` dumps some hook
tools write) are decoded one element at a time. Each record comes with the line it starts on, so a
problem can always name its file and line.

Bounded, because a transcript is input reverie does not control: a line longer than ``MAX_LINE_BYTES``
is skipped without being held in memory, and a record nested deeper than ``MAX_DEPTH`` is a bad record
(``TooDeep``, a ValueError), not a ``RecursionError`` that would end the import. ``open_regular`` opens
only regular files, without blocking on a FIFO.
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from reverie.capture.lean_json import MAX_DEPTH, TooDeep, check_depth

ARRAY_READ_CHARS = 1 << 20
MAX_LINE_BYTES = 256 * 1024 * 1024  # one record; Claude Code caps tool output far below this
MAX_ARRAY_ELEMENT_CHARS = 64 * 1024 * 1024

# The C scanner that ``json.loads`` ends in, called directly: for lines of a kilobyte or two, the
# wrapper around it (detecting the encoding, matching whitespace, checking types) was a quarter of
# the decoding time.
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set by JSONDecoder.__init__
_JSON_WHITESPACE = " \t\n\r"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading; OSError for a FIFO, a device, a socket or a folder. The open
    itself never blocks (``O_NONBLOCK``); blocking reads are restored once it is known to be a file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def decode_bounded(text: str | bytes) -> object:
    """``json.loads`` that cannot crash on depth: TooDeep instead of RecursionError."""
    try:
        return _bounded(text, json.loads(text))
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None


def _bounded(raw: str | bytes, value: object) -> object:
    # Counting brackets is a C loop over the line; only a line with many of them is walked.
    opens = raw.count(b"[") + raw.count(b"{") if isinstance(raw, bytes) else raw.count("[") + raw.count("{")
    return check_depth(value) if opens > MAX_DEPTH else value


class Blank:
    """An empty line."""


@dataclass(frozen=True, slots=True)
class Garbled:
    """A line of text that was not valid UTF-8, decoded with the bad bytes replaced."""

    text: str


class Incomplete:
    """The end of a JSON array that is still being written."""


BLANK = Blank()


def line_records(handle: BinaryIO, offset: int, line: int, final: bool) -> Iterator[tuple[int, int, object]]:
    """(line number, offset after the line, record or ValueError) for each complete line from ``offset``."""
    for number, end, raw in _complete_lines(handle, offset, line, final):
        if isinstance(raw, ValueError):
            yield number, end, raw
        elif raw.isspace():  # stops at the first other byte; strip() would copy a line of a megabyte
            yield number, end, BLANK
        else:
            try:
                yield number, end, _decode_line(raw)
            except ValueError as error:  # also bad UTF-8
                yield number, end, error


def _complete_lines(
    handle: BinaryIO, offset: int, line: int, final: bool
) -> Iterator[tuple[int, int, bytes | ValueError]]:
    """(line number, offset after the line, its bytes) for each complete line from ``offset``; an overlong
    line is skipped as a ``ValueError``. A last line without its newline waits unless ``final``: the agent
    may still be writing it."""
    handle.seek(offset)
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            rest, ended = _skip_line(handle)
            if not ended and not final:
                return  # still being written; the next run looks again
            offset += len(raw) + rest
            line += 1
            yield line, offset, ValueError(f"a line longer than {MAX_LINE_BYTES} bytes")
            continue
        if not raw.endswith(b"\n") and not final:
            return  # the agent may still be writing this line
        offset += len(raw)
        line += 1
        yield line, offset, raw


def _decode_line(raw: bytes) -> object:
    """``json.loads(raw)``, faster for the common line: UTF-8, one JSON value.

    Anything else (a byte-order mark, UTF-16, an encoded surrogate, bad JSON) goes to ``json.loads``
    itself, so that every line decodes, and every bad one fails, exactly as it would there.
    """
    try:
        text = raw.decode("utf-8")
        start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
        value, end = _SCAN(text, start)
    except (UnicodeDecodeError, StopIteration, ValueError):
        return decode_bounded(raw)
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None
    if end != len(text) and text[end:].strip(_JSON_WHITESPACE):
        return decode_bounded(raw)  # extra data after the value: let json word the error
    return _bounded(raw, value)


def _skip_line(handle: BinaryIO) -> tuple[int, bool]:
    """Read past the rest of an overlong line, a megabyte at a time: the bytes skipped, and whether the
    line had its newline."""
    skipped = 0
    while piece := handle.readline(1 << 20):
        skipped += len(piece)
        if piece.endswith(b"\n"):
            return skipped, True
    return skipped, False


def array_records(handle: BinaryIO, size: int, final: bool) -> Iterator[tuple[int, int, object]]:
    """The elements of a JSON array, one at a time, with the line each starts on.

    ``raw_decode`` cannot tell "truncated" from "wrong", so an element that does not parse is
    retried with more text until the end of the file; only then is it an error (or, in a file still
    being written, the array's unfinished end).
    """
    stream = io.TextIOWrapper(handle, encoding="utf-8", errors="replace", newline="")
    stream.seek(0)
    decoder = json.JSONDecoder()
    buffer, eof = _read_more("", stream, ARRAY_READ_CHARS)
    position = len(buffer) - len(buffer.lstrip("\ufeff \t\r\n"))
    line = 1 + buffer.count("\n", 0, position)
    if not buffer.startswith("[", position):
        yield line, size, ValueError("not a JSON array of records")
        return
    position += 1
    while True:
        start = _skip_separators(buffer, position)
        line += buffer.count("\n", position, start)
        position = start
        if position == len(buffer) and not eof:
            buffer, eof = _read_more(buffer[position:], stream, ARRAY_READ_CHARS)
            position = 0
            continue
        if buffer.startswith("]", position):
            return
        try:
            record, end = decoder.raw_decode(buffer, position)
            check_depth(record)
        except (RecursionError, TooDeep):
            yield line, size, TooDeep(f"nested deeper than {MAX_DEPTH} levels")
            return
        except json.JSONDecodeError as error:
            if len(buffer) - position > MAX_ARRAY_ELEMENT_CHARS:
                yield line, size, ValueError(f"an element longer than {MAX_ARRAY_ELEMENT_CHARS} characters")
                return
            if not eof:
                buffer, eof = _read_more(buffer[position:], stream, max(ARRAY_READ_CHARS, len(buffer)))
                position = 0
                continue
            yield line, size, (error if final else Incomplete())
            return
        yield line, size, record
        line += buffer.count("\n", position, end)
        position = end


def _read_more(kept: str, stream: io.TextIOWrapper, chars: int) -> tuple[str, bool]:
    piece = stream.read(chars)
    return kept + piece, len(piece) < chars


def _skip_separators(buffer: str, position: int) -> int:
    length = len(buffer)
    while position < length and buffer[position] in " \t\r\n,":
        position += 1
    return position


def text_lines(handle: BinaryIO, offset: int, line: int, final: bool) -> Iterator[tuple[int, int, object]]:
    """(line number, offset after the line, the line as ``str``) from ``offset``, for formats made of
    lines of text. A line that is not UTF-8 comes as ``Garbled`` (its text with the bad bytes replaced,
    so nothing around them is lost); an overlong line is skipped as a ``ValueError``."""
    for number, end, raw in _complete_lines(handle, offset, line, final):
        if isinstance(raw, ValueError):
            yield number, end, raw
            continue
        try:
            yield number, end, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, end, Garbled(raw.decode("utf-8", "replace"))
