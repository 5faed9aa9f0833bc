"""Observed behaviour on the real transcripts in ../shared/data (skipped when absent): every statement
that the command extractors make is a sentence (no error dump, no file list), and no hazard comes from
a failure that is the work going as it should (a red test run, a file tool, a probe without a match).

Before issue 11 these transcripts gave hazards such as "`cat` has failed here with \"cat:
nonexistent.txt: no such file or directory\"; check the cause first" and "run the tests with
`python -m -v`"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.distill import command_fixes, commands, distill, failed_approaches, hazards, project_facts, workflows
from reverie.distill.session_view import Action, SessionView
from reverie.domain.lessons import Observation
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW

pytestmark = pytest.mark.corpus

OBSERVED = (command_fixes, hazards, failed_approaches, project_facts, workflows)
_FILE = re.compile(r"[\w.-]*/[\w./-]+|[\w-]+\.(?:py|js|ts|rs|go|md|json|toml|ya?ml|txt|sql|sh|jsonl)\b")
_PROBES = frozenset({"grep", "rg", "test", "diff", "ls", "cat", "head", "tail", "find", "which"})


def observations(store: SQLiteStore) -> list[tuple[SessionView, Observation]]:
    found: list[tuple[SessionView, Observation]] = []
    for summary in store.sessions():
        view = SessionView.build(summary.session, store.events(summary.session.id))
        found.extend((view, o) for module in OBSERVED for o in module.EXTRACTOR.extract(view))
    return found


@pytest.fixture
def real(store: SQLiteStore, shared_data: Path) -> SQLiteStore:
    import_paths(store, [shared_data / "claude-code", shared_data / "codex"], stale_after=0)
    assert not distill(store, now=NOW).failures
    return store


def is_dump(statement: str) -> bool:
    quoted = re.findall(r'"([^"]*)"', statement)
    return (
        "\n" in statement
        or "\\n" in statement
        or "traceback" in statement.lower()
        or "check the cause first" in statement
        or any(len(q) > 100 for q in quoted)
        or len(statement) > 400
    )


def test_no_statement_is_an_error_dump_or_a_file_list(real: SQLiteStore) -> None:
    statements = [o.statement for _, o in observations(real)] + [lesson.statement for lesson in real.lessons()]
    assert statements
    assert [s for s in statements if is_dump(s)] == []
    assert [s for s in statements if len(_FILE.findall(s)) > 2] == []


def test_no_hazard_comes_from_an_expected_failure(real: SQLiteStore) -> None:
    for view, observation in observations(real):
        if observation.extractor != hazards.NAME:
            continue
        keys = {e.event_key for e in observation.evidence if e.role == "failure"}
        (action,) = [a for a in view.actions if a.call.key in keys]
        assert action.command is not None, observation.statement  # a file tool's error is no hazard
        assert not _expected(action), observation.statement


def _expected(action: Action) -> bool:
    sig = commands.signature(commands.main_segment(action.command or ""))
    return sig.split(" ", 1)[0] in _PROBES or commands.role(sig) in {"test", "check", "lint"}


def test_the_test_command_keeps_its_module(real: SQLiteStore) -> None:
    statements = {lesson.statement for lesson in real.lessons()}
    assert "In this project: run the tests with `python -m pytest`." in statements
    assert not any("`python -m -v`" in s for s in statements)
