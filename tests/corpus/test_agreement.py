"""The agreement study of the corpus labels (``distill/reading/agreement.py``) and the ``kind`` of a
standing lesson. Hand-made turns only: the real labels are read by the corpus-marked test at the end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.distill.reading import agreement
from reverie.distill.reading.agreement import compare, draw, kappa, narrowed, second_labels
from reverie.distill.reading.corpus import KINDS, Quote, Turn, load_turns
from reverie.distill.reading.evaluate import score

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "turns"


def turn(number: int, label: str, text: str = "Fix the login page.", *lessons: Quote) -> Turn:
    return Turn(f"a-b#{number}", "a-b:1", number, "prompt", text, "", label, lessons)


def test_kappa_of_identical_labels_is_one() -> None:
    rows = [(label, label, 1.0) for label in ("task", "other", "standing_project", "task", "one_off")]
    assert kappa(rows) == pytest.approx(1.0)


def test_kappa_of_a_small_case_worked_by_hand() -> None:
    # Observed agreement 3/4; chance: first says s half the time, second a quarter, so
    # 0.5 * 0.25 + 0.5 * 0.75 = 0.5; kappa = (0.75 - 0.5) / (1 - 0.5) = 0.5.
    rows = [("s", "s", 1.0), ("s", "t", 1.0), ("t", "t", 1.0), ("t", "t", 1.0)]
    assert kappa(rows) == pytest.approx(0.5)
    # Weighted: the agreeing "t" rows count three times. Observed 7/8; first s 2/8, second s 1/8;
    # chance 2/8 * 1/8 + 6/8 * 7/8 = 44/64; kappa = (56/64 - 44/64) / (20/64) = 0.6.
    weighted = [("s", "s", 1.0), ("s", "t", 1.0), ("t", "t", 3.0), ("t", "t", 3.0)]
    assert kappa(weighted) == pytest.approx(0.6)


def test_kappa_is_zero_when_agreement_is_only_chance() -> None:
    rows = [("s", "s", 1.0), ("s", "t", 1.0), ("t", "s", 1.0), ("t", "t", 1.0)]
    assert kappa(rows) == pytest.approx(0.0)


def test_the_draw_is_seeded_stratified_and_blind() -> None:
    population = [turn(n, "standing_project" if n < 10 else "one_off" if n < 15 else "task") for n in range(60)]
    sizes = {"standing": 4, "one_off": 2, "rest": 6}
    first = draw(population, 11, sizes)
    assert [t.id for t in first] == [t.id for t in draw(population, 11, sizes)]
    assert [t.id for t in first] != [t.id for t in draw(population, 12, sizes)]
    drawn = [agreement.stratum(t.label) for t in first]
    assert (drawn.count("standing"), drawn.count("one_off"), drawn.count("rest")) == (4, 2, 6)
    assert set(agreement.blind(first[0])) == {"id", "channel", "before", "text"}


def test_sentence_agreement_is_read_both_ways_and_by_kind() -> None:
    text = "Always run mix format before committing. The default branch is master. Fix the login page."
    rule = Quote("Always run mix format before committing.", "standing_project", "", "instruction")
    branch = Quote("The default branch is master.", "standing_project", "", "fact")
    first = [turn(1, "standing_project", text, rule, branch), turn(2, "task"), turn(3, "task")]
    # The second labeller keeps the instruction and misses the fact.
    pairs = [(first[0], replace(first[0], lessons=(rule,))), (first[1], first[1])]
    result = compare(first, pairs)
    second_found = {row.kind: (row.raw_found, row.raw) for row in result.second_recalls_first}
    assert second_found == {"all": (1, 2), "instruction": (1, 1), "fact": (0, 1)}
    first_found = {row.kind: (row.raw_found, row.raw) for row in result.first_recalls_second}
    assert first_found == {"all": (1, 1), "instruction": (1, 1)}
    # The task stratum holds two turns of the population for its one drawn turn.
    assert result.weights == {"standing": 1.0, "rest": 2.0}
    assert result.kappa_labels == pytest.approx(1.0)


def test_a_narrower_guide_drops_requirements_and_their_turns_become_tasks() -> None:
    product = Quote("Users can craft their own gates.", "standing_project", "", "requirement")
    later = Quote("For now skip the tests.", "one_off", "")
    only_product = turn(1, "standing_project", "Users can craft their own gates.", product)
    assert narrowed(only_product, frozenset({"instruction", "fact"})).label == "task"
    assert narrowed(only_product, frozenset({"instruction", "fact"})).lessons == ()
    mixed = turn(2, "one_off", "For now skip the tests. Users can craft their own gates.", later, product)
    assert narrowed(mixed, frozenset({"instruction", "fact"})).lessons == (later,)
    assert narrowed(only_product, frozenset(KINDS)) is only_product


def test_second_labels_name_turns_of_the_first(tmp_path: Path) -> None:
    first = {"a-b#1": turn(1, "task")}
    path = tmp_path / "second.jsonl"
    path.write_text(json.dumps({"id": "a-b#9", "label": "task", "lessons": []}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a-b#9"):
        second_labels(path, first)
    path.write_text(json.dumps({"id": "a-b#1", "label": "other", "lessons": []}) + "\n", encoding="utf-8")
    [(kept, second)] = second_labels(path, first)
    assert (kept.label, second.label, second.text) == ("task", "other", kept.text)


def test_evaluate_counts_standing_recall_by_kind() -> None:
    rule = Quote("Always run mix format before committing.", "standing_project", "", "instruction")
    branch = Quote("The default branch is master, not main.", "standing_project", "", "fact")
    text = "Always run mix format before committing. The default branch is master, not main."
    *_, by_kind = score([turn(1, "standing_project", text, rule, branch)])
    assert {kind: total for kind, (_, total) in by_kind.items()} == {"instruction": 1, "fact": 1}
    assert all(0 <= kept <= total for kept, total in by_kind.values())


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_every_standing_lesson_of_the_corpus_has_a_kind_and_no_one_off_has_one(name: str) -> None:
    directory = CORPUS / name
    if not any(directory.glob("*.jsonl")):
        pytest.skip(f"corpus/turns/{name} is not present")
    lessons = [lesson for t in load_turns([directory]) for lesson in t.lessons]
    assert [q.quote for q in lessons if q.label.startswith("standing") and q.kind not in KINDS] == []
    assert [q.quote for q in lessons if q.label == "one_off" and q.kind is not None] == []
