"""Lesson wording: clean instructions in the person's own key terms, one key per instruction,
scope cues read as scope, and fragments, questions, bug reports and pastes never becoming lessons."""

from __future__ import annotations

import pytest

from reverie.distill.statements import parse_statements
from reverie.domain.lessons import ScopeLevel


def only(text: str):  # type: ignore[no-untyped-def]
    found = parse_statements(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("nah, never commit vendor/ bundles ok (in this repo)", "In this project: Never commit `vendor/` bundles."),
        (
            "assets/compiled/ is generated, never edit it",
            "In this project: Never edit `assets/compiled/`; it is generated.",
        ),
        (
            "Hands off third_party/, sync it with `make vendor` instead",
            "In this project: Do not edit `third_party/`; sync it with `make vendor` instead.",
        ),
        ("pls dont print stack traces to stdout, thx", "In this project: Do not print stack traces to stdout."),
        (
            "No `TODO` comments in merged code - I don't like that.",
            "In this project: Avoid `TODO` comments in merged code.",
        ),
        ("Strip the debug banners. We do not do that here.", "In this project: Avoid the debug banners."),
        ("NEVR hardcode the region in the handlers", "In this project: Never hardcode the region in the handlers."),
        ("I told you last time, don't bump the lockfile by hand", "In this project: Do not bump the lockfile by hand."),
    ],
)
def test_statements_read_as_clean_instructions(text: str, statement: str) -> None:
    assert only(text).statement == statement


def test_code_spans_and_bracketed_detail_are_kept_verbatim() -> None:
    parsed = only("always use `feat(scope): msg` style subjects (e.g. fix:, chore:) everywhere")
    assert parsed.scope is ScopeLevel.GLOBAL
    assert "`feat(scope): msg`" in parsed.statement and "(e.g. fix:, chore:)" in parsed.statement
    assert "everywhere" not in parsed.statement.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Never add Signed-off-by lines in all my projects.",
        "no signed-off-by lines, no matter the project",
        "In any repo: don't put Signed-off-by lines",
        "everywhere pls: without `Signed-off-by` lines 🙏",
    ],
)
def test_a_cue_for_every_project_is_scope_not_wording(text: str) -> None:
    parsed = only(text)
    assert parsed.scope is ScopeLevel.GLOBAL
    assert not parsed.statement.startswith("In this project")
    lowered = parsed.statement.lower()
    assert "signed-off-by" in lowered and not any(
        cue in lowered for cue in ("all my", "matter", "any repo", "everywhere")
    )


def test_phrasings_of_one_instruction_share_one_key() -> None:
    phrasings = [
        "Never add Signed-off-by lines.",
        "pls, no `Signed-off-by` lines",
        "don't put signed-off-by lines, thanks",
        "I really don't want Signed-off-by lines",
        "again: without Signed-off-by lines!",
    ]
    keys = {only(text).key for text in phrasings}
    assert len(keys) == 1, keys


def test_different_instructions_about_one_thing_keep_different_keys() -> None:
    assert only("never edit the schema dump").key != only("always edit the schema dump").key
    assert only("don't edit `gen/`").key != only("don't delete `gen/`").key


@pytest.mark.parametrize(
    "text",
    [
        "Never edit it.",
        "don't touch that",
        "never edit by hand",
        "CI is failing again: can you look.",
        "the nightly build keeps failing, could you check why",
        "why does it never finish? always the same timeout",
        "can you never mind the previous ask?",
        "ok thanks",
    ],
)
def test_fragments_questions_and_bug_reports_are_not_lessons(text: str) -> None:
    assert parse_statements(text) == []


def test_pasted_logs_and_code_blocks_inside_a_longer_prompt_are_not_read() -> None:
    text = (
        "The deploy broke again, here is the output:\n"
        "```\nERROR: never retry on 503\nWARN always set DEBUG=1\n```\n"
        "2024-05-01T10:00:00Z worker-1 never restart the pod\n"
        "    # don't edit below this line\n"
        "can you take a look?\n"
    )
    assert parse_statements(text) == []


def test_an_instruction_embedded_in_a_longer_request_is_found_alone() -> None:
    text = (
        "Could you look at the flaky login test and fix it?\n"
        "Also, from now on, don't mock the database in integration tests.\n"
        "Thanks!"
    )
    parsed = only(text)
    assert parsed.statement == "In this project: Do not mock the database in integration tests."
