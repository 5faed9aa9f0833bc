"""The managed block: reverie's part of a file that belongs to the user (CLAUDE.md, AGENTS.md).

Everything reverie writes sits between two marker lines; text outside them is never touched. The
block is appended at the end of the file the first time, after a separator (the ``lead``: nothing for
an empty file, one newline after a file that ends with one, two after one that does not) that is
recorded, so that removing the block takes out exactly what inserting it put in and the file is
byte for byte what it was. Updates replace the block where it stands, wherever the user moved it.
A file that uses CRLF line endings gets the block with CRLF too.

A marker counts only as a line of its own, and a marker inside what the block says (a lesson that
quotes one) is escaped (``escape``): otherwise one statement could end the block early, the block
would read as edited by hand, and neither compile nor removal could touch it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

BEGIN = "<!-- reverie:begin -->"
END = "<!-- reverie:end -->"
_BEGIN_LINE = re.compile(r"(?m)^" + re.escape(BEGIN) + r"(?=\r?$)")
_END_LINE = re.compile(r"(?m)^" + re.escape(END) + r"(?=\r?$)")
_ANY_MARKER = re.compile(r"<!--\s*reverie:(begin|end)\s*-->", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # index of the begin marker
    end: int  # index just past the end marker


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def escape(text: str) -> str:
    """``text`` with anything that looks like a block marker made inert (``&lt;!-- reverie:end --&gt;``)."""
    return _ANY_MARKER.sub(lambda match: f"&lt;!-- reverie:{match[1].lower()} --&gt;", text)


def has_markers(text: str) -> bool:
    """Whether ``text`` has a marker line at all (a block, or what is left of a broken one)."""
    return _BEGIN_LINE.search(text) is not None or _END_LINE.search(text) is not None


def without_lessons(text: str, lesson_ids: Sequence[str]) -> str:
    """``text`` without the lines that end by naming one of these lessons (``... (lesson L1234)``)."""
    ends = tuple(f"(lesson {lesson_id})" for lesson_id in lesson_ids)
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.rstrip("\r\n").endswith(ends))


def find(text: str) -> Span | None:
    """The block's span; None when it is absent or its markers are broken (then nothing is touched)."""
    begins = [match.start() for match in _BEGIN_LINE.finditer(text)]
    ends = [match.start() for match in _END_LINE.finditer(text)]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        return None
    return Span(begins[0], ends[0] + len(END))


def current(text: str) -> str | None:
    """The block as it stands in ``text`` (markers included, LF line endings)."""
    span = find(text)
    return None if span is None else text[span.start : span.end].replace("\r\n", "\n")


def insert(text: str | None, block: str) -> tuple[str, str]:
    """``text`` with the block appended: (new text, the lead that was put before it)."""
    text = text or ""
    newline = newline_of(text)
    if not text:
        lead = ""
    elif text.endswith(newline):
        lead = newline
    else:
        lead = newline * 2
    return text + lead + block.replace("\n", newline) + newline, lead


def replace(text: str, block: str) -> str | None:
    """``text`` with its block replaced; None when the block is not there."""
    span = find(text)
    if span is None:
        return None
    return text[: span.start] + block.replace("\n", newline_of(text)) + text[span.end :]


def remove(text: str, lead: str) -> str | None:
    """``text`` without the block, its newline and the lead before it; None when it is not there."""
    span = find(text)
    if span is None:
        return None
    before, after = text[: span.start], text[span.end :]
    newline = newline_of(text)
    if after.startswith(newline):
        after = after[len(newline) :]
    elif after.startswith("\n"):
        after = after[1:]
    if lead and before.endswith(lead):
        before = before[: len(before) - len(lead)]
    return before + after
