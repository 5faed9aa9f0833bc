"""Compaction summaries: the agent's own digest of a session, a cheap distillate with agent trust.

When the context fills up, the agent writes a summary of what happened, including the errors it
hit and how it got past them. The one shape read here is a substitution between two code spans
("retried with `python3` instead of `python`", "switched from `yarn` to `pnpm`"): it proposes the
same lesson, under the same key, as an observed command fix or the person's "use X, not Y", so
it adds to them. On its own it is the agent's claim: never above candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reverie.distill.extractor import Extractor
from reverie.distill.session_view import SessionView, evidence
from reverie.domain.lessons import Basis, LessonKind, LessonStatus, Observation, Trigger

NAME = "compactions"
MAX_SUMMARY_CHARS = 60_000
_SPAN = r"`([^`\n]{1,60})`"
_SUBSTITUTIONS = (
    (re.compile(_SPAN + r"\s+(?:instead of|rather than|not)\s+" + _SPAN), 1, 2),
    (re.compile(r"\bfrom\s+" + _SPAN + r"\s+to\s+" + _SPAN), 2, 1),
)


def extract(view: SessionView) -> Iterator[Observation]:
    seen: set[str] = set()
    for event in view.compactions:
        for line in event.text[:MAX_SUMMARY_CHARS].splitlines():
            for preferred, rejected in _pairs(line):
                key = f"use:{preferred.lower()}|not:{rejected.lower()}"
                if key in seen:
                    continue
                seen.add(key)
                yield Observation(
                    key=key,
                    kind=LessonKind.PREFERENCE,
                    statement=f"In this project: Use `{preferred}`, not `{rejected}`.",
                    scope=view.scope(),
                    evidence=(evidence(event, Basis.AGENT_CLAIM, "summary", line.strip()),),
                    extractor=NAME,
                    trigger=Trigger(commands=(rejected,)),
                    topic="choice:" + "|".join(sorted({preferred.lower(), rejected.lower()})),
                    stance=preferred.lower(),
                    against=rejected.lower(),
                    max_status=LessonStatus.CANDIDATE,
                )


def _pairs(line: str) -> Iterator[tuple[str, str]]:
    for pattern, preferred_group, rejected_group in _SUBSTITUTIONS:
        for match in pattern.finditer(line):
            preferred, rejected = match.group(preferred_group).strip(), match.group(rejected_group).strip()
            if preferred and rejected and preferred.lower() != rejected.lower():
                yield preferred, rejected


EXTRACTOR = Extractor(name=NAME, summary="substitutions the agent reported when compacting", extract=extract)
