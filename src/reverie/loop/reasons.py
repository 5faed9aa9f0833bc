"""Why each failing test failed: its first assertion, from what the common runners print by default.

The loop's briefing and ledger name a failing test together with the line that says what went
wrong ("test_add (assert -1 == 5)"), so the next run starts from the failure itself, not from
make's closing ``Error 1``. Each runner prints that line in its own place:

* pytest: after `` - `` in the short summary (``FAILED t.py::test_add - assert -1 == 5``), else the
  first ``E   `` line of the test's section in FAILURES;
* go test: the first ``file_test.go:12: message`` line under ``--- FAIL: TestX``;
* cargo test: the panic message under ``---- name stdout ----`` (with ``left``/``right`` when given);
* jest: ``Expected:`` and ``Received:`` under the test's bullet;
* vitest: the first ``AssertionError``/``Error`` line under its ``FAIL`` header.

Nothing here fails: a test whose reason cannot be found gets "".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_REASON_CHARS = 160
_LOOKAHEAD_LINES = 40  # a test's details follow its header closely
_PYTEST_SUMMARY = re.compile(r"^(?:FAILED|ERROR) (?P<name>\S+)(?: - (?P<why>.+))?$")
_PYTEST_SECTION = re.compile(r"^_{3,} (?P<name>\S+?)(?:\[.*\])? _{3,}$")
_GO_LOCATION = re.compile(r"^\s+\S+\.go:\d+: (?P<why>.+)$")
_CARGO_SECTION = re.compile(r"^---- (?P<name>\S+) stdout ----$")
_PANIC = re.compile(r"panicked at (?:'(?P<old>.+?)', )?\S*:?\s*(?P<rest>.*)$")
_ASSERTION_LIKE = re.compile(r"(?:Assertion|assert|Error\b|expected|Expected|panicked|want\b)", re.I)


def first_assertions(lines: Sequence[str], failing: Sequence[str]) -> tuple[str, ...]:
    """One reason per failing name, in the same order ("" where none was printed)."""
    if not failing:
        return ()
    summary = _pytest_summary(lines)
    return tuple(_shorten(summary.get(name) or _from_details(lines, name)) for name in failing)


def _pytest_summary(lines: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = _PYTEST_SUMMARY.match(line.rstrip())
        if match and match["why"]:
            found.setdefault(match["name"], match["why"])
    return found


def _from_details(lines: Sequence[str], name: str) -> str:
    short = name.rsplit("::", 1)[-1].rsplit(" > ", 1)[-1].rsplit(" \u203a ", 1)[-1]
    for index, line in enumerate(lines):
        if not _is_header_of(line.rstrip(), name, short):
            continue
        reason = _reason_below(lines[index + 1 : index + 1 + _LOOKAHEAD_LINES])
        if reason:
            return reason
    return ""


def _is_header_of(line: str, name: str, short: str) -> bool:
    if (section := _PYTEST_SECTION.match(line)) is not None:
        return section["name"] in (name, short)
    if (cargo := _CARGO_SECTION.match(line)) is not None:
        return cargo["name"] == name
    stripped = line.strip()
    return stripped.startswith(("--- FAIL: ", "\u25cf ", "FAIL ", "\u00d7 ")) and name in stripped


def _reason_below(block: Sequence[str]) -> str:
    """The first line of a test's details that says what went wrong."""
    block = _until_next_header(block)
    pytest_line = next((line.strip() for line in block if line.strip().startswith("E ")), "")
    if pytest_line:
        return pytest_line[1:].strip()
    expected = next((line.strip() for line in block if line.strip().startswith("Expected")), "")
    received = next((line.strip() for line in block if line.strip().startswith("Received")), "")
    if expected and received:
        return f"{expected}, {received}"  # jest
    for number, line in enumerate(block):
        stripped = line.strip()
        if (go := _GO_LOCATION.match(line)) is not None:
            return go["why"].strip()
        if (panic := _PANIC.search(stripped)) is not None:
            return _panic_reason(panic, block[number + 1 :])
        if _ASSERTION_LIKE.search(stripped):
            return stripped
    return ""


def _until_next_header(block: Sequence[str]) -> Sequence[str]:
    end = next((n for n, line in enumerate(block) if _is_next_header(line.strip())), len(block))
    return block[:end]


def _is_next_header(stripped: str) -> bool:
    return bool(_PYTEST_SECTION.match(stripped) or _CARGO_SECTION.match(stripped)) or stripped.startswith(
        ("--- FAIL: ", "--- PASS: ", "\u25cf ")
    )


def _panic_reason(panic: re.Match[str], after: Sequence[str]) -> str:
    """Old Rust puts the message in quotes on the panic line; new Rust puts it on the next lines."""
    if panic["old"]:
        return panic["old"]
    rest = [line.strip() for line in after[:4] if line.strip()]
    message = rest[0] if rest else panic["rest"]
    sides = [line for line in rest[1:] if line.startswith(("left:", "right:"))]
    return f"{message} ({', '.join(sides)})" if sides else message


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "\u2026"
