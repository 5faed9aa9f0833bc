"""A fresh session's digest is kept per project and used again only while everything it was built from
holds: the index build, the workspace files its premise checks read, the session being fresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reverie.recall import inject, respond
from reverie.workspace import Workspace
from tests.recall.builders import STYLE, lesson, store_lessons

HOUR_AGO = time.time() - 3600

MAKE_CHECK = lesson("fact:checks", "In this project: run the checks with `make check`.", confidence=0.9)
SCHEMA = lesson(
    "rule:schema", "In this project: keep `db/schema.sql` in step with the models.", paths=("db/schema.sql",)
)


def aged(*paths: Path) -> None:
    """Last changed an hour ago: a file written just now is too fresh to vouch for (``file_stamps``)."""
    for path in paths:
        os.utime(path, (HOUR_AGO, HOUR_AGO))


@pytest.fixture
def project(workspace: Workspace, checkout: Path) -> Path:
    store_lessons(workspace, [STYLE, MAKE_CHECK, SCHEMA])
    (checkout / "Makefile").write_text("check:\n\tpytest\n")
    (checkout / "db").mkdir()
    (checkout / "db" / "schema.sql").write_text("create table t (id int);\n")
    aged(checkout / "Makefile", checkout / "db" / "schema.sql", checkout / "db", checkout / ".git" / "config")
    return checkout


def start(home: Path, checkout: Path, session: str, source: str = "startup") -> str:
    payload = {"session_id": session, "cwd": str(checkout), "source": source}
    return respond.answer("claude-code", "SessionStart", payload, str(home), {})


def kept_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "digest").glob("*.bin"))


def not_built(*_: object, **__: object) -> object:
    raise AssertionError("the digest was built, not read from the cache")


def test_a_second_fresh_session_reads_the_digest_the_first_kept(
    workspace: Workspace, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start(workspace.home, project, "s-1")
    assert MAKE_CHECK.id in first and SCHEMA.id in first and len(kept_files(workspace.home)) == 1
    monkeypatch.setattr(inject, "digest", not_built)
    monkeypatch.setattr(inject, "check_premises", not_built)
    assert start(workspace.home, project, "s-2") == first
    log = (workspace.home / "recall" / "injections" / "s-2.jsonl").read_text()
    assert MAKE_CHECK.id in log  # the kept digest is logged and marked shown like a built one
    monkeypatch.undo()
    assert start(workspace.home, project, "s-2", source="resume") == ""  # shown once per session


def test_a_changed_lesson_makes_a_new_index_build_and_a_fresh_digest(workspace: Workspace, project: Path) -> None:
    assert "under forty lines" in start(workspace.home, project, "s-1")
    reworded = lesson(STYLE.key, "In this project: keep functions under twenty lines.", kind=STYLE.kind)
    store_lessons(workspace, [reworded])
    second = start(workspace.home, project, "s-2")
    assert "under twenty lines" in second and "forty" not in second


def test_a_removed_premise_hides_its_lesson_at_once(workspace: Workspace, project: Path) -> None:
    assert SCHEMA.id in start(workspace.home, project, "s-1")
    (project / "db" / "schema.sql").unlink()
    second = start(workspace.home, project, "s-2")
    assert SCHEMA.id not in second and MAKE_CHECK.id in second
    (project / "Makefile").write_text("test:\n\tpytest\n")  # the `check` target is gone too
    aged(project / "Makefile")
    third = start(workspace.home, project, "s-3")
    assert MAKE_CHECK.id not in third and STYLE.id in third


def test_a_session_that_already_saw_lessons_builds_its_own(
    workspace: Workspace, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(workspace.home, project, "s-1")
    monkeypatch.setattr(inject, "digest", not_built)
    briefed = {respond.SHOWN_ENV: STYLE.id}  # the loop's briefing already carries one lesson
    with pytest.raises(AssertionError, match="built"):
        start_payload = {"session_id": "s-2", "cwd": str(project)}
        respond.reply("claude-code", "SessionStart", start_payload, str(workspace.home), briefed)


def test_a_file_changed_just_now_is_not_vouched_for(workspace: Workspace, project: Path) -> None:
    (project / "Makefile").write_text("check:\n\tpytest -q\n")  # modified within the racy window
    assert MAKE_CHECK.id in start(workspace.home, project, "s-1")
    assert kept_files(workspace.home) == []


def test_a_torn_or_foreign_cache_file_is_built_afresh(workspace: Workspace, project: Path) -> None:
    first = start(workspace.home, project, "s-1")
    (kept,) = kept_files(workspace.home)
    kept.write_bytes(b"\x00half a file")
    assert start(workspace.home, project, "s-2") == first
    assert kept.read_bytes() != b"\x00half a file"  # and kept again, whole


def test_a_new_index_build_builds_the_kept_digests_again_ahead_of_the_next_session(
    workspace: Workspace, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(workspace.home, project, "s-1")
    (project / "db" / "schema.sql").unlink()  # the build checks the workspace as it is then
    reworded = lesson(STYLE.key, "In this project: keep functions under twenty lines.", kind=STYLE.kind)
    store_lessons(workspace, [reworded])  # refreshes the index, which builds the kept digest again
    monkeypatch.setattr(inject, "digest", not_built)
    monkeypatch.setattr(inject, "check_premises", not_built)
    second = start(workspace.home, project, "s-2")
    assert "under twenty lines" in second and SCHEMA.id not in second and MAKE_CHECK.id in second


def test_digests_not_asked_for_in_a_week_are_not_built_again(workspace: Workspace, project: Path) -> None:
    start(workspace.home, project, "s-1")
    (kept,) = kept_files(workspace.home)
    long_ago = time.time() - 8 * 86_400
    os.utime(kept, (long_ago, long_ago))
    store_lessons(workspace, [lesson(STYLE.key, "In this project: keep functions short.", kind=STYLE.kind)])
    assert kept_files(workspace.home) == []


def test_a_program_said_missing_and_installed_since_is_seen_at_once(
    workspace: Workspace, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept digest also keeps which premises failed; a program appearing on the search path (in a
    folder it already had, or in a folder added to it) is news."""
    no_jq = lesson(
        "hazard:missing:jq", "In this project: `jq` is not installed here (command not found); do not rely on it."
    )
    store_lessons(workspace, [STYLE, MAKE_CHECK, SCHEMA, no_jq])
    tools, more = tmp_path / "tools", tmp_path / "more"
    tools.mkdir(), more.mkdir()
    monkeypatch.setenv("PATH", str(tools))
    state_of = respond.answer  # the digest's text is the same either way: what changes is what the session knows

    def unmet(session: str) -> dict[str, str]:
        states_seen: list[dict[str, str]] = []
        real = inject.digest

        def spy(index: object, state: object, *rest: object) -> object:
            states_seen.append(dict(state.unmet))  # type: ignore[attr-defined]
            return real(index, state, *rest)  # type: ignore[arg-type]

        monkeypatch.setattr(inject, "digest", spy)
        state_of("claude-code", "SessionStart", {"session_id": session, "cwd": str(project)}, str(workspace.home), {})
        monkeypatch.setattr(inject, "digest", real)
        return states_seen[-1] if states_seen else {}

    assert no_jq.id not in unmet("s-1")
    (tools / "jq").write_text("#!/bin/sh\n")
    (tools / "jq").chmod(0o755)
    assert unmet("s-2")[no_jq.id] == "`jq` is installed now"
    (tools / "jq").unlink()
    assert no_jq.id not in unmet("s-3")
    (more / "jq").write_text("#!/bin/sh\n")
    (more / "jq").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{more}")
    assert unmet("s-4")[no_jq.id] == "`jq` is installed now"
