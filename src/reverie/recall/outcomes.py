"""Outcome tracking: after a lesson was injected, was it followed, ignored or contradicted?

The hook logs every injection (``<home>/recall/injections/<session>.jsonl``: when, which lessons,
through which channel). Once the session's events are in the store, :func:`track` reads what happened
after each injection, in order, and records one outcome per injected lesson in the recall ledger:

* **contradicted**: the person corrected the agent on the lesson's subject after it was shown: the
  same lesson stated again (``repeated``: showing it did not prevent the mistake) or the opposite
  stance on its topic (``opposed``: the lesson itself may be wrong). This wins over everything else.
* **followed**: the first later tool call that concerns the lesson does what it recommends: its
  command starts with the lesson's chosen stance (``pnpm`` for "use pnpm, not npm") or with the
  command the statement names first (``make check`` for "run the tests with `make check`").
* **ignored**: the first later call that concerns it triggers the lesson again without following it
  (``npm test`` right after being told to use pnpm).
* **unknown**: nothing after the injection bears on it (yet).

Only typed user prompts count as corrections, and only the agent's own tool calls as behaviour;
injected context is never read as either. The person's words are read with the parser that made the
lesson, which the caller hands in (``reverie.app.recall`` passes distill's ``parse_statements``):
recall does not import distill. :func:`outcome_counts` is what confidence should use
(``followed`` as outcomes that held, ``contradicted/opposed`` as contradictions).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from reverie.domain import Event, EventKind, Origin
from reverie.domain.lessons import Lesson
from reverie.domain.markers import strip_injected
from reverie.recall import calls, rank
from reverie.recall.index import indexed, snapshot_row
from reverie.recall.lookup import IndexRow
from reverie.recall.session_state import INJECTION_DIR
from reverie.store.recall_ledger import LEDGER_FILE, OutcomeRow, RecallLedger
from reverie.workspace import Workspace

FOLLOWED, IGNORED, CONTRADICTED, UNKNOWN = "followed", "ignored", "contradicted", "unknown"


class Statement(Protocol):
    """What outcome tracking reads of one statement the person typed."""

    @property
    def key(self) -> str: ...
    @property
    def topic(self) -> str | None: ...
    @property
    def stance(self) -> str | None: ...


StatementReader = Callable[[str], Iterable[Statement]]


@dataclass(frozen=True, slots=True)
class Injection:
    session_id: str
    at: str
    channel: str
    lessons: tuple[str, ...]


def track(workspace: Workspace, read: StatementReader) -> list[OutcomeRow]:
    """Judge every logged injection whose session is in the store; record and return the outcomes."""
    rows: list[OutcomeRow] = []
    for session_id, injections in _injections(workspace.home):
        events = list(workspace.store.events(session_id))
        if not events:
            continue  # not ingested yet: judge it next time
        for injection in injections:
            for lesson_id in injection.lessons:
                lesson = workspace.store.lesson(lesson_id)
                if lesson is not None:
                    rows.append(judge(injection, lesson_id, lesson, events, read))
    ledger = RecallLedger(workspace.home / LEDGER_FILE)
    try:
        ledger.record_outcomes(rows)
    finally:
        ledger.close()
    return rows


def outcome_counts(workspace: Workspace) -> dict[str, dict[str, int]]:
    """``{lesson id: {"followed": n, "ignored": n, "contradicted": n, "unknown": n}}``."""
    ledger = RecallLedger(workspace.home / LEDGER_FILE)
    try:
        return ledger.outcome_counts()
    finally:
        ledger.close()


def judge(
    injection: Injection, lesson_id: str, lesson: Lesson, events: Sequence[Event], read: StatementReader
) -> OutcomeRow:
    after = [event for event in events if _later(event, injection.at)]
    row = IndexRow(snapshot_row(0, indexed(lesson)))

    def outcome(kind: str, detail: str, event: Event | None) -> OutcomeRow:
        key = event.key if event else None
        return OutcomeRow(injection.session_id, lesson_id, injection.at, injection.channel, kind, detail, key)

    correction = _correction(lesson, after, read)
    if correction is not None:
        return outcome(CONTRADICTED, correction[0], correction[1])
    recommended = _recommended(lesson, row)
    for event in after:
        if event.kind is not EventKind.TOOL_CALL or event.sidechain:
            continue
        in_play = calls.call_in_play(event.tool_name or "", event.tool_input)
        prefixes = {p for command in in_play.commands for p in calls.prefixes(command)}
        if recommended and recommended in prefixes:
            return outcome(FOLLOWED, f"ran `{in_play.describe()}`", event)
        strength, _ = rank.call_trigger(row, in_play)
        if strength > 0:
            return outcome(IGNORED, f"ran `{in_play.describe()}` anyway", event)
    return outcome(UNKNOWN, "nothing afterwards bears on it", None)


def _correction(lesson: Lesson, after: Sequence[Event], read: StatementReader) -> tuple[str, Event] | None:
    for event in after:
        if event.kind is not EventKind.PROMPT or event.origin is not Origin.USER:
            continue
        for statement in read(strip_injected(event.text)):
            if statement.key == lesson.key:
                return "repeated: the person had to say it again", event
            if lesson.topic and statement.topic == lesson.topic and statement.stance != lesson.stance:
                return f"opposed: the person asked for {statement.stance!r} instead", event
    return None


def _recommended(lesson: Lesson, row: IndexRow) -> str:
    """The command the lesson wants: its stance, else the first command its statement quotes."""
    if row.stance:
        return row.stance
    quoted = lesson.statement.split("`")[1::2]
    return next((prefix for span in quoted if (prefix := calls.normalise_prefix(span))), "")


def _later(event: Event, stamp: str) -> bool:
    when, then = _parse(event.timestamp), _parse(stamp)
    return when is not None and then is not None and when > then


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _injections(home: Path) -> Iterator[tuple[str, list[Injection]]]:
    folder = home / INJECTION_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        found = [item for line in path.read_text(encoding="utf-8").splitlines() if (item := _parse_line(path, line))]
        yield path.stem, found


def _parse_line(path: Path, line: str) -> Injection | None:
    try:
        data: Any = json.loads(line)
    except ValueError:
        return None  # a torn last line while the hook was writing: skipped, not fatal
    lessons = data.get("lessons") if isinstance(data, dict) else None
    if not isinstance(lessons, list) or not isinstance(data.get("at"), str):
        return None
    return Injection(path.stem, data["at"], str(data.get("channel", "")), tuple(str(item) for item in lessons))
