"""Error signatures are equal across sessions for the same failure and differ for different ones."""

from __future__ import annotations

from reverie.distill import signatures


def test_the_same_failure_in_two_sessions_has_one_signature() -> None:
    first = "Exit code 127\n/bin/bash: line 1: jq: command not found"
    second = "Exit code 127\n/usr/bin/bash: line 3: jq: command not found"
    assert signatures.signature(first) == signatures.signature(second)
    assert signatures.signature(first) != signatures.signature(first.replace("jq", "yq"))


def test_values_of_one_session_are_scrubbed() -> None:
    text = (
        "Error: connect ECONNREFUSED 127.0.0.1:5432 at 2026-03-01T10:00:00Z "
        "(request 0f3c2a1b-9d4e-4f5a-8b6c-7d8e9f0a1b2c) in /tmp/build-81723/app.js"
    )
    signature = signatures.signature(text)
    assert "5432" not in signature and "0f3c2a1b" not in signature and "/tmp" not in signature
    assert "econnrefused" in signature


def test_the_telling_line_of_a_traceback_is_its_last() -> None:
    text = "Traceback (most recent call last):\n  File \"x.py\", line 1\nModuleNotFoundError: No module named 'yaml'"
    assert signatures.telling_line(text).startswith("ModuleNotFoundError")
    assert signatures.error_class(text) == "module not found"


def test_error_classes_and_missing_programs() -> None:
    assert signatures.error_class("fatal: The current branch x has no upstream branch.") == "no upstream branch"
    assert signatures.error_class("bash: del: command not found") == "command not found"
    assert signatures.missing_program("/usr/bin/bash: line 1: del: command not found") == "del"
    assert signatures.missing_program("'jq' is not recognized as an internal or external command") == "jq"
    assert signatures.error_class("everything is fine") is None
    assert signatures.describe("") == "an error"
