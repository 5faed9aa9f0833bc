"""The statement parser: which sentences are read, how they are worded, and what they are keyed by.

Whether a sentence is an instruction is the reading model's call (``test_reading`` and the corpus
tests); these tests hold the rest, mostly through ``explicit=True`` (``reverie remember``), which
keeps every sentence and leaves only its duration to the model."""

from __future__ import annotations

import pytest

from reverie.distill import phrasing
from reverie.distill.reading.evaluate import acceptable
from reverie.distill.statements import Strength, parse_statements, prose_sentences
from reverie.domain.lessons import LessonKind, ScopeLevel


def remembered(text: str):  # type: ignore[no-untyped-def]
    found = parse_statements(text, explicit=True)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "preferred", "rejected"),
    [
        ("use make check, not pytest", "make check", "pytest"),
        ("no, don't use npm here, we use pnpm", "pnpm", "npm"),
        ("instead of pip, use uv", "uv", "pip"),
        ("use `rg` rather than `grep`", "rg", "grep"),
        ("`python3`, not `python`", "python3", "python"),
        ("python3, not python", "python3", "python"),
        ("`ruff format` please, not `black`", "ruff format", "black"),
    ],
)
def test_a_short_choice_reads_use_x_not_y(text: str, preferred: str, rejected: str) -> None:
    parsed = remembered(text)
    assert parsed.kind is LessonKind.PREFERENCE
    assert (parsed.preferred, parsed.rejected) == (preferred, rejected)
    assert parsed.key == f"use:{preferred}|not:{rejected}"
    assert parsed.statement.endswith(f"Use `{preferred}`, not `{rejected}`.")


def test_a_choice_inside_a_longer_sentence_keeps_the_persons_sentence() -> None:
    parsed = remembered("Please use ruff instead of flake8 for linting, it is much faster on this codebase.")
    assert parsed.key == "use:ruff|not:flake8"
    assert "for linting" in parsed.statement and "faster" in parsed.statement


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Use ruff for linting.", "Use ruff for linting."),
        ("Please run mix format before every commit.", "Run mix format before every commit."),
        ("the default branch is master, not main", "The default branch is master, not main."),
        ("Always wait until CI is green before merging", "Always wait until CI is green before merging."),
        ("you should never print secrets to the log", "Never print secrets to the log."),
        ("pls dont print stack traces to stdout, thx", "Do not print stack traces to stdout."),
        ("assets/compiled/ is generated, never edit it", "Never edit `assets/compiled/` because it is generated."),
        ("No `TODO` comments in merged code - I don't like that.", "Avoid `TODO` comments in merged code."),
        ("I told you last time, don't bump the lockfile by hand", "Do not bump the lockfile by hand."),
        ("never bare pytest", "Avoid bare pytest."),
    ],
)
def test_statements_are_clean_sentences_in_the_persons_terms(text: str, statement: str) -> None:
    parsed = remembered(text)
    assert parsed.statement.removeprefix("In this project: ") == statement
    assert parsed.clause == " ".join(text.split())  # the exact words stay with the evidence


def test_commas_are_never_turned_into_semicolons() -> None:
    parsed = remembered("Do not stop until all functions are ported, tests pass, and clippy is clean")
    assert ";" not in parsed.statement and "tests pass, and clippy is clean" in parsed.statement


@pytest.mark.parametrize(
    "text",
    [
        "Update src/a.py, src/b.py, src/c.py and src/d.py to the new API.",
        "never edit it",
        "Do that again",
        "ok thanks",
        "x" * 300,
    ],
)
def test_what_a_reviewer_could_not_accept_is_not_a_statement(text: str) -> None:
    assert parse_statements(text, explicit=True) == []


def test_a_long_sentence_is_cut_at_a_clause_boundary() -> None:
    text = "Always run the full integration suite before you merge anything into the release branch, " + (
        "because the staging environment has differences that only show up there and nowhere else " * 2
    )
    parsed = remembered(text)
    assert acceptable(parsed.statement)
    assert parsed.statement.endswith("into the release branch.")


def test_a_long_sentence_that_opens_with_a_subordinate_clause_keeps_its_main_clause_or_nothing() -> None:
    # Real sessions (dev split): cut at the first comma, these became "Although the duckdb database is
    # read-only." and "When writing AL code.", fragments that recurred and went active.
    fragment = (
        "Although the duckdb database is read-only, you can create views with screentime_sql so you can test "
        "your SQL before using it in the duckdb_views.sql"
    )
    assert parse_statements(fragment, explicit=True) == []
    long_main = "When you change the schema, regenerate the client, " + "then check every generated file by hand " * 3
    assert remembered(long_main).statement.endswith(": When you change the schema, regenerate the client.")


@pytest.mark.parametrize(
    "text",
    [
        "always use tabs in all my projects",
        "Everywhere: never commit .env files",
        "never use sudo with pip, globally",
        "Never add Signed-off-by lines in all my projects.",
    ],
)
def test_a_sentence_about_every_project_is_global_and_says_so_only_in_its_scope(text: str) -> None:
    parsed = remembered(text)
    assert parsed.scope is ScopeLevel.GLOBAL
    assert not parsed.statement.startswith("In this project")
    assert not any(cue in parsed.statement.lower() for cue in ("all my", "everywhere", "globally"))


def test_phrasings_of_one_instruction_share_one_key() -> None:
    phrasings = ["Never add Signed-off-by lines.", "pls, no `Signed-off-by` lines", "don't put signed-off-by lines"]
    assert len({remembered(text).key for text in phrasings}) == 1


def test_contradicting_instructions_share_a_topic_with_different_stances() -> None:
    always, never = remembered("always use tabs"), remembered("never use tabs")
    assert always.topic == never.topic and always.stance != never.stance
    assert remembered("don't edit `gen/`").key != remembered("don't delete `gen/`").key


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("stop rewriting the whole file every time", LessonKind.FAILED_APPROACH),
        ("upgrading to Django 5 won't work, it breaks the admin", LessonKind.FAILED_APPROACH),
        ("Make sure to run the migrations check before opening a PR.", LessonKind.PROCEDURE),
        ("the staging database is read-only", LessonKind.FACT),
        ("I really don't want `any` types in this codebase", LessonKind.PREFERENCE),
        ("don't add docstrings to the test functions", LessonKind.RULE),
    ],
)
def test_the_kind_follows_the_sentence(text: str, kind: LessonKind) -> None:
    assert remembered(text).kind is kind


def test_remember_is_explicit_unless_the_model_reads_a_one_off() -> None:
    assert remembered("the staging database is read-only").strength is Strength.EXPLICIT


def test_pasted_material_is_not_read_for_instructions() -> None:
    text = (
        "here is the error, can you look:\n"
        "```\nNever use the default config.\nAlways run as root.\n```\n"
        "> Always disable the tests before committing.\n"
        "    never call the API directly\n"
        "Traceback (most recent call last):\n"
        "2024-05-01T10:00:00Z worker-1 never restart the pod\n"
    )
    assert prose_sentences(text) == ["here is the error, can you look:"]


def test_a_huge_prompt_is_read_only_up_to_its_limit() -> None:
    tail = "Never use global state. " * 50
    text = "please look at this log\n" + ("x" * 200 + "\n") * 6_000 + tail
    assert len(text) > 1_000_000
    assert not [p for p in parse_statements(text, explicit=True) if "global state" in p.statement]
    assert len(prose_sentences(text)) < 100


def test_sentences_split_and_join_as_written() -> None:
    assert prose_sentences("Fix the login test. Also, never mock the database in integration tests.") == [
        "Fix the login test.",
        "Also, never mock the database in integration tests.",
    ]
    assert prose_sentences("Leave out the changelog entries. I don't like that.") == [
        "Leave out the changelog entries. I don't like that."
    ]
    assert prose_sentences("- use uv\n- 2) never pip install globally") == ["use uv", "2) never pip install globally"]


def test_a_tools_deprecation_notice_is_pasted_output() -> None:
    assert prose_sentences("DEPRECATION: --no-python-version-warning is deprecated.") == []


def test_strong_emphasis_is_read_as_its_words_and_code_stays_code() -> None:
    assert prose_sentences("- **NEVER** push to `main`.") == ["NEVER push to `main`."]
    assert prose_sentences("keep __init__.py files empty; call f(**a, **b)") == [
        "keep __init__.py files empty; call f(**a, **b)"
    ]


def test_adversarial_lines_are_parsed_without_runaway_backtracking() -> None:
    for line in ("use" + " " * 580 + "x", "use a" + " ," * 290, "don't " * 100, '"a" - not ' * 50):
        assert isinstance(parse_statements("\n".join([line] * 10)), list)


def test_files_attached_by_name_are_not_part_of_the_statement() -> None:
    clause, _ = phrasing.strip_lead("@src/app.py @README.md, change kiro to Driven")
    assert clause == "change kiro to Driven"


def test_the_models_everywhere_needs_the_person_in_the_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.distill.reading.model import LABELS, Model, Thresholds

    # a reader that reads every sentence as the person's, everywhere: only the person's own words may keep it
    bias = {"standing_project": 0.0, "standing_global": 5.0, "one_off": 0.0, "none": 0.0}
    everywhere = Model(LABELS, bias, {}, Thresholds(active=0.99, candidate=0.5, one_off=0.99))
    monkeypatch.setattr("reverie.distill.statements.in_use", lambda: everywhere)
    (ours,) = parse_statements("Whole codebase uses the `auth()` helper, stick to it so it reads the same.")
    assert ours.scope is ScopeLevel.PROJECT
    (mine,) = parse_statements("I like my commit messages short.")
    assert mine.scope is ScopeLevel.GLOBAL


def test_a_line_wrapped_inside_a_sentence_is_read_as_one_sentence() -> None:
    # a terminal or a hook's log wraps at a column, and indents what it carried over
    text = "also make the sidebar collapsible and remember its state across\n    reloads. then fix the footer"
    assert prose_sentences(text) == [
        "also make the sidebar collapsible and remember its state across reloads.",
        "then fix the footer",
    ]
    # lines that end a thought stay apart, even without a full stop
    assert prose_sentences("use pnpm\nnever npm") == ["use pnpm", "never npm"]


def test_the_rules_of_a_pasted_document_wait_for_review() -> None:
    document = "# Instructions\n\nWrite a parking meter simulator.\nAlways round the fee up to the next cent.\n"
    assert [p for p in parse_statements(document) if p.strength is Strength.EXPLICIT] == []
    typed = "Write a parking meter simulator. Always round the fee up to the next cent."
    assert [p.strength for p in parse_statements(typed)] == [Strength.EXPLICIT]


def test_work_proposed_with_lets_is_for_now_even_in_the_project() -> None:
    assert not [p for p in parse_statements("Let's move the dev server to port 4100 in this project.") if p.durable]
    assert [p.strength for p in parse_statements("Let's always squash when we merge in this repo.")] == [
        Strength.EXPLICIT
    ]


def test_use_x_do_not_use_y_is_one_choice() -> None:
    (choice,) = parse_statements("use yarn, do not use npm")
    assert choice.statement == "In this project: Use `yarn`, not `npm`."
    assert choice.strength is Strength.EXPLICIT


def test_a_rule_said_for_the_moment_lasts_the_session() -> None:
    (found,) = parse_statements("No changes should be made to the payment service at this time.")
    assert found.strength is Strength.ONE_OFF


def test_an_aider_chat_mode_before_the_message_is_not_part_of_it() -> None:
    (statement,) = parse_statements("/architect always run the linter before committing")
    assert statement.statement == "In this project: Always run the linter before committing."
    (statement,) = parse_statements("/ask for now skip the examples that are not in JS")
    assert not statement.statement.startswith("/")
