"""Transcript import: agent transcripts on disk become events in the store, incrementally.

Claude Code deletes transcripts after 30 days, so ``reverie import`` keeps their content first. It
reads the transcript formats of the agents in the extension table (``reverie.adapters.registry``):
Claude Code JSONL (and the same records as one JSON array, as some Stop hooks dump them), Codex
rollouts and Aider's ``.aider.chat.history.md`` (lines of text). The adapters' pure parsers turn
records into events, and this module does the I/O around them, with four promises:

* **Incremental.** An ``ImportCursor`` per file remembers how far it was read (byte offset, line
  count) and which file that was (device, inode and a digest of its first bytes). A re-run reads only
  the new bytes; a file that was replaced or truncated is read again from the start. A last line
  without its newline is left for the next run (the agent may still be writing it) unless the file
  has not changed for ``stale_after`` seconds.
* **Nothing twice.** Events carry the idempotency keys of ``reverie.domain.keys``, so an event that
  a hook already captured is not stored again. Prompts are keyed by content plus the store's
  per-source ordinal; when a file is read again from the start, each occurrence that the store already
  knows keeps its key (``_Reread``), so the re-read adds only what is new.
* **Nothing lost, nothing half-written.** Events are written in chunks through ``store.write``
  together with the cursor that covers them: a crash loses at most the chunk in flight, and the next
  run starts where the last committed chunk ended. Files are streamed a line (or an array element) at
  a time, so memory stays flat however large the file.
* **Bad input is reported, never fatal.** A malformed line is a ``Problem`` (file and 1-based line)
  and is skipped; an unreadable, binary or vanished file is a ``Problem`` and the import goes on with
  the next one. Record types that the parsers do not know are counted in ``skipped``.

Every event is stripped of inline base64 images here and redacted (``reverie.capture.redact``) by
the store as it is written.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from reverie.adapters.registry import agents
from reverie.capture.project import identify
from reverie.capture.reading import (
    MAX_LINE_BYTES,
    Blank,
    Garbled,
    Incomplete,
    array_records,
    decode_bounded,
    line_records,
    open_regular,
    text_lines,
)
from reverie.domain import Event, Project, Session, keys
from reverie.domain.text import utf8_safe
from reverie.extensions import TranscriptFormat, TranscriptParser
from reverie.store import Batch, ImportCursor, Store

CHUNK_EVENTS = 1000
CHUNK_TEXT_CHARS = 8_000_000
STALE_AFTER_SECONDS = 120.0
PROBLEMS_PER_FILE = 20

_HEAD_BYTES = 4096  # what identifies a file: its first bytes do not change as it grows
_INLINE_IMAGE = re.compile(
    r"(?:data:[\w.+-]+/[\w.+-]+;base64,[A-Za-z0-9+/=]{64,}|(?:iVBORw0KGgo|/9j/|R0lGOD|UklGR)[A-Za-z0-9+/=]{256,})"
)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    files: int  # files examined
    unchanged_files: int  # of which nothing was new
    bytes: int  # bytes read
    lines: int  # lines (or array elements) read
    events_new: int
    events_known: int  # already stored, from a hook or an earlier import
    sessions: int
    problems: tuple[Problem, ...]
    skipped: dict[str, int]  # records not imported, by type


@dataclass
class _Tally:
    """What one import run has done so far (mutable while the run lasts; frozen into the report)."""

    files: int = 0
    unchanged_files: int = 0
    bytes: int = 0
    lines: int = 0
    events_new: int = 0
    events_known: int = 0
    sessions: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    projects: dict[str, Project] = field(default_factory=dict)

    def report(self) -> ImportReport:
        return ImportReport(
            files=self.files,
            unchanged_files=self.unchanged_files,
            bytes=self.bytes,
            lines=self.lines,
            events_new=self.events_new,
            events_known=self.events_known,
            sessions=len(self.sessions),
            problems=tuple(self.problems),
            skipped=dict(self.skipped.most_common()),
        )


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where to read one file from."""

    offset: int
    line: int
    reread: bool  # read before, but replaced or truncated since: read again from the start


def import_paths(
    store: Store,
    paths: Sequence[Path] | None = None,
    *,
    stale_after: float = STALE_AFTER_SECONDS,
    chunk_events: int = CHUNK_EVENTS,
    clock: Callable[[], float] = time.time,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import transcripts: the given files and folders, or the agents' default transcript folders.
    ``progress(done, total)`` is called after each file (the CLI draws a bar from it on a terminal)."""
    tally = _Tally()
    files, missing = discover(paths)
    tally.problems.extend(missing)
    for number, path in enumerate(files, 1):
        tally.files += 1
        _FileImport(store, path, tally, chunk_events, clock() - stale_after).run()
        if progress is not None:
            progress(number, len(files))
    return tally.report()


def default_folders() -> list[Path]:
    """Where the agents keep their transcripts on this machine (Aider keeps none: its history sits in
    each repository, so it is imported by naming the file or a folder that holds one)."""
    return [folder for agent in agents() for folder in agent.default_folders()]


def discover(paths: Sequence[Path] | None) -> tuple[list[Path], list[Problem]]:
    """The transcript files under ``paths`` (files as given, folders walked), in a stable order."""
    roots = list(paths) if paths is not None else [folder for folder in default_folders() if folder.is_dir()]
    files: list[Path] = []
    problems: list[Problem] = []
    for given in roots:
        root = Path(os.path.abspath(os.path.expanduser(given)))
        if root.is_dir():
            files.extend(_walk(root, problems))
        elif root.exists():
            files.append(root)
        else:
            problems.append(Problem(str(root), None, "no such file or folder"))
    return list(dict.fromkeys(files)), problems  # a file named twice (or inside a named folder) once


def _walk(root: Path, problems: list[Problem]) -> Iterator[Path]:
    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename or root), None, f"cannot list: {error.strerror or error}"))

    formats = _formats()
    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if any(form.walks(name) for form in formats) or (name.endswith(".json") and _holds_transcript_array(path)):
                yield path


def _holds_transcript_array(path: Path) -> bool:
    """A ``.json`` file in a folder is imported only if it is an array of transcript records."""
    try:
        with open_regular(path) as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return True  # let the import report why it cannot be read
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[") and any(
        field_name in head for field_name in (b'"sessionId"', b'"parentUuid"', b'"leafUuid"')
    )


class _FileImport:
    """One file's import: plan where to start, stream its records, write them in chunks."""

    def __init__(self, store: Store, path: Path, tally: _Tally, chunk_events: int, stale_before: float) -> None:
        self.store = store
        self.path = path
        self.name = str(path)
        self.tally = tally
        self.chunk_events = chunk_events
        self.stale_before = stale_before
        self.parser: TranscriptParser | None = None
        self.text_format: TranscriptFormat | None = None
        self.reread: _Reread | None = None
        self.problems = 0
        self.sessions_written: dict[str, Session] = {}

    def run(self) -> None:
        try:
            with open_regular(self.path) as handle:
                self._read(handle)
        except OSError as error:
            self._problem(None, f"cannot read: {error.strerror or error}")
        except (RecursionError, MemoryError, UnicodeError) as error:  # one bad file never ends the import
            self._problem(None, f"given up on this file ({type(error).__name__}: {str(error)[:200]})")

    def _read(self, handle: BinaryIO) -> None:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            self._problem(None, "not a regular file")
            return
        head = handle.read(_HEAD_BYTES)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        self.text_format = _text_format(self.path, head)
        if self.text_format is not None and b"\0" in head:
            self._problem(None, "not a transcript: a binary file")
            return
        if self.text_format is None and start not in (
            b"",
            b"{",
            b"[",
        ):  # NUL bytes further in are bad lines, not a bad file
            kind = "a binary" if b"\0" in head else "a text"
            self._problem(None, f"not a transcript: {kind} file, not JSON")
            return
        is_array = start == b"["

        plan = self._plan(status, head, is_array)
        if plan is None:
            self.tally.unchanged_files += 1
            return
        if plan.reread:
            self.reread = _Reread(self.store)
        if plan.offset > 0:
            self._prime(handle, plan.offset)
        final = status.st_mtime < self.stale_before
        identity = _identity(status, head)
        records = (
            text_lines(handle, plan.offset, plan.line, final)
            if self.text_format is not None
            else array_records(handle, status.st_size, final)
            if is_array
            else line_records(handle, plan.offset, plan.line, final)
        )
        end = self._consume(records, plan, identity, is_array)
        self.tally.bytes += max(end - plan.offset, 0)

    def _plan(self, status: os.stat_result, head: bytes, is_array: bool) -> _Plan | None:
        cursor = self.store.import_cursor(self.name)
        if cursor is None:
            return _Plan(0, 0, reread=False)
        same_file = _same_identity(cursor.identity, status, head)
        if same_file and status.st_size == cursor.offset:
            return None
        if same_file and status.st_size > cursor.offset and (not is_array or self.text_format is not None):
            # From offset 0 the file was read before and emptied (truncated, then written again): what it
            # holds now may repeat what is stored, byte for byte, so occurrences keep their stored keys.
            return _Plan(cursor.offset, cursor.line, reread=cursor.offset == 0)
        return _Plan(0, 0, reread=True)  # a JSON array is rewritten whole, so it is read whole

    def _prime(self, handle: BinaryIO, offset: int) -> None:
        """Resuming mid-file: show the parser the first line (a Codex rollout names its session there),
        or every earlier line of a text format (an Aider session starts at a header line further up)."""
        handle.seek(0)
        if self.text_format is not None:
            self.parser = self.text_format.parser(self.path)
            while handle.tell() < offset and (raw := handle.readline(MAX_LINE_BYTES)):
                self.parser.prime(raw.decode("utf-8", "replace"))
            return
        try:
            first = decode_bounded(handle.readline(MAX_LINE_BYTES))
        except ValueError:
            return
        self.parser = _json_parser(first, self.path)
        self.parser.prime(first)

    def _consume(self, records: Iterator[tuple[int, int, object]], plan: _Plan, identity: str, is_array: bool) -> int:
        """Parse and write the records; the offset up to which the file is now imported."""
        chunk: list[Event] = []
        chars = 0
        offset, line = plan.offset, plan.line
        for line, offset, record in records:
            if isinstance(record, Incomplete):
                return plan.offset  # a JSON array still being written: leave the cursor where it was
            self.tally.lines += 1
            events = self._parse(record, line)
            if events:
                chunk.extend(events)
                chars += sum(len(event.text) for event in events)
            if len(chunk) >= self.chunk_events or chars >= CHUNK_TEXT_CHARS:
                # A JSON array is read whole or not at all, so only its last chunk moves the cursor.
                self._write(chunk, None if is_array else ImportCursor(self.name, offset, identity, line))
                chunk, chars = [], 0
        if self.parser is not None:
            chunk.extend(self.parser.finish())
            self.tally.skipped.update(self.parser.skipped)
        self._write(chunk, ImportCursor(self.name, offset, identity, line))
        return offset

    def _parse(self, record: object, line: int) -> list[Event]:
        if isinstance(record, Blank):
            return []
        if isinstance(record, ValueError):
            self._problem(
                line, f"not valid JSON, skipped ({record})" if self.text_format is None else f"{record}, skipped"
            )
            return []
        if isinstance(record, Garbled):
            self._problem(line, "not UTF-8: the bytes that are not were replaced")
            record = record.text
        if self.parser is None:
            self.parser = self._parser_for(record)
        try:
            return self.parser.feed(record, line)
        except RecursionError:
            self._problem(line, "record nested too deeply, skipped")
            return []
        except (TypeError, AttributeError, KeyError, ValueError) as error:  # a shape no version wrote before
            self._problem(line, f"record of an unexpected shape, skipped ({type(error).__name__}: {error})")
            return []

    def _parser_for(self, record: object) -> TranscriptParser:
        if self.text_format is not None:
            return self.text_format.parser(self.path)
        return _json_parser(record, self.path)

    def _write(self, events: list[Event], cursor: ImportCursor | None) -> None:
        prepared = [self._prepare(event) for event in events]
        # Only sessions whose start, end or folder moved since the last chunk: a file may hold many.
        seen = self.parser.sessions() if self.parser else []
        changed = [session for session in seen if self.sessions_written.get(session.id) != session]
        batch = Batch(events=prepared, sessions=[self._with_project(s) for s in changed], cursor=cursor)
        new = self.store.write(batch)
        self.sessions_written.update((session.id, session) for session in changed)
        self.tally.events_new += new
        self.tally.events_known += len(prepared) - new
        self.tally.sessions.update(session.id for session in changed)

    def _prepare(self, event: Event) -> Event:
        if self.reread is not None:
            event = self.reread.complete(event)
        text = _without_inline_images(utf8_safe(event.text))
        # Redaction happens in the store's write (store/gate.py), the one gate that nothing bypasses.
        return replace(event, text=text) if text is not event.text else event

    def _with_project(self, session: Session) -> Session:
        if session.cwd is None or session.project is not None:
            return session
        project = self.tally.projects.get(session.cwd)
        if project is None:
            project = self.tally.projects[session.cwd] = _project_of(session.cwd)
        return replace(session, project=project)

    def _problem(self, line: int | None, message: str) -> None:
        self.problems += 1
        if self.problems <= PROBLEMS_PER_FILE:
            self.tally.problems.append(Problem(self.name, line, message))
        elif self.problems == PROBLEMS_PER_FILE + 1:
            self.tally.problems.append(Problem(self.name, None, "more problems in this file are not listed"))


class _Reread:
    """Keys for a file read again from the start: an occurrence the store knows keeps its key.

    A prompt's key is its content plus the store's ordinal ("the n-th time this text was typed in
    this session"). Read again, the n-th occurrence must get the key that it got the first time (or
    that the hook gave it), not a new ordinal: it takes the n-th ordinal that the store already holds
    for that text. Only occurrences beyond those are left to the store to number.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: Counter[str] = Counter()
        self.known: dict[str, dict[str, list[str]]] = {}  # session -> pending key -> stored keys in order

    def complete(self, event: Event) -> Event:
        if not keys.needs_ordinal(event.key):
            return event
        occurrence = self.seen[event.key]
        self.seen[event.key] += 1
        stored = self._stored(event.session_id).get(event.key, [])
        return replace(event, key=stored[occurrence]) if occurrence < len(stored) else event

    def _stored(self, session_id: str) -> dict[str, list[str]]:
        if session_id not in self.known:
            by_basis: dict[str, list[tuple[int, str]]] = {}
            for event in self.store.events(session_id):
                basis, _, ordinal = event.key.rpartition("#")
                if basis and ordinal.isdigit():
                    by_basis.setdefault(basis + keys.PENDING_ORDINAL, []).append((int(ordinal), event.key))
            self.known[session_id] = {basis: [key for _, key in sorted(found)] for basis, found in by_basis.items()}
        return self.known[session_id]


def _formats() -> list[TranscriptFormat]:
    return [form for agent in agents() for form in agent.transcripts]


def _text_format(path: Path, head: bytes) -> TranscriptFormat | None:
    return next((form for form in _formats() if form.records == "text" and form.claims(path, head)), None)


def _json_parser(record: object, path: Path) -> TranscriptParser:
    """The JSON format that claims this first record; the fallback (Claude Code) takes the rest."""
    forms = [form for form in _formats() if form.records == "json"]
    claimed = next((form for form in forms if not form.fallback and form.claims(path, record)), None)
    chosen = claimed or next((form for form in forms if form.fallback), None)
    if chosen is None:
        raise ValueError("no agent reads this kind of transcript")
    return chosen.parser(path)


def _project_of(cwd: str) -> Project:
    """A folder of another machine (a Windows path read on Linux) is not looked up here: relative to
    this process, it would name whatever repository the import runs in."""
    if os.path.isabs(cwd):
        return identify(cwd)
    return Project(key=f"path:{cwd}", name=re.split(r"[\\/]", cwd.rstrip("\\/"))[-1] or cwd)


def _identity(status: os.stat_result, head: bytes) -> str:
    return f"{status.st_dev}:{status.st_ino}:{len(head)}:{hashlib.sha256(head).hexdigest()[:32]}"


def _same_identity(identity: str, status: os.stat_result, head: bytes) -> bool:
    """The same file as when the cursor was saved: same inode, and the bytes hashed then unchanged."""
    try:
        device, inode, length, digest = identity.split(":")
        hashed = int(length)
    except ValueError:
        return False
    if (device, inode) != (str(status.st_dev), str(status.st_ino)) or len(head) < hashed:
        return False
    return hashlib.sha256(head[:hashed]).hexdigest()[:32] == digest


def _without_inline_images(text: str) -> str:
    # One substring search per marker: a regular expression of the five alternatives tests every
    # character against its first letters, ten times slower, and this runs over every event's text.
    if "base64," in text or "iVBORw0KGgo" in text or "/9j/" in text or "R0lGOD" in text or "UklGR" in text:
        return _INLINE_IMAGE.sub("[image]", text)
    return text
