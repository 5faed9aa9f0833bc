"""The reading model's parts: features that hold for any phrasing, a deterministic trainer, a
shipped model that reads any input without crashing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reverie.distill.reading import train
from reverie.distill.reading.corpus import examples, fingerprint, load_turns, sentence_label
from reverie.distill.reading.features import Context, features
from reverie.distill.reading.model import LABELS, Model, Thresholds, Verdict, from_json, shipped
from reverie.distill.statements import parse_statements

TOY = Path(__file__).resolve().parents[1] / "fixtures" / "reading"


def shape(sentence: str, **context: object) -> set[str]:
    return {name for name in features(sentence, Context(**context)) if ":" not in name or name.startswith("imp:")}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence", ["Use ruff for linting.", "Please run mix format before every commit.", "ok so, keep the API stable"]
)
def test_a_sentence_that_opens_with_a_bare_verb_is_imperative(sentence: str) -> None:
    assert "imperative" in shape(sentence)


@pytest.mark.parametrize(
    "sentence", ["the default branch is master, not main", "Running the tests takes long.", "Should we use ruff?"]
)
def test_facts_gerunds_and_questions_are_not_imperative(sentence: str) -> None:
    assert "imperative" not in shape(sentence)


def test_cues_count_anywhere_in_the_sentence() -> None:
    found = shape("Run the formatter from now on, and always before each commit")
    assert {"from_now_on", "habitual", "imp+habitual"} <= found
    assert {"contrast", "copula"} <= shape("the default branch is master, not main")
    assert "purpose" in shape("Use ruff for linting.")


def test_where_the_sentence_stands_is_a_feature() -> None:
    found = set(features("pytest", Context(channel="answer", before="Which runner should I use?", position=1)))
    assert {"ch:answer", "after_question", "pos:later"} <= found
    assert "after_failure" in features("use python3", Context(before="bash: python: command not found"))


def test_a_sentence_takes_the_label_of_the_quote_it_holds() -> None:
    (turn,) = [turn for turn in load_turns([TOY]) if turn.id == "toy-a#2"]
    assert sentence_label("always run the linter before committing", turn.lessons) == "standing_project"
    assert sentence_label("fix the login page", turn.lessons) == "none"
    labels = {example.label for example in examples(load_turns([TOY]))}
    assert labels == set(LABELS)


def test_training_is_deterministic_and_records_what_it_was_trained_on(tmp_path: Path) -> None:
    first = train.train([TOY], method="logistic", log=lambda _line: None).as_json()
    second = train.train([TOY], method="logistic", log=lambda _line: None).as_json()
    assert json.dumps(first) == json.dumps(second)
    assert first["fingerprint"] == fingerprint([TOY]) and first["sentences"] == 8
    copy = tmp_path / "corpus"
    shutil.copytree(TOY, copy)
    assert fingerprint([copy]) == fingerprint([TOY])  # names and bytes, not where the files are
    (copy / "toy-a.jsonl").write_text((copy / "toy-a.jsonl").read_text() + "\n", encoding="utf-8")
    assert fingerprint([copy]) != fingerprint([TOY])


def test_the_trainer_writes_a_model_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    assert train.main([str(TOY), "--method", "bayes", "--out", str(out)]) == 0
    model = from_json(json.loads(out.read_text()))
    probabilities = model.read("never push to main directly", Context()).probabilities
    assert set(probabilities) == set(LABELS) and abs(sum(probabilities.values()) - 1) < 1e-9


def test_thresholds_order_the_verdicts() -> None:
    model = Model(labels=LABELS, bias={}, weights={}, thresholds=Thresholds(active=0.8, candidate=0.4, one_off=0.5))

    def verdict(project: float, one_off: float) -> Verdict:
        return model.verdict({"standing_project": project, "standing_global": 0.0, "one_off": one_off, "none": 0.0})

    assert verdict(0.9, 0.05) is Verdict.ACTIVE
    assert verdict(0.5, 0.1) is Verdict.CANDIDATE
    assert verdict(0.3, 0.6) is Verdict.ONE_OFF
    assert verdict(0.2, 0.2) is Verdict.NONE


def test_the_shipped_model_is_calibrated() -> None:
    model = shipped()
    assert model.labels == LABELS
    assert 0 < model.thresholds.candidate <= model.thresholds.active <= 1.01


HUGE = "please refactor the parser " * 40_000
CODE_ONLY = "```python\ndef f(x):\n    return x + 1\n```"
LOG = 'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\nValueError: never use None here'
OTHER_LANGUAGES = [
    "Про что проект и на каком этапе сейчас RAG?",
    "请一直使用 pnpm 而不是 npm",
    "Utilise toujours ruff.",
]


@pytest.mark.parametrize("text", [HUGE, CODE_ONLY, LOG, "", "   \n\n", "🙂🙂", "?", *OTHER_LANGUAGES])
def test_any_input_is_read_without_a_crash(text: str) -> None:
    found = parse_statements(text)
    assert all(parsed.statement.endswith(".") and "\n" not in parsed.statement for parsed in found)


@pytest.mark.parametrize("text", [CODE_ONLY, LOG])
def test_pasted_code_and_logs_are_not_instructions(text: str) -> None:
    assert parse_statements(text) == []


def test_the_shipped_model_reads_a_habit_and_from_now_on_anywhere_as_standing() -> None:
    """The measured failures of the old cue lists: "until" made a one-off, "from now on" counted only
    at the start. The grammar prior keeps these right whatever the corpus."""
    model = shipped()
    for sentence in ("Always wait until CI is green before merging", "run the formatter from now on, please"):
        reading = model.read(sentence, Context(position=1, sentences=2))
        assert reading.verdict in (Verdict.ACTIVE, Verdict.CANDIDATE), (sentence, reading.probabilities)
    reading = model.read("skip the slow tests just this once", Context(position=1, sentences=2))
    assert reading.probabilities["one_off"] > reading.standing
