"""Bad input in a person's turns: a sensible reading or none, never a crash, and the rest of the
session is still learned from. The reading here follows the grammar cues (``grammar_reader``), so
what is tested is the pipeline around the model; the model itself reads the same inputs in
``test_reading``."""

from __future__ import annotations

import pytest

from reverie.distill import distill
from reverie.domain.lessons import LessonStatus
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace

pytestmark = pytest.mark.usefixtures("grammar_reader")

HUGE = "please look at this\n" + ("never " + "x" * 190 + "\n") * 8_000
CODE = "```ts\nexport const never = () => { always(); };\n```"
LOG = "npm ERR! never gonna build\nError: Cannot find module 'x'\n    at Object.<anonymous> (/app/index.js:1:1)"
MIXED = "Add a retry to the upload job. Never commit the generated client, it is rebuilt in CI."
FOREIGN = "Никогда не используй npm, только pnpm. 请一直使用 pnpm。"
RULED = "Some rules for this repo:\n" + "- use pnpm, never " + "npm " * 140 + "\n" * 3 + "- x\n" * 20_000
NESTED = "no, use " + "(" * 5_000 + "pnpm" + ")" * 5_000


@pytest.mark.parametrize("bad", [HUGE, CODE, LOG, FOREIGN, RULED, NESTED, "", "\x00\x01", "?" * 5_000])
def test_a_bad_turn_is_survived_and_the_rest_of_the_session_is_learned(store: SQLiteStore, bad: str) -> None:
    Trace("s1").prompt("set up the project").run("ls").prompt(bad).prompt("never force-push to main").into(store)
    report = distill(store, now=NOW)
    assert not report.failures
    statements = [lesson.statement for lesson in store.lessons()]
    assert "In this project: Never force-push to main." in statements
    assert all("\n" not in statement and len(statement) <= 160 for statement in statements)


def test_a_task_and_an_instruction_in_one_turn_give_only_the_instruction(store: SQLiteStore) -> None:
    Trace("s1").prompt("hi").run("ls").prompt(MIXED).into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == "In this project: Never commit the generated client, it is rebuilt in CI."
    assert lesson.status is LessonStatus.ACTIVE
    assert "retry" not in lesson.statement
