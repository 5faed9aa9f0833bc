"""Aider's ``.aider.chat.history.md`` in, domain events out: one line at a time, no I/O.

Aider appends every chat to one Markdown file in the folder it runs in (usually a repository's root,
and often committed). Its shape, as aider writes it:

* ``# aider chat started at YYYY-MM-DD HH:MM:SS`` starts a session (local time, no zone);
* lines starting with ``#### `` are what the person typed; consecutive ones are one message. A
  slash command (``#### /ask how ...``) is followed by the message it carries, repeated as a plain
  ``#### `` block, so the command is a ``SYSTEM`` notice and the repetition the prompt (the command's
  text is the prompt when no repetition follows, as older versions wrote it). In architect mode the
  architect's reply is handed to the editor model as a ``#### `` block: a block equal to the last
  reply is that hand-off, not the person;
* lines starting with ``> `` are aider's own output (files added, commands run, errors, token
  counts): ``TOOL`` text, untrusted;
* everything else is the model's reply.

Events are keyed by content plus the store's ordinal, like prompts elsewhere: an edited or merged
history shifts line numbers but not what was said, so a re-import adds nothing twice. Every event
keeps its 1-based line. Lines the format does not know are the model's text, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reverie.domain import Event, EventKind, Origin, Session, Source, keys
from reverie.domain.markers import contains_injected
from reverie.domain.text import utf8_safe

AGENT = "aider"
FILE_NAME = ".aider.chat.history.md"
HEADER_PREFIX = "# aider chat started at"

_HEADER = re.compile(r"^# aider chat started at (?P<at>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2})")
_COMMAND = re.compile(r"^/(?P<name>[a-z][a-z-]*)\b\s*(?P<rest>.*)$", re.DOTALL)
# Commands whose text is a message to the model; the others (/add, /run, /commit, ...) steer aider.
_CHAT_COMMANDS = frozenset({"ask", "code", "architect", "context", "help"})
_USER, _OUTPUT, _REPLY = "user", "output", "reply"
# A block longer than this is cut into several events: a history with megabytes of pasted output and
# no line aider marks would otherwise be held whole in memory, and stored as one event.
MAX_BLOCK_CHARS = 1_000_000


@dataclass
class _Block:
    kind: str
    line: int
    lines: list[str] = field(default_factory=list)
    chars: int = 0

    def add(self, text: str) -> None:
        self.lines.append(text)
        self.chars += len(text) + 1

    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class _Pending:
    """A chat command's text, waiting to see whether aider repeats it as the message."""

    text: str
    line: int


class AiderHistory:
    """The parser of one ``.aider.chat.history.md``. Feed it lines (``str``) in file order."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.cwd = str(Path(path).parent)
        self._path_digest = hashlib.sha256(path.encode("utf-8", "replace")).hexdigest()[:12]
        self.skipped: Counter[str] = Counter()
        self._sessions: dict[str, Session] = {}
        self._session_id: str | None = None
        self._started_at: str | None = None
        self._block: _Block | None = None
        self._pending: _Pending | None = None
        self._last_reply = ""

    def prime(self, record: object) -> None:
        """Resuming further down the file: earlier lines only tell which session is open."""
        if isinstance(record, str) and (match := _HEADER.match(record)):
            self._start(match)
            self._last_reply = ""

    def feed(self, record: object, line: int) -> list[Event]:
        if not isinstance(record, str):
            self.skipped["(not a line of text)"] += 1
            return []
        text = record.rstrip("\r\n")
        if match := _HEADER.match(text):
            events = self._close()
            self._start(match)
            return events
        kind, body = _classify(text)
        if kind is None:  # a blank line ends a typed message or aider's output, not a reply
            if self._block is not None and self._block.kind == _REPLY:
                self._block.add("")
                return []
            return self._close()
        if self._block is not None and self._block.kind == kind and self._block.chars < MAX_BLOCK_CHARS:
            self._block.add(body)
            return []
        events = self._close()
        self._block = _Block(kind, line)
        self._block.add(body)
        return events

    def finish(self) -> list[Event]:
        return self._close() + self._flush_pending()

    def sessions(self) -> list[Session]:
        return list(self._sessions.values())

    # -- blocks --------------------------------------------------------------------------------

    def _start(self, match: re.Match[str]) -> None:
        self._started_at = f"{match['at']}T{match['time']}"
        self._session_id = f"aider-{self._path_digest}-{match['at']}T{match['time']}"
        session = Session(
            id=self._session_id,
            agent=AGENT,
            cwd=self.cwd,
            started_at=self._started_at,
            ended_at=self._started_at,
            transcript_path=self.path,
        )
        self._sessions.setdefault(session.id, session)

    def _close(self) -> list[Event]:
        block, self._block = self._block, None
        if block is None:
            return []
        text = block.text()
        if not text.strip():
            return []
        if self._session_id is None:  # lines before any header: a history whose start was cut off
            self._start_unknown()
        if block.kind == _OUTPUT:
            return [*self._flush_pending(), self._event(block.line, EventKind.TOOL_RESULT, Origin.TOOL, text)]
        if block.kind == _REPLY:
            self._last_reply = _words(text)
            origin = Origin.INJECTED if contains_injected(text) else Origin.AGENT
            return [*self._flush_pending(), self._event(block.line, EventKind.ASSISTANT, origin, text)]
        return self._typed(block.line, text)

    def _typed(self, line: int, text: str) -> list[Event]:
        command = _COMMAND.match(text)
        if command is not None:
            events = self._flush_pending()
            rest = command["rest"].strip()
            if command["name"] in _CHAT_COMMANDS and rest:
                self._pending = _Pending(rest, line)
            data = {"command": f"/{command['name']}"}
            return [*events, self._event(line, EventKind.NOTICE, Origin.SYSTEM, text, data=data)]
        pending, self._pending = self._pending, None
        events = [] if pending is None or _words(pending.text) == _words(text) else [self._prompt(pending)]
        if self._last_reply and _words(text) == self._last_reply:
            handoff = {"handoff": "architect"}
            return [*events, self._event(line, EventKind.NOTICE, Origin.SYSTEM, text, data=handoff)]
        return [*events, self._prompt(_Pending(text, line))]

    def _flush_pending(self) -> list[Event]:
        pending, self._pending = self._pending, None
        return [] if pending is None else [self._prompt(pending)]

    def _prompt(self, typed: _Pending) -> Event:
        if contains_injected(typed.text):
            return self._event(typed.line, EventKind.NOTICE, Origin.INJECTED, typed.text)
        return self._event(typed.line, EventKind.PROMPT, Origin.USER, typed.text)

    def _start_unknown(self) -> None:
        self._session_id = f"aider-{self._path_digest}-unknown"
        self._sessions.setdefault(
            self._session_id, Session(id=self._session_id, agent=AGENT, cwd=self.cwd, transcript_path=self.path)
        )

    def _event(
        self, line: int, kind: EventKind, origin: Origin, text: str, *, data: dict[str, str] | None = None
    ) -> Event:
        assert self._session_id is not None  # _close starts a session first
        text = utf8_safe(text)
        return Event(
            key=keys.content_key(self._session_id, f"aider-{kind.value}", text),
            session_id=self._session_id,
            kind=kind,
            origin=origin,
            source=Source.TRANSCRIPT,
            timestamp=self._started_at,
            text=text,
            tool_name="aider" if kind is EventKind.TOOL_RESULT else None,
            transcript_path=self.path,
            transcript_line=line,
            data=dict(data or {}),
        )


def _classify(text: str) -> tuple[str | None, str]:
    """The block a line belongs to and its text without the prefix; ``None`` for a blank line."""
    if text.startswith("####"):
        return _USER, _without_break(text[5:] if text.startswith("#### ") else text[4:])
    if text.startswith(">"):
        return _OUTPUT, _without_break(text[2:] if text.startswith("> ") else text[1:])
    if not text.strip():
        return None, ""
    return _REPLY, text


def _without_break(text: str) -> str:
    """Aider ends typed and output lines with two spaces (a Markdown line break)."""
    return text[:-2] if text.endswith("  ") else text.rstrip()


def _words(text: str) -> str:
    return " ".join(text.split())
