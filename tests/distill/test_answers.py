"""An answer to the agent's question is a lesson only when the question asks how the project works."""

from __future__ import annotations

import pytest

from reverie.distill import distill
from reverie.distill.answers import convention
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW
from tests.distill.trace import Trace


@pytest.mark.parametrize(
    ("question", "answer", "statement"),
    [
        ("Which package manager should we use?", "pnpm", "Use pnpm as the package manager."),
        (
            "What test runner do you want me to use for this project?",
            "vitest (Recommended)",
            "Use vitest as the test runner.",
        ),
        ("Which database should the app use?", "PostgreSQL", "Use PostgreSQL as the database."),
        ("Which linters should we set up?", "ruff + mypy", "Set up ruff + mypy as the linters."),
        # the short forms a planning interview asks
        (
            "What database for storing metadata & chunk text?",
            "PostgreSQL (production-grade)",
            "Use PostgreSQL (production-grade) as the database for storing metadata & chunk text.",
        ),
        ("What is your preferred backend language/stack?", "Rust", "Use Rust as the backend language."),
        ("Which test framework?", "pytest", "Use pytest as the test framework."),
        ("Q: 10. What is your preferred backend language/stack?", "Go", "Use Go as the backend language."),
    ],
)
def test_a_choice_of_how_the_project_works_is_an_instruction(question: str, answer: str, statement: str) -> None:
    assert convention(question, answer) == statement


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How would you like me to proceed with these failures?", "Fix both (Recommended)"),
        ("Where should the settings panel live in the new layout?", "Sidebar"),
        ("Which approach sounds most promising?", "The second one"),
        ("Which layout do you prefer?", "Compact"),
        ("What version is this?", "3.2"),
        ("Which tool for this?", "grep"),
        ("Which package manager should we use?", "Other"),
        ("Which package manager should we use?", "Whatever is fastest. Ask me again later if it breaks."),
        ("Which database should the app use?", "x" * 80),
    ],
)
def test_a_decision_of_the_moment_or_no_clear_choice_is_not(question: str, answer: str) -> None:
    assert convention(question, answer) is None


def test_a_short_reply_to_the_agents_typed_question_is_its_answer(store: SQLiteStore) -> None:
    asked = "I can scaffold it with Vite. Which package manager should we use for this project?"
    trace = Trace("s1").prompt("set up the frontend").say(asked).prompt("pnpm")
    trace.say("How would you like me to proceed?").prompt("quickly").into(store)
    distill(store, now=NOW)
    (lesson,) = store.lessons()
    assert lesson.statement == "In this project: Use pnpm as the package manager."
    # the evidence is the person's own word, not the sentence made of it (the digest shows that one later)
    assert [e.excerpt for e in lesson.evidence] == ["pnpm"]
