"""What waits for a person's review: never a pick among options, a bug seen now, the next step of the
work or a courtesy (``distill.reviewable``), whatever the reading model made of it."""

from __future__ import annotations

import pytest

from reverie.distill.reviewable import worth_review
from reverie.distill.statements import Strength, parse_statements


@pytest.mark.parametrize(
    "sentence",
    [
        "Option 1.",
        "3 for sure.",
        "2, hard-coded for now.",
        "The first.",
        "The settle CLI always exits 0, even when a batch fails.",
        "Hmm, the banner always says '0 days left' for Enterprise clinics.",
        "cart badge in the header never updates when you add something, only after a reload.",
        "now add a DAG that builds the mart every morning",
        "then fix the factory so every product gets a default price tier",
        "Don't stop until every endpoint has a test and the suite is green.",
        "keep going until the linter is clean",
        "Sure, carry on with the remaining migrations.",
        "Once that's in, keep going with the rest of the list.",
        "You can continue until the migration runs on a copy of prod without errors.",
        "Have a good weekend!",
        "Thank you so much for your patience, this has been most helpful.",
        "Long day.",
        "best night ever",
        "are we using hardcoded colours outside src/theme/colors.ts",
        "what is 2>&1 meaning",
        "150 | logger.info(`Configuration loaded`, { count });",
        "rejected_by_rule_6 = bldtestdec_dat.is_not_null() & (",
        "Uncaught (in promise) ReferenceError: canvasTransforms is not defined",
        "[Usage](https://aider.chat/docs/usage.html)",
        "/architect create a template project we discussed",
    ],
)
def test_what_cannot_be_a_lesson_is_not_worth_review(sentence: str) -> None:
    assert not worth_review(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "3 retries at most for the payment webhook.",
        "2, one discount per order.",
        "Keep it in polars.",
        "Samples from the same participant are never independent in this cohort.",
        "keys are in .env.local which never gets committed",
        "The timeline must always show the newest event on top.",
        "Use ruff.",
        "Always wait until CI is green before merging.",
        "Never proceed with a deploy while the build is red.",
        "PostgreSQL (production-grade)",
        "请确保修改后的代码保持类型提示的完整性。",
        "When the switch is on, show only service orders.",
        "can you use korean",
        "for a failure like `AssertionError: 'x' != '(anonymous)'` name the function x",
        "(But I don't want a lot of nested if-else, make it modular)",
        "It's https://llm-guard.onrender.com",
    ],
)
def test_what_may_be_a_lesson_is(sentence: str) -> None:
    assert worth_review(sentence)


def test_a_pick_the_model_is_unsure_of_never_reaches_the_queue() -> None:
    found = parse_statements("1 for now.", channel="answer", before="Which one: 1. a cron job, 2. a queue?")
    assert all(p.strength is not Strength.CORRECTION for p in found)


@pytest.mark.parametrize(
    "text", ["这个接口是同步的吗\uff1f", "运行完之后没有任何显示是正常的吗", "これで合っていますか"]
)
def test_a_chinese_or_japanese_question_is_not_a_lesson(text: str) -> None:
    assert not worth_review(text)


@pytest.mark.parametrize("text", ["用中文回答吧", "既存のファイルは上書きするな", "有不确定的地方请你询问我"])
def test_a_chinese_or_japanese_instruction_is(text: str) -> None:
    assert worth_review(text)
