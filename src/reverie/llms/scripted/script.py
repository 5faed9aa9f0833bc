"""Scripts: what the scripted model says, turn by turn.

A script is the model's half of a conversation written in advance. Each main-conversation request
that reaches the server consumes the next ``Reply``: some text, one or more tool calls, or both.
The agent CLI around it is real, so it runs the tools, fires its hooks, writes its transcript and
sends the results back in the next request; the script simply goes on.

    Script([shell("false"), shell("echo ok"), say("done")])

``shell(command)`` is the portable way to run a command: each wire format resolves it to the shell
tool that the agent actually offers (Claude Code's ``Bash``, Codex's ``exec_command``), so one script
drives either CLI. ``tool(name, **arguments)`` calls a named tool verbatim (``Write``, ``Edit``, ...).

Side requests (title generation, quota probes and other small calls beside the conversation) must not
consume the script, or one stray call would shift every later reply. The default rule tells them
apart by the absence of tools: every main-loop request of both CLIs offers tools, and side calls
offer none. A script may pass its own ``is_side_request`` (``never`` for a client that offers no
tools). Compaction is not a side request: Claude Code summarises with the main model and the full
tool list, so a test that compacts scripts the summary with ``summary(text)``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reverie.errors import InputError

JsonObject = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A call of one named tool with exactly these arguments."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShellCall:
    """Run a shell command with whatever shell tool the agent offers."""

    command: str


Call = ToolCall | ShellCall


@dataclass(frozen=True, slots=True)
class Reply:
    """One model turn: optional text, then tool calls (several calls are one parallel batch)."""

    text: str = ""
    calls: tuple[Call, ...] = ()

    def __post_init__(self) -> None:
        if not self.text and not self.calls:
            raise InputError("a scripted reply needs text or at least one tool call")


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What the agent sent back for one tool call. ``is_error`` is None where the wire has no flag."""

    call_id: str
    output: str
    is_error: bool | None


def say(text: str) -> Reply:
    return Reply(text=text)


def tool(name: str, /, **arguments: Any) -> Reply:
    return Reply(calls=(ToolCall(name, arguments),))


def shell(command: str, /) -> Reply:
    return Reply(calls=(ShellCall(command),))


def summary(text: str, /) -> Reply:
    """The reply to a compaction request. Claude Code compacts with the main model and the same tools
    (so the request looks like any other and consumes the script), and asks again unless the answer
    carries ``<summary>`` tags."""
    return Reply(text=f"<analysis>Scripted compaction.</analysis>\n<summary>{text}</summary>")


def offers_no_tools(body: JsonObject) -> bool:
    """The default side-request rule: the main loop of both CLIs always offers tools."""
    return not body.get("tools")


def never(body: JsonObject) -> bool:
    """A side-request rule for clients without tools (an LLM backend under test): all requests are main."""
    return False


class Script:
    """The replies in order, consumed one per main-conversation request; safe across threads."""

    @classmethod
    def answering(cls, respond: Callable[[JsonObject], Reply], **options: Any) -> Script:
        """A script whose every reply is computed from the request (a model stand-in that reads its prompt,
        for clients whose requests cannot be known in advance, such as distill's reader over a corpus)."""
        return _Answering(respond, **options)

    def __init__(
        self,
        replies: Iterable[Reply],
        *,
        is_side_request: Callable[[JsonObject], bool] = offers_no_tools,
        side_reply: str = "OK",
        exhausted_reply: str = "The scripted model has nothing more to say.",
    ) -> None:
        self.replies: tuple[Reply, ...] = tuple(replies)
        self.is_side_request = is_side_request
        self.side_reply = Reply(text=side_reply)
        self.exhausted_reply = Reply(text=exhausted_reply)
        self._lock = threading.Lock()
        self._next = 0
        self._overruns = 0

    def next_reply(self, body: JsonObject | None = None) -> tuple[int | None, Reply]:
        """The next reply and its index; past the end, a closing text and index None (an overrun)."""
        with self._lock:
            if self._next >= len(self.replies):
                self._overruns += 1
                return None, self.exhausted_reply
            index = self._next
            self._next += 1
            return index, self.replies[index]

    @property
    def consumed(self) -> int:
        with self._lock:
            return self._next

    @property
    def overruns(self) -> int:
        """Main requests that arrived after the last reply: the agent wanted more than was scripted."""
        with self._lock:
            return self._overruns

    @property
    def done(self) -> bool:
        return self.consumed == len(self.replies)

    @classmethod
    def from_json(cls, data: object, *, path: str | None = None) -> Script:
        """Build a script from JSON: a list of ``{"say": ...}``, ``{"shell": ...}``,
        ``{"tool": name, "input": {...}}`` or ``{"text": ..., "calls": [...]}`` items."""
        if not isinstance(data, list):
            raise InputError("a script is a JSON list of replies", path=path)
        return cls(_reply_from_json(item, path=path, position=number) for number, item in enumerate(data, 1))


def _reply_from_json(item: object, *, path: str | None, position: int) -> Reply:
    where = f"reply {position}: "
    if not isinstance(item, dict):
        raise InputError(f"{where}expected an object, got {type(item).__name__}", path=path)
    if "say" in item:
        return say(_string(item["say"], where + "say", path))
    if "text" in item or "calls" in item:
        text = _string(item.get("text", ""), where + "text", path)
        calls = item.get("calls", [])
        if not isinstance(calls, list):
            raise InputError(f"{where}calls must be a list", path=path)
        return Reply(text=text, calls=tuple(_call_from_json(call, where, path) for call in calls))
    return Reply(calls=(_call_from_json(item, where, path),))


def _call_from_json(item: object, where: str, path: str | None) -> Call:
    if not isinstance(item, dict):
        raise InputError(f"{where}a call must be an object", path=path)
    if "shell" in item:
        return ShellCall(_string(item["shell"], where + "shell", path))
    if "tool" in item:
        arguments = item.get("input", {})
        if not isinstance(arguments, dict):
            raise InputError(f"{where}input must be an object", path=path)
        return ToolCall(_string(item["tool"], where + "tool", path), arguments)
    raise InputError(f"{where}expected one of say, shell, tool, text/calls; got keys {sorted(item)}", path=path)


def _string(value: object, what: str, path: str | None) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string", path=path)
    return value


class IdSource:
    """Unique ids for messages and tool calls. A random run token keeps ids from two servers (or two
    test runs captured into one store) apart; the counter keeps them readable and ordered."""

    def __init__(self, run_token: str) -> None:
        self._run_token = run_token
        self._counter = itertools.count(1)

    def new(self, prefix: str) -> str:
        return f"{prefix}_scripted_{self._run_token}_{next(self._counter):04d}"


class _Answering(Script):
    def __init__(self, respond: Callable[[JsonObject], Reply], **options: Any) -> None:
        super().__init__((), **options)
        self._respond = respond

    def next_reply(self, body: JsonObject | None = None) -> tuple[int | None, Reply]:
        with self._lock:
            index = self._next
            self._next += 1
        return index, self._respond(body or {})

    @property
    def done(self) -> bool:
        return True
