"""The reading model's parts: features that hold for any phrasing, a deterministic trainer, a
shipped model that reads any input without crashing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reverie.distill.reading import calibrate, learn, train
from reverie.distill.reading import features as reading_features
from reverie.distill.reading.corpus import Example, examples, fingerprint, load_rules, load_turns, sentence_label
from reverie.distill.reading.evaluate import rule_sentences
from reverie.distill.reading.features import Context, features
from reverie.distill.reading.model import LABELS, Model, Thresholds, Verdict, from_json, shipped
from reverie.distill.statements import Strength, parse_statements
from reverie.domain.lessons import ScopeLevel

TOY = Path(__file__).resolve().parents[1] / "fixtures" / "reading"
RULES = Path(__file__).resolve().parents[1] / "fixtures" / "reading-rules"


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


# A terminal UI copied with its frame: what the agent's screen said, not the person
TERMINAL = "╭──────────────╮\n│ // Never edit the generated client, regenerate it. │\n╰──────────────╯"


@pytest.mark.parametrize("text", [CODE_ONLY, LOG, TERMINAL])
def test_pasted_code_and_logs_are_not_instructions(text: str) -> None:
    assert parse_statements(text) == []


def test_a_terminal_frame_is_not_the_persons_words() -> None:
    from reverie.distill.reading.sentences import prose_sentences

    assert prose_sentences(f"{TERMINAL}\nAlways regenerate the client after a schema change.") == [
        "Always regenerate the client after a schema change."
    ]


def test_a_habit_and_from_now_on_anywhere_are_standing_and_just_this_once_is_not() -> None:
    """The measured failures of the old cue lists: "until" made a one-off, "from now on" counted only
    at the start. Grammar (``lasting``) reads these whatever the model learnt from the corpus."""
    for sentence in ("Always wait until CI is green before merging", "run the formatter from now on, please"):
        (statement,) = parse_statements(sentence)
        assert statement.strength is Strength.EXPLICIT and statement.scope is ScopeLevel.PROJECT, sentence
    (statement,) = parse_statements("skip the slow tests just this once")
    assert statement.strength is Strength.ONE_OFF and statement.scope is ScopeLevel.SESSION


# The shapes that generalise (reading/shapes.py): each holds for any wording of its kind. They are off in
# the shipped features (cross-validation did not support them on the grown dev split); these tests turn
# them on, as `train --shapes` does.


@pytest.fixture
def with_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_features, "GENERALISING", True)


@pytest.mark.parametrize(
    "sentence",
    ["When you add a route, update the docs.", "If the build fails, run the cleaner first", "Before merging, rebase"],
)
def test_a_rule_for_a_kind_of_situation_is_conditional(sentence: str, with_shapes: None) -> None:
    assert {"conditional", "conditional+imp"} <= shape(sentence)


def test_a_condition_without_a_rule_after_it_is_not_conditional(with_shapes: None) -> None:
    assert "conditional" not in shape("when I click save it crashes")
    assert "conditional" not in shape("Add a route, then update the docs")


@pytest.mark.parametrize("sentence", ["make sure each file ends with a newline", "Be sure to log errors", "ensure it"])
def test_make_sure_and_its_kin_are_one_shape(sentence: str, with_shapes: None) -> None:
    assert "ensure" in shape(sentence)


def test_a_modal_says_whom_it_binds(with_shapes: None) -> None:
    assert "obliges:we" in features("we should keep the API stable", Context())
    assert "obliges:you" in features("you must run the migrations first", Context())
    assert "obliges:generic" in features("each rule should be its own file", Context())
    assert "obliges:deictic" in features("it should be faster", Context())
    assert "obliges:i" in features("I need to leave soon", Context())
    assert not [name for name in features("we have a cat", Context()) if name.startswith("obliges:")]


def test_facts_about_how_a_project_is_kept(with_shapes: None) -> None:
    assert {"generic_subject", "location"} <= shape("Tests go in tests/unit, not next to the code")
    assert "generic_subject" in shape("rules should be cursor rules")
    assert "generic_subject" not in shape("Process the files")  # a verb ending in -s, then an object
    assert "we_verb" in shape("we deploy with fly, not heroku")
    assert "we_verb" not in shape("we are done")
    assert "i_want" in shape("I'd like to use pnpm")
    assert "prefer" in shape("Prefer small functions")


def test_future_and_requests_are_told_apart(with_shapes: None) -> None:
    assert "future" in shape("next time ask before deleting anything")
    assert "future" in shape("whenever the schema changes, regenerate the types")
    assert "request" in shape("can you fix the header")
    assert "request" in shape("help me push this to github")
    assert "request" not in shape("keep the header fixed")


# The auxiliary corpus (corpus/rules/): labelled sentences without a session around them.


def test_rules_are_read_without_a_context_and_provenance_is_not_a_sentence() -> None:
    found = load_rules([RULES])
    assert [example.turn_id for example in found][:2] == ["toy-rules#1", "toy-rules#2"] and len(found) == 6
    assert all(example.context is None for example in found)
    assert {example.label for example in found} == {"standing_project", "standing_global", "none"}
    read = features(found[0].sentence, found[0].context)
    assert [name for name in read if name.startswith(("ch:", "pos:", "turn:"))] == []  # no place it never had


def test_a_rule_with_an_unknown_label_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"id": "bad#1", "sentence": "x", "label": "task"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown label"):
        load_rules([tmp_path])


def test_the_fingerprint_covers_the_auxiliary_files(tmp_path: Path) -> None:
    assert fingerprint([TOY], []) == fingerprint([TOY])
    assert fingerprint([TOY], [RULES]) != fingerprint([TOY])
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    assert fingerprint([TOY], [copy]) == fingerprint([TOY], [RULES])
    (copy / "toy-rules.jsonl").write_text((copy / "toy-rules.jsonl").read_text() + "\n", encoding="utf-8")
    assert fingerprint([TOY], [copy]) != fingerprint([TOY], [RULES])


def test_training_with_rules_scores_only_session_sentences_and_says_so() -> None:
    model = train.train([TOY], aux=[RULES], aux_weight=1.0, method="logistic", log=lambda _line: None)
    assert model.meta["sentences"] == 8  # the session sentences; the rules are never a test
    assert model.meta["fingerprint"] == fingerprint([TOY], [RULES]) or "aux" not in model.meta
    names = set(model.meta["cross_validation"])
    assert names == {"logistic", "logistic+aux1", "logistic+aux-shape1"}
    chosen = train.Candidate("logistic", 1.0)
    scored = calibrate.out_of_fold(
        train.samples(examples(load_turns([TOY]))),
        calibrate.folds(examples(load_turns([TOY])), train.FOLDS),
        lambda data, weights: chosen.fit(data, train.samples(load_rules([RULES])), weights),
    )
    assert len(scored) == 8


def test_a_sample_weight_moves_the_model_towards_that_sample() -> None:
    data = train.samples(examples(load_turns([TOY])))
    rule = train.samples(load_rules([RULES]))[3]  # "When you add a route, update the docs." standing
    light = learn.logistic([*data, rule], sample_weights=[1.0] * len(data) + [0.05])
    heavy = learn.logistic([*data, rule], sample_weights=[1.0] * len(data) + [3.0])
    assert heavy.probabilities(rule[0])["standing_project"] > light.probabilities(rule[0])["standing_project"]


def test_the_active_threshold_needs_more_support_as_the_corpus_grows() -> None:
    assert calibrate.active_support(44) == 5
    assert calibrate.active_support(300) == 30

    def corpus(positives: int) -> list[calibrate.Scored]:
        top = [({"standing_project": 0.99, "standing_global": 0.0, "one_off": 0.0, "none": 0.01}, "standing_project")]
        low = [({"standing_project": 0.04, "standing_global": 0.0, "one_off": 0.0, "none": 0.96}, "standing_project")]
        rest = [({"standing_project": 0.05, "standing_global": 0.0, "one_off": 0.0, "none": 0.95}, "none")]
        return top * 10 + low * (positives - 10) + rest * 500

    assert calibrate.thresholds(corpus(40)).active < calibrate.NEVER  # ten sure hits over 40: enough
    assert calibrate.thresholds(corpus(300)).active == calibrate.NEVER  # ten over 300: not enough


def test_the_shapes_are_off_in_the_shipped_features() -> None:
    assert "conditional" not in shape("When you add a route, update the docs.")


def test_rule_file_sentences_are_read_as_if_typed() -> None:
    rules = [
        Example("a#1", "Use **uv** (not pip/pipx/poetry).", None, "standing_project"),
        Example("a#2", "This repository contains the CLI and its docs.", None, "none"),
    ]
    assert rule_sentences(rules) == {(True, Verdict.ACTIVE): 1, (False, Verdict.NONE): 1}


def test_words_of_every_alphabet_are_tokens_and_ideographs_one_each() -> None:
    assert reading_features.tokens("Réponds toujours en français, für alle") == [
        "réponds",
        "toujours",
        "en",
        "français",
        "für",
        "alle",
    ]
    assert reading_features.tokens("Не змінюй міграції") == ["не", "змінюй", "міграції"]  # noqa: RUF001
    assert reading_features.tokens("不要改 `a.py`") == ["不", "要", "改", "<code>"]


def test_the_converged_fit_is_deterministic_and_fits_what_it_was_shown() -> None:
    data = train.samples(examples(load_turns([TOY])))
    first, second = learn.converged(data, c=10.0), learn.converged(data, c=10.0)
    assert first.weights == second.weights and first.bias == second.bias
    for active, gold in data:  # a weak penalty: every training sentence reads as its own label
        probabilities = first.probabilities(active)
        assert max(probabilities, key=lambda label: probabilities[label]) == gold


def test_a_prior_holds_where_the_data_says_nothing() -> None:
    data = train.samples(examples(load_turns([TOY])))
    model = learn.converged(data, prior={"unseen-shape": {"one_off": 2.0}})
    assert model.weights["unseen-shape"]["one_off"] == pytest.approx(2.0, abs=1e-4)
    assert model.weights["unseen-shape"]["none"] == pytest.approx(0.0, abs=1e-4)


def test_folds_never_split_one_repository_across_its_files() -> None:
    found = [
        Example(f"{slug}#1", "Use ruff.", Context(), "standing_project", group=repo)
        for slug, repo in [("a-one", "a/x"), ("a-two", "a/x"), ("b-one", "b/y"), ("c-one", "c/z"), ("a-three", "a/x")]
    ]
    groups = calibrate.folds(found, 5)
    assert len(groups) == 3  # three repositories, however many files
    assert sorted(next(group for group in groups if 0 in group)) == [0, 1, 4]
    (turn,) = [turn for turn in load_turns([TOY]) if turn.id == "toy-a#2"]
    assert turn.repository == "toy/toy-a"  # from its source, "toy/toy-a:history.md"
    assert {example.group for example in examples([turn])} == {"toy/toy-a"}


def test_no_repository_counts_for_more_than_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(train, "PERSON_CAP", 2)
    found = [Example(f"s#{n}", "Use ruff.", Context(), "none", group=repo) for n, repo in enumerate("aaaab")]
    assert train.person_weights(found) == [0.5, 0.5, 0.5, 0.5, 1.0]


def test_reading_with_another_model_holds_inside_the_block_only() -> None:
    """Cross-validation replays a session with the model that never saw its repository (``evals.unseen``)."""
    from reverie.distill.reading.model import LABELS, Model, Thresholds, in_use, reading_with, shipped
    from reverie.distill.statements import Strength, parse_statements

    sure = Model(
        LABELS, {"standing_project": 9.0, "standing_global": 0.0, "one_off": 0.0, "none": 0.0}, {}, Thresholds()
    )
    remark = "The weather in the office is grey."
    assert parse_statements(remark) == []
    with reading_with(sure):
        assert in_use() is sure
        (read,) = parse_statements(remark)
        assert read.strength is Strength.EXPLICIT
    assert in_use() is shipped() and parse_statements(remark) == []


def test_a_line_separator_inside_a_turns_text_is_text(tmp_path: Path) -> None:
    """JSON Lines end at a newline only; U+2028 and a form feed are characters of the text (a Copilot export)."""
    row = {"id": "x#1", "session": "x:1", "turn": 1, "text": "Use uv.\u2028Never pip.\x0c", "label": "standing_project"}
    (tmp_path / "x.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    (turn,) = load_turns([tmp_path])
    assert turn.text == "Use uv.\u2028Never pip.\x0c"
