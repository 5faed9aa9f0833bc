"""``reverie recall`` and ``reverie context``: what the agent would be shown, and why.

Each question runs the hook's own functions (``inject``) on the hook's own index, in a fresh session
(nothing shown yet), so what is explained is what the agent gets. Around that it adds what only a
person needs: every candidate with its score components and its decision, the FTS5 BM25 of each text
match, and the lessons that match the words but are out of scope here (another project, another
session), so it is visible that scope kept them out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie import normal
from reverie.capture.project import identify
from reverie.recall import config, inject, intents, lookup, rank
from reverie.recall import session_state as states
from reverie.store.recall_index import INDEX_FILE, TextMatch, search_text
from reverie.workspace import Workspace

EXPLAIN_SESSION = "reverie-recall-explain"


@dataclass(frozen=True)
class Explained:
    """One candidate lesson and every number behind its decision."""

    lesson_id: str
    statement: str
    decision: str
    score: float
    match: float
    confidence: float
    recency: float
    relevance: float
    matched_terms: tuple[str, ...]
    matched_intents: tuple[str, ...]  # matched terms that come from what the lesson's tools are for
    bm25: float | None
    trigger: float
    trigger_reason: str
    scope: str
    scope_check: str
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Report:
    """What one hook event would inject (``text``) and the reasoning, candidate by candidate."""

    event: str
    project: str | None
    text: str
    hits: tuple[Explained, ...]
    out_of_scope: tuple[Explained, ...] = ()
    index_built_at: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def shown(self) -> tuple[Explained, ...]:
        return tuple(hit for hit in self.hits if hit.decision == inject.SHOWN)

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "project": self.project,
            "index_built_at": self.index_built_at,
            "text": self.text,
            "shown": [hit.lesson_id for hit in self.shown],
            "hits": [hit.to_json() for hit in self.hits],
            "out_of_scope": [hit.to_json() for hit in self.out_of_scope],
            "notes": list(self.notes),
        }


def project_key(project_dir: Path | None) -> str:
    return identify(str((project_dir or Path.cwd()).resolve())).key


def for_prompt(workspace: Workspace, prompt: str, project: str, *, agent: str = "claude-code") -> Report:
    """What ``UserPromptSubmit`` would add for ``prompt`` in ``project``."""
    index, state, budget, notes = _open(workspace, project)
    if index is None:
        return Report("UserPromptSubmit", project, "", (), notes=notes)
    answer = inject.prompt(index, state, budget, agent, time.time(), prompt)
    query = normal.query_terms(prompt)
    matches = search_text(workspace.home / INDEX_FILE, query)
    bm25 = {match.id: match.bm25 for match in matches}
    hits = tuple(_explained(hit, project, bm25.get(hit.row.id)) for hit in answer.hits)
    seen = {hit.lesson_id for hit in hits}
    outside = tuple(_outside(match, project) for match in matches if match.id not in seen and _foreign(match, project))
    return Report("UserPromptSubmit", project, answer.text, hits, outside, _built(index), notes)


def for_call(
    workspace: Workspace, tool_name: str, tool_input: dict[str, Any], project: str, *, agent: str = "claude-code"
) -> Report:
    """What ``PreToolUse`` would add before this call in ``project``."""
    index, state, budget, notes = _open(workspace, project)
    if index is None:
        return Report("PreToolUse", project, "", (), notes=notes)
    answer, _ = inject.call(index, state, budget, agent, time.time(), tool_name, tool_input)
    hits = tuple(_explained(hit, project, None) for hit in answer.hits)
    return Report("PreToolUse", project, answer.text, hits, (), _built(index), notes)


def session_start(workspace: Workspace, project: str, *, agent: str = "claude-code") -> Report:
    """The digest a new session in ``project`` would receive."""
    index, state, budget, notes = _open(workspace, project)
    if index is None:
        return Report("SessionStart", project, "", (), notes=notes)
    answer = inject.digest(index, state, budget, agent, time.time())
    ranked = sorted(answer.hits, key=lambda hit: (hit.decision != inject.SHOWN, -hit.score))
    hits = tuple(_explained(hit, project, None) for hit in ranked)
    return Report("SessionStart", project, answer.text, hits, (), _built(index), notes)


def session_start_digest(workspace: Workspace, *, cwd: str) -> str:
    """The digest a new session in ``cwd`` receives (rebuilding a missing or stale index first)."""
    home = str(workspace.home)
    project = identify(cwd).key
    index = lookup.open_index(home, lookup.scope_tokens(project, None))
    if index is None or index.stale:
        from reverie.recall.index import refresh_index

        refresh_index(workspace)
    return session_start(workspace, project).text


def _open(
    workspace: Workspace, project: str
) -> tuple[lookup.RecallIndex | None, states.SessionState, config.Budget, tuple[str, ...]]:
    home = str(workspace.home)
    budget = config.load(home, {})  # the environment of this shell is not the agent's
    state = states.SessionState(None)
    state.new_turn()
    index = lookup.open_index(home, lookup.scope_tokens(project, None))
    notes: tuple[str, ...] = ()
    if index is None:
        notes = ("there is no recall index yet: run `reverie distill`, or `reverie recall --reindex`",)
    elif index.stale:
        notes = ("lessons changed since the index was built; `reverie recall --reindex` rebuilds it",)
    return index, state, budget, notes


def _built(index: lookup.RecallIndex) -> str | None:
    value = index.meta.get("built_at")
    return str(value) if value else None


def _explained(hit: rank.Hit, project: str, bm25: float | None) -> Explained:
    row = hit.row
    return Explained(
        lesson_id=row.id,
        statement=row.statement,
        decision=hit.decision,
        score=round(hit.score, 4),
        match=round(hit.match, 4),
        confidence=row.confidence,
        recency=round(rank.recency(row.newest, time.time()), 4),
        relevance=round(hit.relevance, 4),
        matched_terms=tuple(hit.matched),
        matched_intents=_intents_matched(hit),
        bm25=round(bm25, 4) if bm25 is not None else None,
        trigger=hit.trigger,
        trigger_reason=hit.trigger_reason,
        scope=row.where(),
        scope_check=_scope_check(row.scope, row.project, project),
        kind=row.kind,
    )


def _intents_matched(hit: rank.Hit) -> tuple[str, ...]:
    """ "test (from `pytest`)": the matched terms that only the lesson's tools brought."""
    own = set(normal.terms(" ".join((hit.row.statement, *hit.row.keywords, *hit.row.commands))))
    brought = set(intents.intent_terms(hit.row.commands, hit.row.statement)) - own
    return tuple(term for term in hit.matched if term in brought)


def _scope_check(scope: str, lesson_project: str, project: str) -> str:
    if scope == "global":
        return "passes: a global lesson applies in every project"
    if scope == "session":
        return "passes: a lesson of this session"
    return f"passes: its project {lesson_project} is this project" if lesson_project == project else "fails"


def _foreign(match: TextMatch, project: str) -> bool:
    return match.scope == "session" or (match.scope == "project" and match.project != project)


def _outside(match: TextMatch, project: str) -> Explained:
    reason = (
        f"fails: it belongs to project {match.project}, not {project}"
        if match.scope == "project"
        else "fails: it belongs to one other session"
    )
    return Explained(
        lesson_id=match.id,
        statement=match.statement,
        decision="out of scope",
        score=0.0,
        match=0.0,
        confidence=0.0,
        recency=0.0,
        relevance=0.0,
        matched_terms=(),
        matched_intents=(),
        bm25=round(match.bm25, 4),
        trigger=0.0,
        trigger_reason="",
        scope=f"project {match.project}" if match.scope == "project" else "another session",
        scope_check=reason,
        kind="",
    )
