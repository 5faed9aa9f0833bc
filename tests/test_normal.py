"""One normal form of text (``reverie.normal``): the three stages that decide whether two wordings are
one lesson (distill's merge, dream's dedupe, recall's index) agree, and nobody grows a fourth."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reverie import normal
from reverie.distill.statements import parse_statements
from reverie.domain.lessons import Confidence, Lesson, LessonKind, LessonStatus, Scope, ScopeLevel, lesson_id
from reverie.dream import wording
from reverie.dream.passes.dedupe import duplicates

SRC = Path(__file__).resolve().parents[1] / "src" / "reverie"
# The eval's matcher scores reverie's lessons against labels: it must not read text the way the thing
# it scores does, or a normaliser's blind spot would grade itself.
INDEPENDENT = {"evals/real_match.py"}
STEMMERS = {"stem", "stems", "singular"}

SAME = [
    ("Never add Co-Authored-By trailers.", "pls, don't add `Co-Authored-By` trailers"),
    ("Never edit generated files.", "Don't edit the generated file, never."),
    ("Don't run the tests with npm.", "never running test with npm"),
    ("Always run `make check` before committing.", "Make sure to run `make check` before you commit."),
]
DIFFERENT = [
    ("Never add Co-Authored-By trailers.", "Always add Co-Authored-By trailers."),
    ("Always run `make check` before committing.", "Always run `make test` before committing."),
    ("Never edit generated files.", "Never edit the migrations."),
]


def _key(text: str) -> str:
    (statement,) = [s for s in parse_statements(text, explicit=True) if s.key.startswith("say:")]
    return statement.key


def _lesson(text: str) -> Lesson:
    (statement,) = [s for s in parse_statements(text, explicit=True) if s.key.startswith("say:")]
    scope = Scope(level=ScopeLevel.PROJECT, project="github.com/o/r")
    return Lesson(
        id=lesson_id(statement.key, scope),
        key=statement.key,
        statement=statement.statement,
        kind=LessonKind.RULE,
        scope=scope,
        evidence=(),
        topic=statement.topic or "",
        stance=statement.stance or "",
        status=LessonStatus.ACTIVE,
        confidence=Confidence(value=0.8),
    )


def _recall_terms(text: str) -> set[str]:
    return set(normal.terms(_lesson(text).statement))


@pytest.mark.parametrize(("first", "second"), SAME)
def test_a_restatement_is_one_lesson_to_merge_dedupe_and_recall(first: str, second: str) -> None:
    assert _key(first) == _key(second)
    a, b = _lesson(first), _lesson(second)
    assert duplicates(a, b, wording.read(a), wording.read(b))
    assert _recall_terms(first) == _recall_terms(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_different_instructions_are_two_lessons_to_merge_and_dedupe(first: str, second: str) -> None:
    assert _key(first) != _key(second)
    a, b = _lesson(first), _lesson(second)
    assert not duplicates(a, b, wording.read(a), wording.read(b))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Never add Co-Authored-By trailers", "-"),
        ("don't push to main", "-"),
        ("Do not edit src/gen", "-"),
        ("Use pnpm, not npm.", "+"),
        ("Never use npm, not even once.", "-"),
        ("Run the tests first.", "+"),
    ],
)
def test_polarity_reads_one_way(text: str, expected: str) -> None:
    assert normal.polarity(text) == expected


def test_an_old_key_is_rekeyed_to_the_key_its_words_now_give() -> None:
    text = "Never add Signed-off-by lines, use `git commit -s` instead."
    lesson = _lesson(text)
    old = "say:-:line signed-off-by"  # what the earlier normal form minted for it
    assert normal.rekey(old, lesson.statement) == lesson.key == "say:-:lin sign"
    exact = "In this project: Never run `git push -f` on tests."
    assert normal.rekey("say:-:git push -f tests", exact) == "say:-:git git push -f push test"
    assert normal.rekey("fix:npm=>pnpm", exact) == "fix:npm=>pnpm"


def test_the_normal_form_imports_neither_re_nor_string() -> None:
    tree = ast.parse((SRC / "normal.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__"}


def test_no_module_but_reverie_normal_stems_words_or_keeps_stop_words() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative == "normal.py" or relative in INDEPENDENT:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            named = isinstance(node, ast.FunctionDef) and STEMMERS & set(node.name.lower().split("_"))
            if named and "normal." not in ast.unparse(node):  # a name kept for callers, delegating
                found.append(f"{relative}: def {node.name}")
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                made = ast.unparse(node.value)
                if any("stop" in n.lower() and "word" in n.lower() for n in names) and "normal." not in made:
                    found.append(f"{relative}: {names[0]} = {made[:40]}")
    assert found == [], "normalise text with reverie.normal (terms, stem, STOP_WORDS), not a copy of it"
