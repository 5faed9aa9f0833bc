"""The check's verdict: counts and failing names from common runners, and nothing invented from the rest."""

from __future__ import annotations

from reverie.loop.scoring import MAX_FAILING_NAMES, parse_test_output, score

PYTEST = """\
tests/test_a.py .F.                                                      [100%]
=================================== FAILURES ===================================
=========================== short test summary info ============================
FAILED tests/test_a.py::test_two - assert 1 == 2
ERROR tests/test_b.py::test_setup - RuntimeError: boom
==================== 1 failed, 2 passed, 1 error in 0.12s =====================
"""
JEST = """\
FAIL src/sum.test.js
  \u25cf math \u203a adds numbers

    expect(received).toBe(expected)
Tests:       1 failed, 4 passed, 5 total
"""
VITEST = """\
 \u00d7 src/sum.test.ts > math > adds numbers 3ms
 FAIL  src/sum.test.ts > math > adds numbers
 Tests  1 failed | 2 passed (3)
"""
GO = """\
=== RUN   TestAdd
--- FAIL: TestAdd (0.00s)
    sum_test.go:9: got 3
=== RUN   TestSub
--- PASS: TestSub (0.00s)
FAIL
FAIL\texample.com/sum\t0.002s
"""
CARGO = """\
running 3 tests
test tests::adds ... FAILED
test tests::subs ... ok
test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
   Doc-tests sum
test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
"""


def test_pytest() -> None:
    counts = parse_test_output(PYTEST)
    assert counts.failing == ("tests/test_a.py::test_two", "tests/test_b.py::test_setup")
    assert (counts.passed, counts.failed) == (2, 2)


def test_jest() -> None:
    counts = parse_test_output(JEST)
    assert counts.failing == ("math \u203a adds numbers",) and (counts.passed, counts.failed) == (4, 1)


def test_vitest() -> None:
    counts = parse_test_output(VITEST)
    assert counts.failing == ("src/sum.test.ts > math > adds numbers",)
    assert (counts.passed, counts.failed) == (2, 1)


def test_go_test() -> None:
    counts = parse_test_output(GO)
    assert counts.failing == ("TestAdd",) and (counts.passed, counts.failed) == (1, 1)


def test_cargo_sums_every_test_binary() -> None:
    counts = parse_test_output(CARGO)
    assert counts.failing == ("tests::adds",) and (counts.passed, counts.failed) == (3, 1)


def test_unknown_output_gives_no_counts_and_the_exit_code_decides() -> None:
    assert parse_test_output("make: *** [all] Error 2\n\x00\xff garbage") == parse_test_output("")
    result = score("make", 2, "make: *** [all] Error 2")
    assert not result.passed and result.open_items == 1 and result.failing == ()
    assert result.describe() == "fails (exit 2)"


def test_a_passing_check_has_no_open_items_and_no_signature() -> None:
    result = score("pytest", 0, PYTEST)
    assert result.passed and result.open_items == 0 and result.signature == ""


def test_a_timed_out_check_does_not_pass() -> None:
    result = score("pytest", None, "", timed_out=True)
    assert not result.passed and result.describe() == "timed out" and result.open_items == 1


def test_a_huge_failing_output_keeps_a_bounded_list_of_names() -> None:
    output = "".join(f"FAILED tests/test_x.py::test_{n} - boom\n" for n in range(5_000))
    output += "===== 5000 failed in 9.00s =====\n"
    result = score("pytest", 1, output)
    assert len(result.failing) == MAX_FAILING_NAMES and result.failed_count == 5000 and result.open_items == 5000
    assert len(result.tail) <= 2_000


def test_colours_are_ignored() -> None:
    assert parse_test_output("\x1b[31mFAILED tests/t.py::test_x\x1b[0m - x\n").failing == ("tests/t.py::test_x",)
