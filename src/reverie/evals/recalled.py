"""What reverie's memories inject in the benchmark: ``reverie.recall`` itself, event by event, as the hooks run it.

The other memories have no recall of their own and are measured with the plain digest of
``injector``. Reverie's are measured with what a user gets: after each learning step the recall index
is rebuilt from the memory's own store (as distill and review do), and each session is answered as
``recall.respond`` answers its hook events, in order, with one session state: ``SessionStart`` (the
digest), then every ``UserPromptSubmit`` (a new turn; the lessons its prompt brings) and every
``PreToolUse`` (the lesson a call triggers, as context, or as a permission decision when it forbids
the call: ``verdicts``), with the default budgets (or ``REVERIE_RECALL_*`` from the environment) and
the session's start as the clock. Every figure of context pollution, stale authority and prevention is
therefore about ``reverie.recall``, not a stand-in.

Premises are checked as the hook checks them at session start (``inject.check_premises`` on the project
folder, before the digest): the replay gives each session the project's checkout as it was when the
session started (``request.project_dir``, written from the world's truth by ``evals.checkout``), so a
lesson naming a package manager whose lockfile is gone, a Makefile target or package script that no
longer exists, or a path that is gone is not shown. What the check found is kept per session
(``premise_checks``), as the hook keeps it in the session's state, for the dream's ``premises`` pass. A
replay without checkouts (a labelled replay of real transcripts) checks nothing: their folders are
not there as they were.

One thing the hooks do is left out, and why: a denied call is not taken back (the transcript was
written by an agent without memory), so later events are answered as if it had run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reverie.dream.snapshot import PremiseCheck
from reverie.evals.protocols import (
    CALL_EVENT,
    DIGEST_CHANNEL,
    PROMPT_EVENT,
    EvalLesson,
    HookEvent,
    Injection,
    InjectionRequest,
)
from reverie.recall import config, inject, lookup, render
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
        self.unmet: dict[str, dict[str, str]] = {}  # session id -> lesson id -> why its premise failed there

    def refresh(self, store: Store, now: datetime | None) -> None:
        refresh_index(Workspace(home=self.home, store=store), now=now)

    def inject(self, lessons: Mapping[str, EvalLesson], request: InjectionRequest) -> Injection:
        index = lookup.open_index(str(self.home), lookup.scope_tokens(request.project or None, request.session_id))
        if index is None:
            return Injection((), 0, ())
        now = _epoch(request.started_at)
        state, budget = states.SessionState(None), config.from_environment(os.environ)
        if request.project_dir:
            # the simulated world's programs are not this machine's: no search path, so none is "installed now"
            inject.check_premises(index, state, request.project_dir, search_path=())
            self.unmet[request.session_id] = dict(state.unmet)
        shown: list[tuple[str, int, str, int]] = []  # (lesson id, tokens, channel, calls run before it was read)
        digest = inject.digest(index, state, budget, AGENT, now)
        shown += [(h.row.id, h.tokens, DIGEST_CHANNEL, 0) for h in digest.shown]
        calls = 0
        events = request.events or _first_prompt_only(request)
        for event in events:
            if event.kind != CALL_EVENT:
                state.new_turn()
                answer = inject.prompt(index, state, budget, AGENT, now, event.text)
                shown += [(h.row.id, h.tokens, states.PROMPT, calls) for h in answer.shown]
                continue
            answer, _ = inject.call(index, state, budget, AGENT, now, event.tool_name, event.tool_input or {})
            decision = inject.call_decision(answer, state, budget.integer("call_decision"))
            if decision is not None:  # read before the call runs; no second copy as context
                cost, extra = divmod(render.estimate_tokens(decision.reason), len(decision.lessons))
                costs = [cost + extra, *[cost] * (len(decision.lessons) - 1)]
                paired = zip(decision.lessons, costs, strict=True)
                shown += [(lesson, each, decision.decision, calls) for lesson, each in paired]
            else:  # context reaches the model with the call's result
                shown += [(h.row.id, h.tokens, states.TOOL, calls + 1) for h in answer.shown]
            calls += 1
        chosen = [(lessons[id_], tokens, where, before) for id_, tokens, where, before in shown if id_ in lessons]
        return Injection(
            lessons=tuple(lesson for lesson, _, _, _ in chosen),
            tokens=sum(tokens for _, tokens, _, _ in chosen),
            tokens_by_lesson=tuple(tokens for _, tokens, _, _ in chosen),
            channels=tuple(channel for _, _, channel, _ in chosen),
            before=tuple(before for _, _, _, before in chosen),
        )

    def premise_checks(self, session_ids: Sequence[str]) -> list[PremiseCheck]:
        """What the premise checks found in these sessions, for a dream (as ``app.dreams`` reads the hooks')."""
        return [PremiseCheck(session, self.unmet[session]) for session in session_ids if session in self.unmet]


def _first_prompt_only(request: InjectionRequest) -> tuple[HookEvent, ...]:
    """A request without its events (a caller that knows only the first prompt)."""
    return (HookEvent(PROMPT_EVENT, text=request.first_prompt),) if request.first_prompt else ()


def _epoch(stamp: str) -> float:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
