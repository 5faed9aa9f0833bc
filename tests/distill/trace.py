"""A small, fluent way to write synthetic sessions for distill tests: prompts, shell runs, edits,
compactions, each a real ``Event`` with a timestamp and a transcript line, as capture would store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from reverie.domain import Event, EventKind, Origin, Project, Session, Source
from reverie.store import Batch, Store

PROJECT = Project(key="github.com/acme/app", name="acme/app")


@dataclass
class Trace:
    session_id: str
    start: str = "2026-03-01T10:00:00+00:00"
    project: Project | None = PROJECT
    agent: str = "claude-code"
    events: list[Event] = field(default_factory=list)

    def _next(self) -> tuple[str, int]:
        moment = datetime.fromisoformat(self.start) + timedelta(seconds=len(self.events))
        return moment.isoformat(), len(self.events) + 1

    def event(self, kind: EventKind, origin: Origin, text: str = "", **fields: Any) -> Trace:
        stamp, line = self._next()
        self.events.append(
            Event(
                key=f"{self.session_id}:{kind.value}:{line}",
                session_id=self.session_id,
                kind=kind,
                origin=origin,
                source=Source.TRANSCRIPT,
                timestamp=stamp,
                text=text,
                transcript_path=f"/transcripts/{self.session_id}.jsonl",
                transcript_line=line,
                **fields,
            )
        )
        return self

    def prompt(self, text: str, origin: Origin = Origin.USER, **fields: Any) -> Trace:
        return self.event(EventKind.PROMPT, origin, text, **fields)

    def say(self, text: str) -> Trace:
        return self.event(EventKind.ASSISTANT, Origin.AGENT, text)

    def tool(
        self, name: str, tool_input: dict[str, Any], output: str = "", *, error: bool = False, **extra: Any
    ) -> Trace:
        use_id = f"toolu_{len(self.events)}"
        self.event(EventKind.TOOL_CALL, Origin.AGENT, tool_name=name, tool_use_id=use_id, tool_input=tool_input)
        result_origin = extra.pop("result_origin", Origin.TOOL)
        return self.event(
            EventKind.TOOL_RESULT, result_origin, output, tool_name=name, tool_use_id=use_id, is_error=error, **extra
        )

    def run(self, command: str, output: str = "", *, error: bool = False) -> Trace:
        return self.tool("Bash", {"command": command}, output, error=error)

    def fail(self, command: str, output: str) -> Trace:
        return self.run(command, output, error=True)

    def edit(self, path: str) -> Trace:
        return self.tool("Edit", {"file_path": path, "old_string": "a", "new_string": "b"}, "edited")

    def compaction(self, summary: str) -> Trace:
        return self.event(EventKind.COMPACTION, Origin.AGENT, summary)

    def session(self) -> Session:
        return Session(
            id=self.session_id, agent=self.agent, project=self.project, cwd="/work/app", started_at=self.start
        )

    def into(self, store: Store) -> Trace:
        store.write(Batch(events=tuple(self.events), sessions=(self.session(),)))
        return self


def day(n: int) -> str:
    """The start of the n-th synthetic day, so sessions are ordered in time."""
    return (datetime.fromisoformat("2026-03-01T10:00:00+00:00") + timedelta(days=n)).isoformat()
