"""Why a session metric is what it is: the injections behind context pollution and stale authority, and
the repeat mistakes that no lesson prevented.

A rate says how much; fixing it needs which lesson, through which channel (the session-start digest,
a prompt, context before a tool call, a permission decision on one) and for what reason. A mistake not
prevented is listed by its item and why: no lesson stating the fix was shown in that session at all, or
one was, after the call (``LATE``); with how many earlier sessions had taught it (a lesson from what the
agent did needs two: after one, it waits as a candidate, by design). The scorer
feeds this tally as it scores each session; ``reverie eval --json`` prints it under ``audit`` for each
memory, largest first, so the next change starts from the lessons that cost the most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reverie.evals.protocols import EvalLesson

SHOWN = 15  # lessons listed per list; the totals cover all of them
NO_ITEM = "states no item"
UNTOUCHED = "states only items the session did not touch"
NOT_SHOWN = "no lesson stating the fix was shown"
LATE = "shown after the call that made the mistake"


@dataclass(slots=True)
class ChannelTally:
    tokens: int = 0
    irrelevant: int = 0


@dataclass(slots=True)
class _Lesson:
    statement: str
    kind: str
    items: tuple[str, ...]
    tokens: int = 0
    sessions: int = 0
    channels: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Audit:
    channels: dict[str, ChannelTally] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)  # irrelevant tokens by reason
    polluting: dict[str, _Lesson] = field(default_factory=dict)
    stale_lessons: dict[str, _Lesson] = field(default_factory=dict)
    # (category, item, why, sessions that had taught it before) -> mistakes
    unprevented: Counter[tuple[str, str, str, int]] = field(default_factory=Counter)

    def channel(self, name: str) -> ChannelTally:
        return self.channels.setdefault(name, ChannelTally())

    def irrelevant(self, lesson: EvalLesson, matched: set[str], tokens: int, channel: str) -> None:
        self.reasons[UNTOUCHED if matched else NO_ITEM] += tokens
        entry = self._entry(self.polluting, lesson, matched)
        entry.tokens += tokens
        entry.sessions += 1
        entry.channels[channel] += 1

    def stale(self, lesson: EvalLesson, expired: set[str], channel: str) -> None:
        entry = self._entry(self.stale_lessons, lesson, expired)
        entry.sessions += 1
        entry.channels[channel] += 1

    def not_prevented(self, category: str, item: str, *, shown_late: bool, taught: int) -> None:
        self.unprevented[(category, item, LATE if shown_late else NOT_SHOWN, taught)] += 1

    @staticmethod
    def _entry(table: dict[str, _Lesson], lesson: EvalLesson, items: set[str]) -> _Lesson:
        if lesson.id not in table:
            table[lesson.id] = _Lesson(lesson.statement, lesson.kind, tuple(sorted(items)))
        return table[lesson.id]

    def as_json(self) -> dict[str, Any]:
        def listed(table: dict[str, _Lesson], key: str) -> list[dict[str, Any]]:
            ordered = sorted(table.items(), key=lambda pair: (-getattr(pair[1], key), pair[0]))
            return [
                {
                    "lesson": lesson_id,
                    "statement": entry.statement,
                    "kind": entry.kind,
                    "items": list(entry.items),
                    "sessions": entry.sessions,
                    **({"tokens": entry.tokens} if key == "tokens" else {}),
                    "channels": dict(entry.channels.most_common()),
                }
                for lesson_id, entry in ordered[:SHOWN]
            ]

        return {
            "channels": {
                name: {"tokens": tally.tokens, "irrelevant_tokens": tally.irrelevant}
                for name, tally in sorted(self.channels.items())
            },
            "irrelevant_by_reason": dict(self.reasons.most_common()),
            "polluting_lessons": listed(self.polluting, "tokens"),
            "stale_lessons": listed(self.stale_lessons, "sessions"),
            "unprevented_mistakes": _unprevented(self.unprevented),
        }


def _unprevented(tally: Counter[tuple[str, str, str, int]]) -> list[dict[str, Any]]:
    """Per item and reason, most mistakes first: how many, and after how many teaching sessions each."""
    grouped: dict[tuple[str, str, str], Counter[int]] = {}
    for (category, item, why, taught), count in tally.items():
        grouped.setdefault((category, item, why), Counter())[taught] += count
    ordered = sorted(grouped.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))
    return [
        {
            "item": item,
            "category": category,
            "why": why,
            "mistakes": sum(taught.values()),
            "taught_before": dict(sorted(taught.items())),
        }
        for (category, item, why), taught in ordered[:SHOWN]
    ]
