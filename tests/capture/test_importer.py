"""Transcript import: incremental, idempotent, redacted, and never stopped by one bad file or line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reverie.capture import importer
from reverie.capture.importer import ImportReport, import_paths
from reverie.cli.importing import import_command
from reverie.domain import Event, EventKind, Origin, Source, keys
from reverie.errors import InputError, ReverieError
from reverie.store import Batch, SQLiteStore, Store
from tests.store import raw

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
SESSION = "11111111-2222-4333-8444-555555555555"
CODEX_SESSION = "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
OLD_SESSION = "22222222-3333-4444-8555-666666666666"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(FIXTURES, copy)
    return copy


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    backend = SQLiteStore(tmp_path / "store.db")
    yield backend
    backend.close()


def main_file(data: Path) -> Path:
    return data / "claude-code" / "projects" / "-home-dev-shop" / f"{SESSION}.jsonl"


def prompts(store: Store, session: str, text: str) -> list[Event]:
    return [e for e in store.events(session) if e.kind == EventKind.PROMPT and e.text == text]


def line_of(record: dict[str, object]) -> str:
    return json.dumps(record) + "\n"


def user_line(text: str, uuid: str, **extra: object) -> str:
    record = {"type": "user", "sessionId": SESSION, "uuid": uuid, "timestamp": "2026-03-01T11:00:00.000Z"}
    return line_of({**record, "message": {"role": "user", "content": text}, **extra})


def test_imports_both_agents_and_json_array_dumps(data: Path, store: SQLiteStore) -> None:
    report = import_paths(store, [data])
    assert report.problems == ()
    assert report.files == 4  # main + subagent transcript, the chat.json dump, the rollout; not pre_tool_use.json
    assert report.sessions == 3 and report.events_known == 0
    assert report.events_new == store.stats().events
    assert report.skipped["progress"] == 2 and report.skipped["hologram"] == 1
    assert report.lines == sum(len(path.read_text().splitlines()) for path in data.rglob("*.jsonl")) + 6
    session = store.session(SESSION)
    assert session is not None and session.project is not None
    assert session.project.key == "path:/home/dev/shop"  # the folder is gone: the path is the identity
    assert session.transcript_path == str(main_file(data))  # the main file, not the subagent's
    (old,) = prompts(store, OLD_SESSION, "list the files here")
    assert old.transcript_line == 23  # the line where the array element starts


def test_a_second_run_reads_nothing_and_adds_nothing(data: Path, store: SQLiteStore) -> None:
    import_paths(store, [data])
    again = import_paths(store, [data])
    assert (again.unchanged_files, again.bytes, again.lines, again.events_new) == (4, 0, 0, 0)


def test_appended_lines_are_the_only_bytes_read(data: Path, store: SQLiteStore) -> None:
    import_paths(store, [data])
    added = user_line("now run the linter", "new-1") + user_line("and the type checker", "new-2")
    with main_file(data).open("a") as handle:
        handle.write(added)
    report = import_paths(store, [data])
    assert (report.bytes, report.lines, report.events_new, report.unchanged_files) == (len(added.encode()), 2, 2, 3)
    (linter,) = prompts(store, SESSION, "now run the linter")
    assert linter.transcript_line == 27


def test_a_last_line_without_newline_waits_until_the_file_is_stale(data: Path, store: SQLiteStore) -> None:
    import_paths(store, [data])
    partial = user_line("half written", "new-1").rstrip("\n")
    with main_file(data).open("a") as handle:
        handle.write(partial)
    fresh = import_paths(store, [main_file(data)], stale_after=3600)
    assert (fresh.lines, fresh.events_new, fresh.problems) == (0, 0, ())
    stale = import_paths(store, [main_file(data)], stale_after=0)
    assert (stale.lines, stale.events_new) == (1, 1)
    assert prompts(store, SESSION, "half written")


def test_a_line_cut_short_is_reported_once_the_file_is_stale(data: Path, store: SQLiteStore) -> None:
    with main_file(data).open("a") as handle:
        handle.write('{"type": "user", "message": {"content": "cut')
    report = import_paths(store, [main_file(data)], stale_after=0)
    (problem,) = report.problems
    assert (problem.path, problem.line) == (str(main_file(data)), 27)
    assert "not valid JSON" in problem.message


def test_a_garbled_line_is_reported_with_file_and_line_and_the_rest_is_imported(data: Path, store: SQLiteStore) -> None:
    path = main_file(data)
    lines = path.read_text().splitlines(keepends=True)
    lines[6] = '{"type": "assistant", "message": {"id": "msg_A", \x00garbage\n'
    path.write_text("".join(lines))
    report = import_paths(store, [path])
    (problem,) = report.problems
    assert (problem.path, problem.line) == (str(path), 7)
    assert str(problem).startswith(f"{path}:7: not valid JSON")
    assert prompts(store, SESSION, "continue")  # lines after it were imported
    assert store.events(SESSION)[-1].transcript_line == 26


def test_invalid_utf8_is_a_bad_line_not_a_bad_file(data: Path, store: SQLiteStore) -> None:
    with main_file(data).open("ab") as handle:
        handle.write(b'{"type": "user", "message": {"content": "\xff\xfe"}}\n')
        handle.write(user_line("after the bad bytes", "new-1").encode())
    report = import_paths(store, [main_file(data)])
    assert [problem.line for problem in report.problems] == [27]
    assert prompts(store, SESSION, "after the bad bytes")


def test_a_line_of_a_megabyte_is_imported_without_its_base64(tmp_path: Path, store: SQLiteStore) -> None:
    image = "iVBORw0KGgo" + "A" * 1_200_000
    result = {"type": "tool_result", "tool_use_id": "toolu_big", "content": [{"type": "text", "text": "screenshot:"}]}
    result["content"].append({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": image}})
    inline = f"saved as data:image/png;base64,{image[:5000]} done"
    records = [
        {"type": "user", "sessionId": "big", "uuid": "u1", "message": {"role": "user", "content": [result]}},
        {"type": "user", "sessionId": "big", "uuid": "u2", "message": {"role": "user", "content": inline}},
    ]
    path = tmp_path / "big.jsonl"
    path.write_text("".join(line_of(record) for record in records))
    report = import_paths(store, [path])
    assert report.problems == () and report.bytes > 1_200_000
    stored = store.events("big")
    assert [event.text for event in stored] == ["screenshot:\n[image]", "saved as [image] done"]


def test_an_empty_file_is_fine(tmp_path: Path, store: SQLiteStore) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    report = import_paths(store, [path])
    assert (report.files, report.events_new, report.problems) == (1, 0, ())
    assert import_paths(store, [path]).unchanged_files == 1


def test_a_binary_file_is_a_problem_and_the_other_files_still_import(data: Path, store: SQLiteStore) -> None:
    binary = data / "claude-code" / "projects" / "-home-dev-shop" / "aaa-broken.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 100)
    report = import_paths(store, [data])
    assert [(problem.path, problem.message) for problem in report.problems] == [
        (str(binary), "not a transcript: a binary file, not JSON")
    ]
    assert prompts(store, SESSION, "continue")


def test_an_unreadable_file_is_a_problem_and_the_other_files_still_import(
    data: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = main_file(data)
    opened = importer.open_regular

    def open_unless_locked(path: Path) -> Any:
        if path == locked:  # chmod 0 would not stop root, who may run this suite
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path)

    monkeypatch.setattr(importer, "open_regular", open_unless_locked)
    report = import_paths(store, [data])
    assert [(problem.path, problem.message) for problem in report.problems] == [
        (str(locked), "cannot read: Permission denied")
    ]
    assert store.session(CODEX_SESSION) is not None and store.stats().events > 0


def test_a_file_that_vanishes_between_listing_and_reading_is_a_problem(
    data: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reverie.capture import importer

    listed = importer.discover

    def list_then_lose_one(paths: Any) -> Any:
        found = listed(paths)
        main_file(data).unlink()  # the agent's 30-day clean-up ran just now
        return found

    monkeypatch.setattr(importer, "discover", list_then_lose_one)
    report = import_paths(store, [data])
    assert [problem.message for problem in report.problems] == ["cannot read: No such file or directory"]
    assert store.session(CODEX_SESSION) is not None


def test_a_missing_path_is_a_problem(tmp_path: Path, store: SQLiteStore) -> None:
    report = import_paths(store, [tmp_path / "nowhere"])
    assert [problem.message for problem in report.problems] == ["no such file or folder"]


def test_a_replaced_file_is_read_again_and_adds_only_what_is_new(data: Path, store: SQLiteStore) -> None:
    path = main_file(data)
    import_paths(store, [path])
    before = store.stats().events
    replacement = path.with_suffix(".tmp")
    replacement.write_text(path.read_text() + user_line("continue", "new-continue"))
    os.replace(replacement, path)  # a new inode: a different file under the same name
    report = import_paths(store, [path])
    assert (report.events_new, report.events_known) == (1, before)
    assert len(prompts(store, SESSION, "continue")) == 3  # the third "continue", not a copy of the first two


def test_a_truncated_file_is_read_again_without_duplicates(data: Path, store: SQLiteStore) -> None:
    path = main_file(data)
    import_paths(store, [path])
    before = store.stats().events
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:12]))
    report = import_paths(store, [path])
    assert (report.events_new, report.problems) == (0, ())
    assert store.stats().events == before  # traces are append-only: nothing was lost either


def test_a_json_array_dump_rewritten_with_more_records_adds_only_those(data: Path, store: SQLiteStore) -> None:
    dump = data / "claude-code" / "hook-dumps" / "chat.json"
    import_paths(store, [dump])
    records = json.loads(dump.read_text())
    again = {**records[2], "uuid": "bbbbbbbb-0000-4000-8000-000000000009", "timestamp": "2025-08-01T09:01:00.000Z"}
    dump.write_text(json.dumps([*records, again], indent=2))  # same text typed again: a second occurrence
    report = import_paths(store, [dump])
    assert report.events_new == 1
    assert len(prompts(store, OLD_SESSION, "list the files here")) == 2


def test_a_json_array_still_being_written_waits_and_is_reported_once_stale(tmp_path: Path, store: SQLiteStore) -> None:
    dump = tmp_path / "chat.json"
    text = (FIXTURES / "claude-code" / "hook-dumps" / "chat.json").read_text()
    dump.write_text(text[: text.rindex("}")])  # the last element and the closing bracket are missing
    fresh = import_paths(store, [dump], stale_after=3600)
    assert fresh.problems == ()
    assert import_paths(store, [dump], stale_after=3600).unchanged_files == 0  # it will be read again
    stale = import_paths(store, [dump], stale_after=0)
    (problem,) = stale.problems
    assert "not valid JSON" in problem.message and problem.line is not None
    assert prompts(store, OLD_SESSION, "list the files here")  # the elements before it were imported


def test_a_transcript_of_an_unknown_future_version_imports_what_it_knows(tmp_path: Path, store: SQLiteStore) -> None:
    future = {"version": "9.0.0", "sessionId": "future", "hyperdrive": {"engaged": True}}
    records = [
        {**future, "type": "quantum-snapshot", "uuid": "q1"},
        {**future, "type": "user", "uuid": "u1", "message": {"role": "user", "content": "still a prompt"}},
        {**future, "type": "user", "uuid": "u2", "message": {"role": "user", "content": [{"type": "hologram"}]}},
        {**future, "type": "assistant", "uuid": "a1", "message": {"id": "m1", "content": [{"type": "telepathy"}]}},
    ]
    path = tmp_path / "future.jsonl"
    path.write_text("".join(line_of(record) for record in records))
    report = import_paths(store, [path])
    assert report.problems == ()
    assert report.skipped["quantum-snapshot"] == 1 and report.skipped["assistant:telepathy"] == 1
    assert [event.text for event in store.events("future")] == ["still a prompt", "[hologram]"]


def test_events_that_hooks_captured_are_not_stored_twice(data: Path, store: SQLiteStore) -> None:
    def hook_prompt(text: str) -> Event:
        return Event(
            keys.content_key(SESSION, "prompt", text), SESSION, EventKind.PROMPT, Origin.USER, Source.HOOK, text=text
        )

    tool_call = Event(
        keys.tool_call_key(SESSION, "toolu_1"),
        SESSION,
        EventKind.TOOL_CALL,
        Origin.AGENT,
        Source.HOOK,
        tool_name="Bash",
    )
    captured = [
        hook_prompt("use pnpm, not npm, in this repo"),
        hook_prompt("continue"),
        hook_prompt("continue"),
        tool_call,
    ]
    store.write(Batch(events=captured))
    report = import_paths(store, [main_file(data)])
    assert report.events_known == 4
    assert len(prompts(store, SESSION, "continue")) == 2
    (call,) = [event for event in store.events(SESSION) if event.key == tool_call.key]
    assert call.source == Source.HOOK  # the first copy stays


def test_every_event_is_redacted_before_it_is_written(tmp_path: Path, store: SQLiteStore) -> None:
    secret = "sk-ant-api03-" + "x1Y2z3" * 8
    call = {"type": "tool_use", "id": "toolu_s", "name": "Bash", "input": {"command": f"curl -H 'x-api-key: {secret}'"}}
    records = [
        {"type": "user", "sessionId": "s", "uuid": "u1", "message": {"content": f"my key is {secret}"}},
        {"type": "assistant", "sessionId": "s", "uuid": "a1", "message": {"id": "m", "content": [call]}},
    ]
    path = tmp_path / "secret.jsonl"
    path.write_text("".join(line_of(record) for record in records))
    import_paths(store, [path])
    stored = json.dumps([[event.text, event.tool_input] for event in store.events("s")])
    assert secret not in stored and "[REDACTED:anthropic_key]" in stored


class _CrashingStore:
    """A store that dies on its n-th write, as a process killed mid-import would."""

    def __init__(self, store: SQLiteStore, crash_on: int) -> None:
        self.store = store
        self.writes = 0
        self.crash_on = crash_on

    def write(self, batch: Batch) -> int:
        self.writes += 1
        if self.writes == self.crash_on:
            raise KeyboardInterrupt
        return self.store.write(batch)

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_a_crash_between_chunks_loses_nothing_and_duplicates_nothing(data: Path, tmp_path: Path) -> None:
    reference = SQLiteStore(tmp_path / "reference.db")
    import_paths(reference, [main_file(data)])
    crashed = SQLiteStore(tmp_path / "crashed.db")
    with pytest.raises(KeyboardInterrupt):
        import_paths(_CrashingStore(crashed, crash_on=3), [main_file(data)], chunk_events=4)  # type: ignore[arg-type]
    partial = crashed.stats().events
    resumed = import_paths(crashed, [main_file(data)], chunk_events=4)
    assert 0 < partial < reference.stats().events
    assert resumed.events_known == 0 and resumed.bytes < main_file(data).stat().st_size  # it went on from the cursor
    assert [event.key for event in crashed.events(SESSION)] == [event.key for event in reference.events(SESSION)]


def test_without_paths_it_reads_the_agents_own_folders(
    data: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(data / "claude-code"))
    monkeypatch.setenv("CODEX_HOME", str(data / "codex"))
    report = import_paths(store)
    assert report.files == 3 and report.problems == ()  # projects/ and sessions/, not the hook dumps
    assert store.session(SESSION) is not None and store.session(CODEX_SESSION) is not None


def test_a_rollout_resumed_mid_file_keeps_its_session_from_the_first_line(data: Path, store: SQLiteStore) -> None:
    original = next((data / "codex").rglob("rollout-*.jsonl"))
    renamed = original.with_name("rollout-renamed.jsonl")  # no session id in the name
    lines = original.read_text().splitlines(keepends=True)
    renamed.write_text("".join(lines[:9]))
    import_paths(store, [renamed])
    with renamed.open("a") as handle:
        handle.write("".join(lines[9:]))
    report = import_paths(store, [renamed])
    assert report.lines == len(lines) - 9
    assert store.session("rollout-renamed") is None
    whole = import_paths(SQLiteStore(":memory:"), [original])
    assert len(store.events(CODEX_SESSION)) == whole.events_new


def test_a_folder_of_another_machine_is_not_looked_up_on_this_one(tmp_path: Path, store: SQLiteStore) -> None:
    record = {"type": "user", "sessionId": "win", "cwd": "C:\\Users\\dev\\Project", "message": {"content": "hi"}}
    path = tmp_path / "win.jsonl"
    path.write_text(line_of(record))
    import_paths(store, [path])
    session = store.session("win")
    assert session is not None and session.project is not None
    assert (session.project.key, session.project.name) == ("path:C:\\Users\\dev\\Project", "Project")


# -- the command --------------------------------------------------------------------------


def test_the_command_prints_a_summary_and_problems_with_file_and_line(data: Path) -> None:
    with main_file(data).open("a") as handle:
        handle.write("{not json\n")
    result = CliRunner().invoke(import_command, [str(data)])
    assert result.exit_code == 0
    assert "Read 4 of 4 files" in result.output and "progress 2" in result.output
    assert f"{main_file(data)}:27: not valid JSON" in result.output


def test_the_command_prints_json(data: Path) -> None:
    result = CliRunner().invoke(import_command, [str(data), "--json"])
    report = json.loads(result.output)
    assert report["files"] == 4 and report["problems"] == [] and report["skipped"]["hologram"] == 1
    assert set(report) == set(ImportReport.__dataclass_fields__)


def test_the_command_explains_a_locked_store_and_keeps_what_was_written(
    data: Path, reverie_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reverie.store import sqlite as sqlite_store

    CliRunner().invoke(import_command, [str(data / "codex")])
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 50)
    with raw.write_lock_held(reverie_home / "reverie.db"):  # another process is writing
        result = CliRunner().invoke(import_command, [str(data)])
    assert isinstance(result.exception, ReverieError)
    assert "database is locked" in str(result.exception) and "resumes" in str(result.exception)
    again = CliRunner().invoke(import_command, [str(data), "--json"])
    assert json.loads(again.output)["unchanged_files"] == 1  # the rollout imported before the lock is kept


def test_the_command_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    result = CliRunner().invoke(import_command, [str(tmp_path / "nowhere")])
    assert isinstance(result.exception, InputError) and "no such file or folder" in str(result.exception)


def test_a_line_that_reappears_after_truncate_and_regrow_is_stored_once(tmp_path: Path) -> None:
    def record(uuid: str, kind: str, text: str) -> str:
        content: object = text if kind == "user" else [{"type": "text", "text": text}]
        message = {"role": kind, "content": content}
        return json.dumps(
            {"type": kind, "sessionId": "s1", "uuid": uuid, "timestamp": "2026-01-02T10:00:00Z", "message": message}
        )

    transcript = tmp_path / "s1.jsonl"
    lines = record("u1", "user", "hello") + "\n" + record("a1", "assistant", "hi there") + "\n"
    transcript.write_text(lines)
    store = SQLiteStore(tmp_path / "r.db")
    try:
        assert import_paths(store, [transcript], stale_after=0).events_new == 2
        transcript.write_text("")  # truncated (a tool that rewrites the file, a log rotation)
        assert import_paths(store, [transcript], stale_after=0).events_new == 0
        transcript.write_text(lines)  # and the same bytes again
        assert import_paths(store, [transcript], stale_after=0).events_new == 0
        transcript.write_text(lines + record("u2", "user", "hello") + "\n")  # typed again: a new event
        assert import_paths(store, [transcript], stale_after=0).events_new == 1
        assert [event.kind.value for event in store.events("s1")] == ["prompt", "assistant", "prompt"]
    finally:
        store.close()
