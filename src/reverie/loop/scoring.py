"""The score: what the check command says about the workspace after a run.

The check (``make test``, ``pytest -q``, ``npm test``, ...) is the world's verdict, so the loop
trusts it over anything the agent says. Its exit code decides pass or fail; its output is read for
counts and for the names of failing tests, which become open items in the ledger. The parsers
recognise the summary and failure lines that common runners print by default (pytest, jest,
vitest, go test, cargo test); they never fail: output they do not recognise leaves only the exit
code, and a failing check with no names still counts as one open item.

For each failing test the parsers also keep its *reason*: the first assertion or error line the
runner printed for it ("assert -1 == 5", "got 3, want 5", "Expected: 5 Received: -1"). That is what a
person (and the next run) needs to hear, not the runner's or make's closing line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reverie.distill import signatures
from reverie.loop import reasons

MAX_FAILING_NAMES = 50  # a check that fails 5,000 tests is one blocker, not 5,000 tasks
MAX_NAME_CHARS = 200
TAIL_CHARS = 2_000
_SCANNED_CHARS = 2_000_000  # the parsers read at most this much of a runaway output

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# One name per failing test, by runner. Each pattern captures the test's name in group 1.
_FAILING_NAME_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?:FAILED|ERROR) (\S+::\S+|\S+\.py)(?: - .*)?$"),  # pytest short summary
    re.compile(r"^\s*--- FAIL: (\S+)"),  # go test -v
    re.compile(r"^test (\S+) \.\.\. FAILED$"),  # cargo test
    re.compile(r"^\s*\u25cf (.+? \u203a .+)$"),  # jest: a bullet, then "Suite", an angle quote, "test"
    re.compile(r"^\s*(?:FAIL|\u00d7|\u2717|\u276f)\s+(\S+\.(?:[cm]?[jt]sx?) > .+?)(?: \d+ms)?$"),  # vitest
)

# Summary lines with counts, by runner. Named groups ``failed`` and ``passed``.
_COUNT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?:=+ )?(?P<body>\d+ (?:passed|failed|errors?)\b.*) in [\d.]+s"),  # pytest (-q drops the =)
    re.compile(r"^Tests:\s+(?P<body>.*\btotal)$"),  # jest
    re.compile(r"^\s*Tests\s+(?P<body>.*(?:passed|failed).*)\(\d+\)$"),  # vitest
    re.compile(r"^test result: \w+\. (?P<body>.*)$"),  # cargo test (one line per test binary)
)
_COUNT = re.compile(r"(\d+) (passed|failed|errors?)\b")
_GO_COUNTS = re.compile(r"^\s*--- (PASS|FAIL): ")


@dataclass(frozen=True, slots=True)
class TestCounts:
    __test__ = False  # not a pytest test class, whatever its name says

    passed: int | None = None
    failed: int | None = None
    failing: tuple[str, ...] = ()  # names of failing tests, when the runner printed them
    reasons: tuple[str, ...] = ()  # the first assertion of each failing test ("" when none was printed)


@dataclass(frozen=True, slots=True)
class CheckResult:
    command: str
    exit_code: int | None  # None when the check did not finish (timed out, could not start)
    passed_count: int | None
    failed_count: int | None
    failing: tuple[str, ...]
    signature: str  # the check's error signature: equal across runs when it fails the same way
    tail: str  # the end of its output, for the person reading the ledger
    timed_out: bool = False
    reasons: tuple[str, ...] = ()  # aligned with ``failing``: each test's first assertion, or ""

    @property
    def passed(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    @property
    def open_items(self) -> int:
        """What is left to fix by this check's account: named failures, else the count, else one."""
        if self.passed:
            return 0
        return max(len(self.failing), self.failed_count or 0, 1)

    def describe(self) -> str:
        if self.timed_out:
            return "timed out"
        verdict = "passes" if self.passed else "fails"
        counts = ", ".join(
            f"{number} {word}"
            for number, word in ((self.failed_count, "failed"), (self.passed_count, "passed"))
            if number is not None
        )
        return f"{verdict} (exit {self.exit_code}{'; ' + counts if counts else ''})"

    def failures(self) -> list[str]:
        """Each failing test with its reason, as a person reads it: "test_add (assert -1 == 5)"."""
        padded = (*self.reasons, *([""] * len(self.failing)))
        return [f"{name} ({why})" if why else name for name, why in zip(self.failing, padded, strict=False)]

    def reason_of(self, name: str) -> str:
        padded = (*self.reasons, *([""] * len(self.failing)))
        return dict(zip(self.failing, padded, strict=False)).get(name, "")


def score(command: str, exit_code: int | None, output: str, *, timed_out: bool = False) -> CheckResult:
    counts = parse_test_output(output)
    return CheckResult(
        command=command,
        exit_code=exit_code,
        passed_count=counts.passed,
        failed_count=counts.failed,
        failing=counts.failing,
        signature="" if exit_code == 0 else _signature(counts, output),
        tail=output[-TAIL_CHARS:],
        timed_out=timed_out,
        reasons=counts.reasons,
    )


def _signature(counts: TestCounts, output: str) -> str:
    """Equal across runs when the check fails the same way: the failing tests and their first
    assertions when the runner named them, else the output's telling line."""
    if counts.failing:
        named = "; ".join(f"{n}: {r}" if r else n for n, r in zip(counts.failing, counts.reasons, strict=False))
        return signatures.signature(named) or named[:200]
    return signatures.signature(output)


def parse_test_output(output: str) -> TestCounts:
    """Counts and failing names from whatever the common runners printed; empty when unrecognised."""
    lines = _ANSI.sub("", output[-_SCANNED_CHARS:]).splitlines()
    failing = _failing_names(lines)
    passed, failed = _summary_counts(lines)
    if passed is None and failed is None:
        passed, failed = _go_counts(lines)
    if failed is None and failing:
        failed = len(failing)
    return TestCounts(passed=passed, failed=failed, failing=failing, reasons=reasons.first_assertions(lines, failing))


def _failing_names(lines: list[str]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for line in lines:
        for pattern in _FAILING_NAME_PATTERNS:
            match = pattern.match(line.rstrip())
            if match:
                names[match.group(1).strip()[:MAX_NAME_CHARS]] = None
                break
        if len(names) >= MAX_FAILING_NAMES:
            break
    return tuple(names)


def _summary_counts(lines: list[str]) -> tuple[int | None, int | None]:
    """Sums over every summary line (cargo prints one per test binary); None where none was seen."""
    passed: int | None = None
    failed: int | None = None
    for line in lines:
        for pattern in _COUNT_PATTERNS:
            match = pattern.match(line.rstrip())
            if not match:
                continue
            for number, word in _COUNT.findall(match.group("body")):
                if word == "passed":
                    passed = (passed or 0) + int(number)
                else:
                    failed = (failed or 0) + int(number)
            passed = passed if passed is not None else 0
            failed = failed if failed is not None else 0
            break
    return passed, failed


def _go_counts(lines: list[str]) -> tuple[int | None, int | None]:
    outcomes = [match.group(1) for line in lines if (match := _GO_COUNTS.match(line))]
    if not outcomes:
        return None, None
    return outcomes.count("PASS"), outcomes.count("FAIL")
