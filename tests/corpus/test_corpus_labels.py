"""The labelled turns themselves (``corpus/turns``): what corpus/README.md promises of every lesson.

A lesson's ``quote`` is the person's exact words, and the optional ``kind`` of a standing lesson says
what it is about (how to work, a fact of the setup, or a requirement of the product); one-offs have none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reverie.evals.corpus import STANDING, load

pytestmark = pytest.mark.corpus

TURNS = Path(__file__).resolve().parents[2] / "corpus" / "turns"
KINDS = {"instruction", "fact", "requirement"}


def lessons() -> list[tuple[str, str, dict[str, object]]]:
    if not any(TURNS.glob("*/*.jsonl")):
        pytest.skip("corpus/turns is not present")
    found = []
    for path in sorted(TURNS.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found.extend((str(row["id"]), str(row["text"]), lesson) for lesson in row["lessons"])
    return found


def test_every_turn_file_parses_as_the_eval_reads_it() -> None:
    if not any(TURNS.glob("*/*.jsonl")):
        pytest.skip("corpus/turns is not present")
    assert load(TURNS)


def test_every_quote_is_the_persons_exact_words() -> None:
    assert [turn for turn, text, lesson in lessons() if str(lesson["quote"]) not in text] == []


def test_a_kind_is_one_of_three_and_only_on_standing_lessons() -> None:
    wrong = [
        turn
        for turn, _, lesson in lessons()
        if "kind" in lesson and (lesson["kind"] not in KINDS or lesson["label"] not in STANDING)
    ]
    assert wrong == []
