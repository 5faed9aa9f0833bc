"""A backend for Anthropic's memory tool (``memory_20250818``) that presents reverie's store as ``/memories``.

Agents built on the Anthropic API call the tool with ``view``, ``create``, ``str_replace``, ``insert``,
``delete`` and ``rename``; the application runs :meth:`MemoryTool.execute` and returns the text. What
the agent sees:

    /memories/README.md                  how this directory works
    /memories/project/<lesson id>.md     the active lessons of this project (read-only)
    /memories/global/<lesson id>.md      the active lessons of every project (read-only)
    /memories/<anything else>            the agent's own notes: real files, each one a proposal

Only this project's and global lessons appear: another project's lessons are out of scope here as
they are for recall. Nothing the agent writes changes a lesson. Editing a lesson file records an
edit proposal, deleting one a forget proposal; a note it creates or edits is kept as a file under
``<home>/memories/`` and recorded as a lesson proposal (the previous proposal for the same file is
withdrawn). A person reviews proposals; none is applied here.

Paths are checked before anything is touched: they must be absolute under ``/memories``, with no
``..``, ``.`` or empty segments (also when percent-encoded), no backslashes, NUL or control
characters, and within length limits. Notes live in a real directory, reached only through directory
descriptors (``recall/sandbox.py``): a symlink anywhere on a note's path, a hard-linked file or a
directory swapped for a symlink mid-call is refused at the moment of use, and a note is written whole
(temporary file, then rename) or not at all. A note is redacted (``capture.redact``) before it is
stored, like everything else reverie keeps.

``execute`` never raises: refusals, bad input and file-system failures come back as an error result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from reverie.app import proposals as propose
from reverie.capture.redact import redact_text
from reverie.domain.lessons import Lesson, LessonStatus, ScopeLevel
from reverie.errors import InputError, ReverieError
from reverie.recall import proposals
from reverie.recall.sandbox import NotesDir
from reverie.workspace import Workspace

ROOT = "/memories"
LESSON_DIRS = {"project": ScopeLevel.PROJECT, "global": ScopeLevel.GLOBAL}
README = "README.md"
MAX_PATH_CHARS = 1024
MAX_SEGMENT_CHARS = 255
MAX_FILE_CHARS = 100_000
VIA = "memory-tool"
README_TEXT = """# reverie memory

project/ and global/ hold the lessons reverie learned from earlier sessions, one file each.
They are read-only: editing or deleting one records a proposal that the user reviews.
Any other file you create here is kept as your note and proposed as a new lesson for review.
"""


class MemoryToolError(ReverieError):
    """A command the memory tool refuses; the message goes back to the agent."""


@dataclass(frozen=True)
class MemoryResult:
    text: str
    is_error: bool = False


class MemoryTool:
    """One agent's view of the memory: this project's lessons, global lessons, its own notes."""

    def __init__(self, workspace: Workspace, project: str | None, notes_dir: Path | None = None) -> None:
        self.workspace = workspace
        self.project = project
        self.notes_dir = notes_dir or workspace.home / "memories"
        self.notes = NotesDir(self.notes_dir)

    def execute(self, command: Mapping[str, Any]) -> MemoryResult:
        """Run one tool call; refusals and bad input come back as an error result, never raised."""
        name = command.get("command")
        handlers: dict[str, Callable[[Mapping[str, Any]], str]] = {
            "view": self._view,
            "create": self._create,
            "str_replace": self._str_replace,
            "insert": self._insert,
            "delete": self._delete,
            "rename": self._rename,
        }
        handler = handlers.get(name) if isinstance(name, str) else None
        if handler is None:
            return MemoryResult(f"Error: unknown command {name!r}", is_error=True)
        try:
            return MemoryResult(handler(command))
        except (InputError, ReverieError) as error:
            return MemoryResult(f"Error: {error}", is_error=True)
        except (OSError, ValueError) as error:  # the sandbox maps its own; this keeps the promise for the rest
            return MemoryResult(f"Error: {type(error).__name__}: {error}", is_error=True)

    # -- commands ------------------------------------------------------------------------------

    def _view(self, command: Mapping[str, Any]) -> str:
        segments = parse_path(command.get("path"))
        if not segments or (len(segments) == 1 and segments[0] in LESSON_DIRS):
            return self._listing(segments)
        text = self._read(segments)
        return _numbered(text, command.get("view_range"))

    def _create(self, command: Mapping[str, Any]) -> str:
        segments = parse_path(command.get("path"))
        text = _text(command.get("file_text"), "file_text")
        self._refuse_virtual(segments, "create")
        self._write_note(segments, text)
        return f"Created {_join(segments)}; recorded as a proposed lesson for the user's review."

    def _str_replace(self, command: Mapping[str, Any]) -> str:
        segments = parse_path(command.get("path"))
        old, new = _text(command.get("old_str"), "old_str"), _text(command.get("new_str"), "new_str")
        text = self._read(segments)
        count = text.count(old) if old else 0
        if count != 1:
            raise MemoryToolError(f"old_str must appear exactly once in {_join(segments)} (found {count} times)")
        return self._change(segments, text.replace(old, new, 1))

    def _insert(self, command: Mapping[str, Any]) -> str:
        segments = parse_path(command.get("path"))
        line, addition = command.get("insert_line"), _text(command.get("insert_text"), "insert_text")
        lines = self._read(segments).splitlines(keepends=True)
        if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line <= len(lines):
            raise MemoryToolError(f"insert_line must be a line number from 0 to {len(lines)}")
        addition = addition if addition.endswith("\n") else addition + "\n"
        return self._change(segments, "".join(lines[:line]) + addition + "".join(lines[line:]))

    def _delete(self, command: Mapping[str, Any]) -> str:
        segments = parse_path(command.get("path"))
        lesson = self._lesson_at(segments)
        if lesson is not None:
            row = propose.propose_forget(self.workspace, lesson.id, "deleted through the memory tool", via=VIA)
            return f"Recorded proposal {row.id} to forget {lesson.id}; the lesson stays until the user reviews it."
        self._refuse_virtual(segments, "delete")
        self.notes.delete(segments)
        self._withdraw_note(segments)
        return f"Deleted {_join(segments)} and withdrew its proposal."

    def _rename(self, command: Mapping[str, Any]) -> str:
        old, new = parse_path(command.get("old_path")), parse_path(command.get("new_path"))
        for segments in (old, new):
            self._refuse_virtual(segments, "rename")
        text = self.notes.read(old, MAX_FILE_CHARS)
        self._write_note(new, text, replace=False)
        self.notes.delete(old)
        self._withdraw_note(old)
        return f"Renamed {_join(old)} to {_join(new)}; the proposal follows the file."

    # -- lessons (virtual, read-only) ----------------------------------------------------------

    def _lessons(self, level: ScopeLevel) -> list[Lesson]:
        project = self.project if level is ScopeLevel.PROJECT else None
        if level is ScopeLevel.PROJECT and not project:
            return []
        found = self.workspace.store.lessons(project=project, scope=level, statuses=[LessonStatus.ACTIVE])
        return [lesson for lesson in found if level is ScopeLevel.GLOBAL or lesson.scope.project == project]

    def _lesson_at(self, segments: list[str]) -> Lesson | None:
        if len(segments) != 2 or segments[0] not in LESSON_DIRS or not segments[1].endswith(".md"):
            return None
        wanted = segments[1].removesuffix(".md")
        return next((lesson for lesson in self._lessons(LESSON_DIRS[segments[0]]) if lesson.id == wanted), None)

    def _refuse_virtual(self, segments: list[str], verb: str) -> None:
        if not segments or segments[0] in LESSON_DIRS or segments == [README]:
            raise MemoryToolError(
                f"cannot {verb} {_join(segments)}: lessons are read-only (edit one to propose a change)"
            )

    def _read(self, segments: list[str]) -> str:
        if segments == [README]:
            return README_TEXT
        lesson = self._lesson_at(segments)
        if lesson is not None:
            return render_lesson(lesson)
        if segments and segments[0] in LESSON_DIRS:
            raise MemoryToolError(f"{_join(segments)} does not exist")
        return self.notes.read(segments, MAX_FILE_CHARS)

    def _change(self, segments: list[str], text: str) -> str:
        lesson = self._lesson_at(segments)
        if lesson is not None:
            statement = text.split("\n---", 1)[0].strip()
            row = propose.propose_edit(self.workspace, lesson.id, statement, "edited through the memory tool", via=VIA)
            return f"Recorded proposal {row.id} to reword {lesson.id}; the lesson stays until the user reviews it."
        self._refuse_virtual(segments, "edit")
        if not self.notes.is_file(segments):
            raise MemoryToolError(f"{_join(segments)} does not exist")
        self._write_note(segments, text)
        return f"Edited {_join(segments)}; the proposal now has the new text."

    def _listing(self, segments: list[str]) -> str:
        lines = [f"Files in {_join(segments)} (lessons are read-only; other files are your notes):"]
        if not segments:
            lines.append(f"{ROOT}/{README}")
            for name, level in LESSON_DIRS.items():
                lines.append(f"{ROOT}/{name}/ ({len(self._lessons(level))} lessons)")
            lines.extend(f"{ROOT}/{rel}" for rel in self._notes())
            return "\n".join(lines)
        lessons = self._lessons(LESSON_DIRS[segments[0]])
        lines.extend(f"{ROOT}/{segments[0]}/{lesson.id}.md  {_first_line(lesson.statement)}" for lesson in lessons)
        return "\n".join(lines)

    # -- notes (real files) --------------------------------------------------------------------

    def _write_note(self, segments: list[str], text: str, *, replace: bool = True) -> None:
        if len(text) > MAX_FILE_CHARS:
            raise MemoryToolError(f"a note is at most {MAX_FILE_CHARS} characters")
        text = redact_text(text)  # a note is kept on disk: no secret in it, as in everything reverie keeps
        self.notes.write(segments, text, replace=replace)  # refused (symlink, hard link, ...) before any proposal
        proposal = propose.propose_lesson(
            self.workspace,
            text,
            scope="project" if self.project else "global",
            project=self.project,
            reason=f"written to {_join(segments)} through the memory tool",
            via=VIA,
            details={"path": _join(segments)},
        )
        self._withdraw_note(segments, keep=proposal.id)

    def _withdraw_note(self, segments: list[str], keep: str | None = None) -> None:
        for row in proposals.pending(self.workspace):
            if row.via == VIA and row.body.get("path") == _join(segments) and row.id != keep:
                proposals.withdraw(self.workspace, row.id)

    def _notes(self) -> list[str]:
        return self.notes.names()


def parse_path(path: object) -> list[str]:
    """The segments after ``/memories``; ``MemoryToolError`` for anything that is not plainly inside it."""
    if not isinstance(path, str) or not path:
        raise MemoryToolError("path must be a non-empty string")
    if len(path) > MAX_PATH_CHARS or any(ord(char) < 32 or char in "\\\x7f" for char in path):
        raise MemoryToolError("path has control characters or backslashes, or is too long")
    if unquote(path) != path:
        raise MemoryToolError("percent-encoded characters are not accepted in paths")
    if path != ROOT and not path.startswith(ROOT + "/"):
        raise MemoryToolError(f"paths must be inside {ROOT}")
    if path in (ROOT, ROOT + "/"):
        return []
    segments = path[len(ROOT) + 1 :].split("/")
    for segment in segments:
        if segment in ("", ".", "..") or len(segment) > MAX_SEGMENT_CHARS:
            raise MemoryToolError(f"invalid path segment {segment!r}")
    return segments


def render_lesson(lesson: Lesson) -> str:
    sessions = len(lesson.sessions)
    return (
        f"{lesson.statement}\n\n---\n"
        f"id: {lesson.id}\nscope: {lesson.scope.describe()}\nkind: {lesson.kind.value}\n"
        f"confidence: {lesson.confidence.value:.2f}\nstatus: {lesson.status.value}\n"
        f"evidence: {len(lesson.evidence)} item(s) from {sessions} session(s)\n"
    )


def _numbered(text: str, view_range: object) -> str:
    lines = text.splitlines()
    start, end = 1, len(lines)
    if view_range is not None:
        if not (
            isinstance(view_range, list | tuple)
            and len(view_range) == 2
            and all(isinstance(n, int) for n in view_range)
        ):
            raise MemoryToolError("view_range must be [first line, last line] (-1 for the end)")
        start, end = view_range[0], len(lines) if view_range[1] == -1 else view_range[1]
        if not 1 <= start <= max(1, len(lines)) or end < start:
            raise MemoryToolError(f"view_range {list(view_range)} is outside the file's {len(lines)} lines")
    return "\n".join(f"{number:6d}\t{lines[number - 1]}" for number in range(start, min(end, len(lines)) + 1))


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise MemoryToolError(f"{name} must be a string")
    return value


def _join(segments: list[str]) -> str:
    return "/".join([ROOT, *segments])


def _first_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 100 else line[:99] + "\u2026"
