"""What reverie's memories inject in the benchmark: ``reverie.recall`` itself, exactly as the hooks run it.

The other memories have no recall of their own and are measured with the plain digest of
``injector``. Reverie's are measured with what a user gets: after each learning step the recall index
is rebuilt from the memory's own store (as distill and review do), and each session gets the
session-start digest and then what its first prompt brings (``inject.digest``, ``inject.prompt``),
with the default budgets, one session state, and the session's start as the clock. Every figure of
context pollution, stale authority and prevention is therefore about ``reverie.recall``, not a stand-in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from reverie.evals.protocols import EvalLesson, Injection, InjectionRequest
from reverie.recall import config, inject, lookup
from reverie.recall import session_state as states
from reverie.recall.index import refresh_index
from reverie.store import Store
from reverie.workspace import Workspace

AGENT = "claude-code"


class Recalled:
    """The recall index of one memory's store, in a folder of its own."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.home.mkdir(parents=True, exist_ok=True)

    def refresh(self, store: Store, now: datetime | None) -> None:
        refresh_index(Workspace(home=self.home, store=store), now=now)

    def inject(self, lessons: Mapping[str, EvalLesson], request: InjectionRequest) -> Injection:
        index = lookup.open_index(str(self.home), lookup.scope_tokens(request.project or None, request.session_id))
        if index is None:
            return Injection((), 0, ())
        now = _epoch(request.started_at)
        state, budget = states.SessionState(None), config.from_environment(os.environ)
        shown = list(inject.digest(index, state, budget, AGENT, now).shown)
        if request.first_prompt:
            state.new_turn()
            shown += inject.prompt(index, state, budget, AGENT, now, request.first_prompt).shown
        chosen = [(lessons[hit.row.id], hit.tokens) for hit in shown if hit.row.id in lessons]
        return Injection(
            lessons=tuple(lesson for lesson, _ in chosen),
            tokens=sum(tokens for _, tokens in chosen),
            tokens_by_lesson=tuple(tokens for _, tokens in chosen),
        )


def _epoch(stamp: str) -> float:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
