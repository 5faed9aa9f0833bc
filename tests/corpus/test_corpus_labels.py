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
        for line in path.read_text(encoding="utf-8").split("\n"):
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


WRITTEN = TURNS.parent / "written"


def test_every_written_set_parses_and_quotes_its_turns() -> None:
    """The team-written probe sets (``corpus/written``) keep the same promises: `reverie eval --real` reads
    each one, and every quote is the exact words of its turn."""
    sets = sorted(path for path in WRITTEN.iterdir() if path.is_dir())
    assert len(sets) >= 20
    for folder in sets:
        assert load(folder), folder.name
        for path in sorted(folder.glob("*.jsonl")):
            for line in filter(str.strip, path.read_text(encoding="utf-8").split("\n")):
                row = json.loads(line)
                assert all(str(lesson["quote"]) in str(row["text"]) for lesson in row["lessons"]), row["id"]
