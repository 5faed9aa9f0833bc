"""What recall answers to each hook event. The hook, ``reverie context`` and ``reverie recall`` all
run these functions, so what the CLI explains is what the agent gets.

* ``SessionStart``: the digest (:func:`digest`); ``source: compact`` or ``clear`` starts the
  "already shown" memory afresh, ``resume`` keeps it (the context is still there). A lesson that
  stops the call it is about (``verdicts.stops_calls``: "Use `pnpm`, not `npm`", "`git push` fails
  here ...") waits for that call while calls can be stopped (``call_decision`` above 0): shown at
  the start, it would cost every session that never makes the call.
* ``UserPromptSubmit``: a new turn; the lessons relevant to the prompt (:func:`prompt_hits`).
* ``PreToolUse``: the lesson whose trigger matches the call (:func:`call_hits`); one that forbids the
  call answers through the agent's permission decision instead (``verdicts``).

Every candidate comes back as a :class:`~reverie.recall.rank.Hit` with its ``decision``: ``shown``,
or why not (``below threshold``, ``already shown ...``, ``over budget``, ``other agent``,
``expired``, ``left for the call it is about``). Scope is enforced in the index query itself (global,
this project, this session).

The project comes from the payload's ``cwd`` through ``reverie.capture.project.identity``, once per
working directory and session (see ``session_state``); the capture hook's own per-session cache is
read first, so most sessions never compute it twice, and ``capture.project_cache`` keeps it per working
directory across sessions.
"""

from __future__ import annotations

from reverie import lean_os, normal
from reverie.recall import calls, intents, rank, render, verdicts
from reverie.recall import session_state as states

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from reverie.capture.file_stamps import Stamps
    from reverie.recall.config import Budget
    from reverie.recall.lookup import IndexRow, RecallIndex

MAX_PROMPT_CHARS = 8_000
SHOWN = "shown"
LEFT_FOR_CALL = "left for the call it is about"
LEFT_FOR_PROMPT = "left for the prompt that enters its situation"


def situational(row: IndexRow) -> bool:
    """A lesson for a situation that not every session enters: a procedure, a sequence of steps for one
    kind of work. A prompt brings it when it asks for that work; at every session start it would cost its
    tokens in all the sessions that never do. A rule that opens with its condition ("When fixing a bug,
    ...", "Before you commit, ...", "If anything is unclear, ask") stays: the situation may come with no
    prompt that names it (the agent commits on its own), and a reminder at the call comes after the call.
    On the built-in benchmark leaving those out too changed nothing (docs/eval.md)."""
    return row.kind == "procedure"


class Answer:
    """The text to inject (empty: nothing) and every candidate considered."""

    __slots__ = ("hits", "text")

    def __init__(self, text: str, hits: list[rank.Hit]) -> None:
        self.text = text
        self.hits = hits

    @property
    def shown(self) -> list[rank.Hit]:
        return [hit for hit in self.hits if hit.decision == SHOWN]


def digest(index: RecallIndex, state: states.SessionState, budget: Budget, agent: str, now: float) -> Answer:
    """The session-start digest. The caller checks premises first (``check_premises``)."""
    hits = [_checked(rank.Hit(row), agent, now, index, state) for row in index.in_scope()]
    stopping = budget.integer("call_decision") > verdicts.CONTEXT_ONLY
    for hit in hits:
        if not hit.decision and stopping and verdicts.stops_calls(hit.row):
            hit.decision = LEFT_FOR_CALL
        if not hit.decision and situational(hit.row):
            hit.decision = LEFT_FOR_PROMPT
        if not hit.decision:
            hit.rate(now, base=hit.row.digest_weight)
            allowed, why = state.eligible(hit.row.id)
            hit.decision = "" if allowed else why
    candidates = sorted((h for h in hits if not h.decision), key=lambda h: (-h.score, h.row.id))
    allowance = min(budget.integer("session_start_tokens"), state.tokens_left(budget.integer("session_tokens")))
    kept, left = render.fit(candidates, allowance, render.DIGEST_HEADER)
    for hit in kept:
        hit.decision = SHOWN
    for hit in left:
        hit.decision = "over budget"
    ordered = sorted(hits, key=lambda h: (-h.score, h.row.id))
    if not kept:
        return Answer("", ordered)
    state.mark_shown([hit.row.id for hit in kept], states.DIGEST, sum(hit.tokens for hit in kept))
    return Answer(render.digest(kept, len(left)), ordered)


def check_premises(
    index: RecallIndex,
    state: states.SessionState,
    cwd: str,
    stamps: Stamps | None = None,
    search_path: Sequence[str] | None = None,
) -> None:
    """Which in-scope lessons no longer hold in this workspace; kept for the session's later events.
    ``stamps`` collects what the checks looked at (``digest_cache``); ``search_path``: where programs
    are found (the session's PATH when None)."""
    from reverie.recall import premises  # only at session start

    workspace = premises.Workspace(cwd, stamps, search_path)
    state.unmet = premises.unmet_in(workspace, index.in_scope()) if cwd else {}


def prompt(
    index: RecallIndex,
    state: states.SessionState,
    budget: Budget,
    agent: str,
    now: float,
    text: str,
) -> Answer:
    text = text[:MAX_PROMPT_CHARS]
    query = normal.query_terms(text)
    words = prompt_words(text)
    found: dict[str, rank.Hit] = {}
    for row in (*index.by_text(query), *index.by_trigger(rank.prompt_keys(words))):
        found.setdefault(row.id, rank.Hit(row))
    known = index.weights(query)
    weighted = rank.weigh(query, known, index.unseen_weight)
    asked = rank.Prompt(words, set(query))
    for hit in found.values():
        hit.relevance, hit.matched = rank.relevance(query, hit.row, known, index.unseen_weight, weighted)
        hit.trigger, hit.trigger_reason = rank.prompt_trigger(hit.row, asked)
        if not hit.trigger and len(hit.matched) < rank.MIN_SHARED_TERMS:
            # One word in common is not a topic in common: "How do I set this project up?" shares only
            # "set" with a lesson about `git push --set-upstream`, and in a short prompt it weighs a lot.
            hit.relevance, hit.trigger_reason = 0.0, f"one word in common ({', '.join(hit.matched)})"
        hit.rate(now)
    return _select(index, list(found.values()), state, budget, agent, now, states.PROMPT, render.for_prompt)


def call(
    index: RecallIndex,
    state: states.SessionState,
    budget: Budget,
    agent: str,
    now: float,
    tool_name: str,
    tool_input: object,
) -> tuple[Answer, calls.CallInPlay]:
    in_play = calls.call_in_play(tool_name, tool_input)
    roles = ["k:" + role for words in in_play.commands for role in intents.roles_of(words)]  # facts of its chore
    roles += ["k:check"] if roles else []
    hits = [rank.Hit(row) for row in index.by_trigger([*in_play.keys(), *roles])]
    for hit in hits:
        hit.trigger, hit.trigger_reason = rank.call_trigger(hit.row, in_play)
    _after_following(hits, state, in_play)
    rank.settle_role_facts(hits)
    for hit in hits:
        hit.rate(now)
    label = in_play.describe()
    answer = _select(index, hits, state, budget, agent, now, states.TOOL, lambda h: render.for_call(h, label))
    return answer, in_play


def _after_following(hits: list[rank.Hit], state: states.SessionState, in_play: calls.CallInPlay) -> None:
    """A lesson about how the project does a chore ("lint with `golangci-lint run`") whose command a call of
    this session already ran as the lesson gives it does not correct the agent's next way of doing that
    chore: the agent ran the advice and saw how it went (it may have just failed: the project changed its
    linter), and the same advice again would stop the way out. A call that only resembles the advice
    (`cargo test` for `cargo test --workspace`, `go test -race` for `go test`) has not tried it. Until then
    the lesson corrects as usual."""
    for hit in hits:
        command = rank.role_fact_command(hit.row)
        if not command:
            continue
        if hit.trigger_reason.startswith(rank.FOLLOWS) and _as_given(command.split(), in_play.commands):
            if hit.row.id not in state.followed:
                state.followed.append(hit.row.id)
        elif hit.trigger and hit.row.id in state.followed:
            hit.trigger, hit.trigger_reason = 0.0, "the agent ran it earlier in this session"


def _as_given(advice: list[str], commands: list[list[str]]) -> bool:
    """A command of the call is the advice with at most arguments after it (`go test ./...` for `go test`),
    no flag of its own."""
    size = len(advice)
    return any(words[:size] == advice and not any(w.startswith("-") for w in words[size:]) for words in commands)


def call_decision(answer: Answer, state: states.SessionState, mode: int) -> verdicts.Verdict | None:
    """The permission decision on the call, if a lesson forbids it (``verdicts``). A decision takes the place
    of the call's context, its reason carrying its own lessons: a lesson that was only in that context never
    reached the model, so it is not counted as shown and may come at the call it is really about."""
    decision = verdicts.verdict(answer.hits, state, mode)
    if decision is not None:  # the decision's own lessons are marked "deny" now: what is left shown was not sent
        unsent = answer.shown
        state.withdraw([hit.row.id for hit in unsent], sum(hit.tokens for hit in unsent))
    return decision


def _select(
    index: RecallIndex,
    hits: list[rank.Hit],
    state: states.SessionState,
    budget: Budget,
    agent: str,
    now: float,
    channel: str,
    format_text: Callable[[list[rank.Hit]], str],
) -> Answer:
    """Thresholds, repeats, the per-event count and the per-turn token budget, best score first."""
    limit = budget.integer("prompt_lessons" if channel == states.PROMPT else "tool_lessons")
    minimum = budget.min_match if channel == states.PROMPT else rank.CALL_TOOL_KEYWORD
    ordered = sorted(hits, key=lambda h: (-h.score, h.row.id))
    candidates = []
    for hit in ordered:
        _checked(hit, agent, now, index, state)
        if not hit.decision and (hit.match < minimum or hit.score < budget.min_score):
            untriggered = f" ({hit.trigger_reason})" if hit.trigger == 0 and hit.trigger_reason else ""
            hit.decision = "below threshold" + untriggered
        if not hit.decision:
            allowed, why = state.eligible(hit.row.id)
            hit.decision = "" if allowed else why
        if not hit.decision:
            candidates.append(hit)
    allowance = state.tokens_left(budget.integer("turn_tokens"), budget.integer("session_tokens"))
    kept, left = render.fit(candidates[:limit], allowance, "")
    for hit in left + candidates[limit:]:
        hit.decision = "over budget"
    for hit in kept:
        hit.decision = SHOWN
    if not kept:
        return Answer("", ordered)
    state.mark_shown([hit.row.id for hit in kept], channel, sum(hit.tokens for hit in kept))
    return Answer(format_text(kept), ordered)


def _checked(hit: rank.Hit, agent: str, now: float, index: RecallIndex, state: states.SessionState) -> rank.Hit:
    """Conditions the index query cannot express: an agent-only lesson, an expired one-off, a lesson
    whose premise failed in this workspace (``premises``, checked at session start), a lesson the agent
    already loads as a rule (its CLAUDE.md / AGENTS.md block: the strongest place says it)."""
    row = hit.row
    if row.id in state.unmet:
        hit.decision = f"premise gone: {state.unmet[row.id]}"
        return hit
    if row.agent and agent and row.agent != agent:
        hit.decision = f"for {row.agent} only"
    elif row.valid_to and row.valid_to < now:
        hit.decision = "expired"
    elif agent and agent in index.compiled_for(row.id):
        hit.decision = "already a rule the agent loads"
    return hit


def prompt_words(text: str) -> list[str]:
    """The prompt's words as typed, lower case, with quotes and punctuation around them removed, so
    ``run `npm test` please`` names ``npm test`` and ``see src/db/migrations/`` names a path."""
    stripped = (word.strip("`'\"()[]{}<>,;:!?") for word in text.lower().split())
    return [word.rstrip(".") if word.endswith(".") and "/" not in word else word for word in stripped if word]


# ---------------------------------------------------------------------------------------------------
# The project of a working directory, remembered per session


def project_of(cwd: str, state: states.SessionState, home: str, session_id: str | None) -> str | None:
    if not cwd:
        return None
    known = state.projects.get(cwd)
    if known is not None:
        return known or None
    key = _captured_project(home, session_id, cwd)
    if key is None:
        from reverie.capture import project_cache  # only on a new cwd

        key = project_cache.identity(cwd, home)[0]
    state.projects[cwd] = key
    return key


def _captured_project(home: str, session_id: str | None, cwd: str) -> str | None:
    """The capture hook's per-session cache (``<home>/cache/projects/<session>.json``), if it has ``cwd``."""
    if session_id is None:
        return None
    from reverie.recall import wire

    try:
        with open(lean_os.join(home, "cache", "projects", session_id + ".json"), encoding="utf-8") as file:
            cached = wire.loads(file.read())
    except (OSError, ValueError):
        return None
    if isinstance(cached, dict) and cached.get("cwd") == cwd and isinstance(cached.get("project"), dict):
        key = cached["project"].get("key")
        return key if isinstance(key, str) and key else None
    return None


def lesson_ids(hits: Iterable[rank.Hit]) -> list[str]:
    return [hit.row.id for hit in hits]
