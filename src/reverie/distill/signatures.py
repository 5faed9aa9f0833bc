"""Error text reduced to a signature that is equal across sessions when the failure is the same.

A failure's output is full of one session's values: temp paths, line numbers, timestamps, hashes,
ids. ``signature`` keeps the most informative line and replaces those values, so "jq: command not
found" in one session and in the next have one signature, while "jq" and "python" stay different.
Paths inside the project stay: "nonexistent.txt does not exist" is itself the lesson.
``error_class`` names the broad kind of failure in words a statement can use.
"""

from __future__ import annotations

import re

MAX_SIGNATURE_CHARS = 160

_NOISE_LINE = re.compile(
    r"^(exit code:? -?\d+|error: process completed with exit code|wall time: |output:$|\s*at\s|\s*\^+\s*$)", re.I
)
_TELLING = re.compile(
    r"(error|fatal|failed|failure|not found|denied|exception|cannot|can't|unable|invalid|refused|"
    r"no such|unknown|unrecognized|missing|timed out|does not exist|not recognized|traceback|exceeded|panic|"
    r"couldn't find|could not find|no \w+ (?:file )?found)",
    re.I,
)
_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\x1b\[[0-9;]*[A-Za-z]"), ""),  # terminal colours
    (re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.I), "<url>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<id>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?Z?\b"), "<time>"),
    (re.compile(r"(?<![\w.])(/|~/|[A-Za-z]:[\\/])[^\s:'\"`,)]*"), "<path>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>"),
    (re.compile(r"\b[0-9a-f]{7,40}\b"), "<hash>"),
    (re.compile(r"\b\d+(\.\d+)*\b"), "<n>"),
    (re.compile(r"\s+"), " "),
)

ERROR_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "command not found",
        re.compile(r"command not found|not recognized as an internal or external|: not found\b", re.I),
    ),
    ("no upstream branch", re.compile(r"no upstream branch|has no upstream|--set-upstream", re.I)),
    (
        "missing target or config",
        re.compile(
            r"no rule to make target|is not a file|missing (?:config|configuration)|no configuration file|"
            r"(?:couldn't|could not|cannot) find (?:a |the )?config(?:uration)? file",
            re.I,
        ),
    ),
    ("permission denied", re.compile(r"permission denied|EACCES|operation not permitted", re.I)),
    (
        "a version mismatch",
        re.compile(
            r"requires (?:a different )?(?:python|node|ruby|go|rust|java)\b|unsupported (?:\w+ )?version|"
            r"version [^\n]{0,40}(?:is )?required|incompatible (?:version|engine)|engine \"\w+\" is incompatible|"
            r"GLIBC_[\d.]+' not found|minimum supported version",
            re.I,
        ),
    ),
    (
        "an environment variable is not set",
        re.compile(
            r"environment variable [^\n]{0,60}?(?:is )?(?:not set|unset|missing|required|undefined)|"
            r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b (?:is )?(?:not set|unset|undefined|must be set|is required)|"
            r"missing (?:required )?env(?:ironment)? var|KeyError: '[A-Z][A-Z0-9]*_[A-Z0-9_]+'|"
            r"(?i:missing|no|not set)[^\n]{0,40}\$[A-Z][A-Z0-9_]{2,}\b",
        ),
    ),
    ("a port already in use", re.compile(r"port is already allocated|address already in use|EADDRINUSE", re.I)),
    (
        "a resource limit",
        re.compile(
            r"too many open files|out of memory|heap limit|ENOMEM|no space left on device|disk quota exceeded|"
            r"limit on \d+ [^\n]{0,40}(?:is )?exceeded",
            re.I,
        ),
    ),
    (
        "module not found",
        re.compile(r"no module named|modulenotfounderror|cannot find module|cannot find package", re.I),
    ),
    ("file not found", re.compile(r"no such file or directory|ENOENT|cannot find the path|does not exist", re.I)),
    (
        "network error",
        re.compile(r"connection refused|ECONNREFUSED|could not resolve host|unreachable|RPC failed", re.I),
    ),
    ("timed out", re.compile(r"timed out|timeout", re.I)),
    (
        "wrong usage",
        re.compile(
            r"unknown (option|flag|command|argument)|unrecognized (option|argument)|invalid option|usage:", re.I
        ),
    ),
    ("syntax error", re.compile(r"syntax ?error", re.I)),
    ("rejected", re.compile(r"rejected|non-fast-forward", re.I)),
)


# Causes that lie in the machine or the project's setup, not in what the agent did: a failure with one
# of them is a hazard worth acting on as soon as it recurs.
ENVIRONMENTAL = frozenset(
    {
        "command not found",
        "module not found",
        "permission denied",
        "network error",
        "a version mismatch",
        "an environment variable is not set",
        "a port already in use",
        "a resource limit",
    }
)
_EXIT_CODE = re.compile(r"^(?:Exit code:? |Process exited with code )(-?\d+)\s*$", re.M)


def without(text: str, noise: frozenset[str]) -> str:
    """The output without lines that the session printed on every command (a shell profile's
    complaint, a banner): they say nothing about this failure."""
    if not noise:
        return text
    return "\n".join(line for line in unescaped(text).splitlines() if line.strip() not in noise)


def says_anything(text: str) -> bool:
    """Whether the output holds more than the agent's framing (exit code, wall time)."""
    return any(line.strip() and not _NOISE_LINE.match(line.strip()) for line in unescaped(text).splitlines())


# What a test runner prints when tests fail (pytest, unittest, jest/vitest, go test, cargo test,
# ExUnit, TAP, RSpec, minitest): the tests did their job.
_RED_TESTS = re.compile(
    r"^\s*(?:FAILED |FAIL[: ]|--- FAIL:|not ok \d+|test result: FAILED|Tests?:\s+\d+ failed|"
    r"Assertion with .{1,12} failed|AssertionError|\d+ (?:failed|failing|failures?)\b|"
    r"=+ \d+ failed|\d+ examples?, \d+ failures?|\d+ tests?, \d+ failures?)",
    re.M,
)


def red_test_run(text: str) -> bool:
    return _RED_TESTS.search(unescaped(text)[:50_000]) is not None


def exit_code(text: str) -> int | None:
    """The exit status an agent reported with the output ("Exit code 1", Codex's "Exit code: 1")."""
    found = _EXIT_CODE.search(text[:400])
    return int(found.group(1)) if found else None


def unescaped(text: str) -> str:
    """Output that arrived JSON-escaped (a literal backslash-n between lines) split into real lines."""
    return text.replace("\\n", "\n") if text.count("\\n") > text.count("\n") else text


def telling_line(text: str) -> str:
    """The line that says what went wrong (the last telling line of a traceback, else the first)."""
    text = unescaped(text)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not _NOISE_LINE.match(line.strip())]
    telling = [line for line in lines if _TELLING.search(line)]
    if not telling:
        return lines[0] if lines else ""
    if any(line.lower().startswith("traceback") for line in telling):
        return telling[-1]
    return telling[0]


def signature(text: str) -> str:
    """A normalised, value-free form of the error, equal across sessions for the same failure."""
    line = telling_line(text[:20_000])
    for pattern, replacement in _SCRUBBERS:
        line = pattern.sub(replacement, line)
    return line.strip().lower()[:MAX_SIGNATURE_CHARS]


# Failures that say a command cannot run here at all (as opposed to running and finding a problem,
# such as failing tests): evidence that a lesson recommending the command is out of date.
CANNOT_RUN = frozenset({"command not found", "module not found", "missing target or config", "wrong usage"})


def cannot_run(text: str) -> bool:
    return error_class(text) in CANNOT_RUN


def error_class(text: str) -> str | None:
    for name, pattern in ERROR_CLASSES:
        if pattern.search(text[:20_000]):
            return name
    return None


def missing_program(text: str) -> str | None:
    """The program a shell could not find ("bash: line 1: jq: command not found" -> "jq")."""
    match = re.search(r"([\w.+-]+): (command )?not found", text) or re.search(
        r"'([\w.+-]+)' is not recognized as an internal or external", text
    )
    return match.group(1) if match else None


def phrase(text: str, limit: int = 80) -> str:
    """The telling line as a short quotable phrase: its own case and words, no paths, ids or times;
    empty when no line says what went wrong."""
    line = telling_line(text[:20_000])
    if not _TELLING.search(line):
        return ""
    for pattern, replacement in _SCRUBBERS[:5]:  # colours, urls, ids, times, paths; numbers stay
        line = pattern.sub(replacement, line)
    line = " ".join(line.split()).strip(" .:")
    clauses = line.split(": ")
    while len(line) > limit and len(clauses) > 1:  # "Error response from daemon: ...: port is allocated"
        clauses = clauses[1:]
        line = ": ".join(clauses)
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0] + " ..."
    return line


def cause_phrase(text: str, limit: int = 80) -> str:
    """The line that names the cause (the one its error class matched), as a short phrase."""
    found = error_class(text)
    pattern = dict(ERROR_CLASSES).get(found) if found else None
    if pattern is not None:
        for line in unescaped(text[:20_000]).splitlines():
            if pattern.search(line):
                return phrase(line, limit) or phrase(text, limit)
    return phrase(text, limit)


def reason(text: str) -> str:
    """What went wrong, for a statement: the error class, else the telling line quoted in its own
    words (never the lower-cased signature, never several lines)."""
    found = error_class(text)
    if found:
        return found
    quoted = phrase(text).replace('"', "'").replace("`", "'")
    return f'"{quoted}"' if quoted else "an error"


def describe(text: str) -> str:
    """A short phrase for statements: the error class, else the signature."""
    return error_class(text) or signature(text)[:80] or "an error"
