"""What a newcomer meets first: exit codes a script can trust, counts in words, hints when nothing is shown."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from pytest import MonkeyPatch

from reverie.cli import main
from reverie.domain.lessons import LessonStatus
from reverie.workspace import Workspace
from tests.recall.builders import PYTHON3, lesson, store_lessons


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_importing_only_garbage_says_so_and_exits_1(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('garbage\n{"x":\n')
    result = run("import", str(garbage))
    assert result.exit_code == 1
    assert "1 problem (nothing was imported):" in result.output and "problems" not in result.output


def test_importing_something_with_a_bad_line_exits_0(tmp_path: Path) -> None:
    transcript = tmp_path / "s.jsonl"
    good = {"type": "user", "sessionId": "s1", "uuid": "u1", "timestamp": "2026-01-01T00:00:00Z", "cwd": str(tmp_path)}
    good["message"] = {"role": "user", "content": "hello there"}
    transcript.write_text(json.dumps(good) + "\n{broken\n")
    result = run("import", str(transcript))
    assert result.exit_code == 0, result.output
    assert "(the rest was imported)" in result.output


def test_stats_on_an_empty_home_says_how_to_start() -> None:
    result = run("stats")
    assert result.exit_code == 0
    assert "Nothing captured yet" in result.output and "reverie init" in result.output


def test_recall_with_only_candidates_says_why_nothing_is_shown(tmp_path: Path) -> None:
    workspace = Workspace.open()
    try:
        waiting = lesson("c1", "Use `uv`, not `pip`.", status=LessonStatus.CANDIDATE, project=None)
        store_lessons(workspace, [waiting])
    finally:
        workspace.close()
    result = run("context", "--session-start", "--project", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "0 lessons shown" in result.output and "1 candidate lesson is not shown yet" in result.output
    data = json.loads(run("context", "--session-start", "--project", str(tmp_path), "--json").output)
    assert data["candidates_waiting"] == 1


def test_recall_names_no_waiting_candidates_when_lessons_are_shown(tmp_path: Path) -> None:
    workspace = Workspace.open()
    try:
        store_lessons(workspace, [PYTHON3])
    finally:
        workspace.close()
    result = run("recall", "should I call python or python3?")
    assert "candidate" not in result.output


def test_import_reports_progress_file_by_file(tmp_path: Path) -> None:
    from reverie.capture.importer import import_paths

    for number in range(3):
        (tmp_path / f"s{number}.jsonl").write_text("")
    seen: list[tuple[int, int]] = []
    workspace = Workspace.open()
    try:
        import_paths(workspace.store, [tmp_path], progress=lambda done, total: seen.append((done, total)))
    finally:
        workspace.close()
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_distill_reports_progress_session_by_session() -> None:
    from reverie.distill import distill
    from tests.distill.trace import Trace, day

    workspace = Workspace.open()
    try:
        for number in range(3):
            Trace(f"s{number}", start=day(number)).prompt("go").run("ls", "ok").into(workspace.store)
        seen: list[tuple[int, int]] = []
        distill(workspace.store, progress=lambda done, total: seen.append((done, total)))
    finally:
        workspace.close()
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_sessions_and_lessons_name_a_project_the_same_way() -> None:
    from reverie.distill import distill
    from tests.distill.trace import PROJECT, Trace, day

    workspace = Workspace.open()
    try:
        Trace("s1", start=day(0)).prompt("Always run `make lint` before you commit.").run("ls", "ok").into(
            workspace.store
        )
        distill(workspace.store)
    finally:
        workspace.close()
    assert PROJECT.key in run("sessions").output and PROJECT.key in run("lessons").output


def test_review_says_what_an_empty_evidence_quote_is() -> None:
    from reverie.domain.events import Origin
    from reverie.domain.lessons import Basis, Evidence
    from reverie.review.render import _evidence

    item = Evidence("k", "s1234567890", Origin.TOOL, Basis.OBSERVED, role="fail", excerpt="", transcript_line=20)
    assert _evidence(item) == "session s1234567 line 20 (observed): (fail, no text)"


def test_a_dream_with_nothing_to_propose_does_not_send_the_person_to_an_empty_review() -> None:
    result = run("dream")
    assert result.exit_code == 0, result.output
    assert "Nothing to review: the dream proposed no change" in result.output
    assert "Review it" not in result.output


def test_import_with_no_agent_folders_names_both_in_one_sentence(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex"))
    result = CliRunner().invoke(main, ["import"])
    assert result.exit_code == 1
    assert f"neither {tmp_path / 'claude' / 'projects'} nor {tmp_path / 'codex' / 'sessions'} exists" in result.output
