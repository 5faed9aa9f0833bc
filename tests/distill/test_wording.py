"""Lesson wording: negation read one way, pronouns resolved, asides and politeness gone, paths as
code, and one key for the phrasings of one instruction."""

from __future__ import annotations

import pytest

from reverie.distill import wording
from reverie.distill.statements import parse_statements


def worded(text: str) -> str:
    (parsed,) = parse_statements(text, explicit=True)
    return parsed.statement.removeprefix("In this project: ")


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("nah, never commit vendor/ bundles ok (in this repo)", "Never commit `vendor/` bundles."),
        (
            "Keep out of third_party/, sync it with `make vendor` instead",
            "Do not edit `third_party/`, sync it with `make vendor` instead.",
        ),
        ("Strip the debug banners. We do not do that here.", "Strip the debug banners."),
        ("I really don't want Signed-off-by lines", "Avoid Signed-off-by lines."),
    ],
)
def test_negatives_read_one_way(text: str, statement: str) -> None:
    assert worded(text) == statement


def test_code_spans_and_bracketed_detail_are_kept_verbatim() -> None:
    statement = worded("always use `feat(scope): msg` style subjects (e.g. fix:, chore:) everywhere")
    assert "`feat(scope): msg`" in statement and "(e.g. fix:, chore:)" in statement
    assert "everywhere" not in statement.lower()


def test_asides_and_politeness_go() -> None:
    assert wording.strip_asides("pls, use uv (in this repo) thanks 🙏") == "use uv"


def test_bare_paths_become_code_but_words_with_slashes_do_not() -> None:
    assert wording.code_paths("edit src/gen/ and .env.local, not input/output") == (
        "edit `src/gen/` and `.env.local`, not input/output"
    )


def test_the_key_ignores_generic_verbs_politeness_and_case() -> None:
    first = wording.canonical_key("Never add Signed-off-by lines", negative=True)
    assert first == wording.canonical_key("never put signed-off-by lines", negative=True)
    assert first != wording.canonical_key("always add Signed-off-by lines", negative=False)
