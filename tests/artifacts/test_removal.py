"""Removal is exact: retired lessons leave every block, `artifacts remove` takes out what it says, and a
statement that quotes a block marker cannot break the block."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from reverie.artifacts import block, compiler
from reverie.cli import main
from reverie.distill.explicit import forget
from reverie.domain.lessons import LessonKind, Level
from reverie.errors import ConfigError
from tests.artifacts.conftest import TESTS_RULE, Env, verbs
from tests.recall.builders import lesson

LINT_RULE = replace(
    lesson("fact:lint", "In this project: lint with `make lint`.", kind=LessonKind.FACT), level=Level.RULE
)
MARKER_RULE = replace(
    lesson(
        "fact:markers", f"In this project: never paste {block.END} or {block.BEGIN} into docs.", kind=LessonKind.FACT
    ),
    level=Level.RULE,
)


def blocks(env: Env) -> dict[str, str | None]:
    found = {}
    for name in ("CLAUDE.md", "AGENTS.md"):
        path = env.repo / name
        found[name] = block.current(path.read_text()) if path.exists() else None
    return found


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_forgetting_a_lesson_takes_it_out_of_every_block_on_the_next_compile(env: Env) -> None:
    env.store([TESTS_RULE, LINT_RULE])
    (env.repo / "CLAUDE.md").write_text("# Shop\n")
    env.compile(compiler.ALL_TARGETS)
    assert all(text and "make lint" in text for text in blocks(env).values())
    forget(env.workspace.store, LINT_RULE.id, "we use ruff now")
    env.compile(compiler.ALL_TARGETS)
    assert all(text and "make lint" not in text and "make check" in text for text in blocks(env).values())
    forget(env.workspace.store, TESTS_RULE.id, "gone")
    env.compile(compiler.ALL_TARGETS)
    assert (env.repo / "CLAUDE.md").read_text() == "# Shop\n" and not (env.repo / "AGENTS.md").exists()


def test_a_retired_lesson_leaves_a_block_the_user_edited_and_their_edit_stays(env: Env) -> None:
    env.store([TESTS_RULE, LINT_RULE])
    env.compile()
    claude_md = env.repo / "CLAUDE.md"
    edited = claude_md.read_text().replace("## Rules learned", "## Our rules (hand-edited)\n\n## Rules learned")
    claude_md.write_text(edited)
    forget(env.workspace.store, LINT_RULE.id, "we use ruff now")
    plan = env.compile()
    rules = next(a for a in plan.actions if a.artifact.name == "CLAUDE.md")
    assert rules.verb == "kept" and "retired" in rules.reason and rules.problems
    text = claude_md.read_text()
    assert "make lint" not in text and "hand-edited" in text and "make check" in text
    assert verbs(env.compile())["rules:CLAUDE.md"] == "kept"  # nothing more to take out
    assert claude_md.read_text() == text


def test_a_statement_quoting_the_markers_is_escaped_and_the_block_stays_ours(env: Env) -> None:
    env.store([TESTS_RULE, MARKER_RULE])
    env.compile()
    text = (env.repo / "CLAUDE.md").read_text()
    assert text.count(block.END) == 1 and text.count(block.BEGIN) == 1
    assert "&lt;!-- reverie:end --&gt;" in text
    assert set(verbs(env.compile()).values()) == {"unchanged"}  # not "kept" as edited by hand
    for item in compiler.registry(env.workspace.store):
        compiler.remove(env.workspace.store, item.record.artifact.id)
    assert not (env.repo / "CLAUDE.md").exists()


def test_a_block_written_before_escaping_with_a_marker_mid_line_is_still_found() -> None:
    old = f"# Shop\n\n{block.BEGIN}\n- never paste {block.END} into docs. (lesson L1)\n{block.END}\n"
    span = block.find(old)
    assert span is not None and old[span.end :] == "\n"
    assert block.remove(old, "\n\n") == "# Shop"


def test_artifacts_remove_says_exactly_what_it_removed_and_the_text_is_gone(env: Env) -> None:
    env.store([TESTS_RULE])
    (env.repo / "CLAUDE.md").write_text("# Shop\n")
    env.compile()
    rules = next(i for i in compiler.registry(env.workspace.store) if i.record.artifact.name == "CLAUDE.md")
    output = run("artifacts", "remove", rules.record.artifact.id)
    assert f"removed reverie's block (7 lines) from {env.repo / 'CLAUDE.md'}" in output
    assert (env.repo / "CLAUDE.md").read_text() == "# Shop\n"
    agents = next(i for i in compiler.registry(env.workspace.store) if i.record.artifact.name == "AGENTS.md")
    done = json.loads(run("artifacts", "remove", agents.record.artifact.id, "--json"))["done"]
    assert done == [f"deleted {env.repo / 'AGENTS.md'} (it held only reverie's block of 7 lines)"]


def test_remove_with_broken_markers_changes_nothing_and_says_so(env: Env) -> None:
    env.store([TESTS_RULE])
    env.compile()
    claude_md = env.repo / "CLAUDE.md"
    broken = claude_md.read_text() + f"\n{block.END}\n"  # a second end line: the block is ambiguous
    claude_md.write_text(broken)
    rules = next(i for i in compiler.registry(env.workspace.store) if i.record.artifact.name == "CLAUDE.md")
    with pytest.raises(ConfigError, match="markers are broken"):
        compiler.remove(env.workspace.store, rules.record.artifact.id, force=True)
    assert claude_md.read_text() == broken
    assert compiler.resolve(env.workspace.store, rules.record.artifact.id).status.value == "active"
