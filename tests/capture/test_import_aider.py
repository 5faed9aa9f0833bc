"""``reverie import`` of Aider's ``.aider.chat.history.md``: by file or folder, incremental, bad input
reported, and distill learns from it as from any session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reverie.capture.importer import import_paths
from reverie.cli.importing import import_command
from reverie.distill import distill
from reverie.domain import EventKind, Origin
from reverie.store import SQLiteStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aider" / ".aider.chat.history.md"
NAME = ".aider.chat.history.md"
PAST = 1_000_000_000.0  # an mtime long ago: the last line is final, not still being written


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    backend = SQLiteStore(tmp_path / "store.db")
    yield backend
    backend.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / NAME)
    return folder


def aged(path: Path) -> Path:
    os.utime(path, (PAST, PAST))
    return path


def test_a_folder_holding_a_history_is_imported_with_the_folder_as_project(repo: Path, store: SQLiteStore) -> None:
    aged(repo / NAME)
    report = import_paths(store, [repo.parent])
    assert (report.files, report.sessions, report.problems) == (1, 2, ())
    sessions = {s.session.started_at: s for s in store.sessions()}
    first = sessions["2025-05-23T16:51:58"]
    assert first.session.agent == "aider" and first.session.cwd == str(repo)
    assert first.session.project is not None and first.session.project.name == "shop"
    assert first.prompts == 3
    again = import_paths(store, [repo / NAME])
    assert (again.events_new, again.unchanged_files) == (0, 1)


def test_appended_lines_are_read_incrementally(repo: Path, store: SQLiteStore) -> None:
    history = repo / NAME
    first = import_paths(store, [aged(history)])
    with history.open("a") as handle:
        handle.write("\n#### always run ruff before committing  \n\nWill do.\n")
    aged(history)
    second = import_paths(store, [history])
    assert second.bytes < first.bytes and second.events_new == 2
    session = max(store.sessions(), key=lambda s: s.session.started_at or "").session
    typed = [e for e in store.events(session.id) if e.kind is EventKind.PROMPT]
    assert typed[-1].text == "always run ruff before committing" and typed[-1].origin is Origin.USER


def test_the_cli_imports_a_history_by_name(repo: Path, tmp_path: Path) -> None:
    aged(repo / NAME)
    result = CliRunner().invoke(import_command, [str(repo / NAME)], env={"REVERIE_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    assert "2 session" in result.output


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"# aider chat started at 2025-01-01 00:00:00\n#### caf\xe9 \xff\xfe  \n", "not UTF-8"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_garbled_input_is_one_reported_problem(
    tmp_path: Path, store: SQLiteStore, content: bytes, problem: str
) -> None:
    history = tmp_path / NAME
    history.write_bytes(content)
    report = import_paths(store, [aged(history)])
    assert len(report.problems) == 1 and problem in report.problems[0].message


def test_truncated_and_unknown_lines_import_without_a_problem(tmp_path: Path, store: SQLiteStore) -> None:
    history = tmp_path / NAME
    history.write_bytes(FIXTURE.read_bytes()[: FIXTURE.read_bytes().index(b"#### /architect") + 9] + b"\n}{ ???\n")
    report = import_paths(store, [aged(history)])
    assert report.problems == () and report.sessions == 1


def test_an_overlong_line_is_skipped_and_reported(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reverie.capture.reading.MAX_LINE_BYTES", 1000)
    history = tmp_path / NAME
    history.write_text("# aider chat started at 2025-01-01 00:00:00\n#### hi\n\n" + "x" * 5000 + "\n#### bye\n")
    report = import_paths(store, [aged(history)])
    assert len(report.problems) == 1 and "longer than" in report.problems[0].message
    assert report.events_new == 2


def test_distill_learns_from_an_aider_session(repo: Path, store: SQLiteStore) -> None:
    import_paths(store, [aged(repo / NAME)])
    distill(store)
    statements = [lesson.statement for lesson in store.lessons()]
    assert any("uv run pytest" in statement for statement in statements), statements
