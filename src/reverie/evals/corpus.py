"""The real corpus: people's own turns to coding agents, with labels (``corpus/README.md``).

A corpus folder holds turn files (``*.jsonl``, one labelled user turn a line, in session order),
anywhere below it: ``corpus/turns/holdout``, ``corpus/turns``, or a folder of a person's own. This
module only reads and checks them; ``real`` replays them through reverie and ``real_match`` decides
which produced lesson states which labelled one.

Standard library only, and nothing of distill: the scenario generator reads the same files to put
real phrasing into the sessions it writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reverie.errors import InputError

STANDING_PROJECT = "standing_project"
STANDING_GLOBAL = "standing_global"
ONE_OFF = "one_off"
TASK = "task"
OTHER = "other"
LABELS = (STANDING_PROJECT, STANDING_GLOBAL, ONE_OFF, TASK, OTHER)
STANDING = (STANDING_PROJECT, STANDING_GLOBAL)
CHANNELS = ("prompt", "answer", "denial", "interrupt")


@dataclass(frozen=True, slots=True)
class LabelledLesson:
    quote: str
    label: str
    statement: str
    supersedes: str | None = None
    kind: str = ""  # instruction | fact | requirement, on standing lessons (corpus/README.md)

    @property
    def standing(self) -> bool:
        return self.label in STANDING


@dataclass(frozen=True, slots=True)
class Turn:
    id: str
    source: str  # owner/repo:path
    session: str
    turn: int
    channel: str
    text: str
    before: str
    label: str
    lessons: tuple[LabelledLesson, ...] = ()

    @property
    def repo(self) -> str:
        return self.source.split(":", 1)[0]


def load(folder: Path) -> list[Turn]:
    """Every turn under ``folder`` (or in one file), in file and line order; bad lines name file and line."""
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.jsonl"))
    if not files:
        raise InputError("no turn files (*.jsonl) found", path=str(folder))
    turns: list[Turn] = []
    for path in files:
        turns.extend(_read(path))
    return turns


def _read(path: Path) -> Iterable[Turn]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                raise InputError(f"not a labelled turn: {error}", path=str(path), line=number) from error


def parse(record: dict[str, object]) -> Turn:
    label = str(record["label"])
    channel = str(record.get("channel") or "prompt")
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    lessons = record.get("lessons") or []
    if not isinstance(lessons, list):
        raise TypeError("lessons must be a list")
    return Turn(
        id=str(record["id"]),
        source=str(record["source"]),
        session=str(record.get("session") or record["source"]),
        turn=int(str(record.get("turn", 0))),
        channel=channel,
        text=str(record["text"]),
        before=str(record.get("before") or ""),
        label=label,
        lessons=tuple(_lesson(item, label) for item in lessons),
    )


def _lesson(item: object, turn_label: str) -> LabelledLesson:
    if not isinstance(item, dict):
        raise TypeError("a lesson must be an object")
    supersedes = item.get("supersedes")
    return LabelledLesson(
        quote=str(item.get("quote") or ""),
        label=str(item.get("label") or turn_label),
        statement=str(item["statement"]),
        supersedes=str(supersedes) if supersedes else None,
        kind=str(item.get("kind") or ""),
    )


def by_source(turns: Sequence[Turn]) -> dict[str, list[Turn]]:
    """Turns grouped by source, each in session then turn order (files list them so already)."""
    grouped: dict[str, list[Turn]] = {}
    for turn in turns:
        grouped.setdefault(turn.source, []).append(turn)
    return grouped


def sessions_of(turns: Sequence[Turn]) -> list[list[Turn]]:
    """One source's turns cut into its sessions, in the order they first appear."""
    grouped: dict[str, list[Turn]] = {}
    for turn in turns:
        grouped.setdefault(turn.session, []).append(turn)
    return [sorted(group, key=lambda t: t.turn) for group in grouped.values()]
