"""The optional LLM distiller: a model proposes lessons, the deterministic rules decide.

The model is shown a compact digest of one session (the prompts the person typed, failed commands
with their error, and what worked after) in which every item carries a reference such as ``E12``,
and answers with JSON proposals: ``{"ref": "E12", "quote": "...", "statement": "...", "kind":
"rule"}``. Nothing the model says is trusted by itself:

* a proposal must cite an event of the digest, and its quote must appear in that event's text, or
  it is dropped (no evidence, no lesson);
* when the cited event is a prompt the person typed, the *quote* goes through the same statement
  parser as any correction, which decides the instruction, its strength, scope and durability; the
  model only pointed at it;
* otherwise the proposal is the model's claim about that event: evidence with the ``agent_claim``
  basis (``tool_text`` when it cites command output), so the guards keep it a candidate (or a
  quarantined fact) however confident the model sounds.

Every call is bounded by a token ``Budget`` and recorded as ``Usage`` (``reverie.llms.accounting``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from reverie.distill import signatures
from reverie.distill.corrections import observation as correction
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import SessionView, evidence
from reverie.distill.statements import content_words, parse_statements
from reverie.domain.events import Event, EventKind, Origin
from reverie.domain.lessons import Basis, LessonKind, LessonStatus, Observation, Trigger
from reverie.llms.accounting import Budget, Usage
from reverie.llms.backends import Backend

NAME = "llm"
MAX_DIGEST_CHARS = 12_000
MAX_ITEM_CHARS = 400
MAX_OUTPUT_CHARS = 200
SYSTEM = """You read a coding-agent session and propose lessons that should change what the agent does
in future sessions of this project: standing instructions or corrections the person gave, commands that
fail here and what works instead, facts about the project. Skip one-off task requests.
Answer with a JSON array only. Each item: {"ref": "<the E-number of the item that shows it>",
"quote": "<exact words from that item>", "statement": "<the lesson as an instruction or fact>",
"kind": "fact|preference|procedure|hazard|failed_approach|rule"}. Answer [] when there is nothing."""


@dataclass
class LLMDistiller:
    """Callable as an extractor; keeps what it spent. Build it with ``extractor(...)``."""

    backend: Backend
    budget: Budget
    max_tokens: int = 800
    usage: list[Usage] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sessions left out because the budget ran out

    def __call__(self, view: SessionView) -> Iterator[Observation]:
        digest, refs = build_digest(view)
        if not refs:
            return
        estimate = (len(SYSTEM) + len(digest)) // 4 + self.max_tokens
        if not self.budget.allows(estimate):
            self.skipped.append(view.session.id)
            return
        completion = self.backend.complete(SYSTEM, digest, max_tokens=self.max_tokens)
        self.budget.charge(completion)
        purpose = f"distill:{view.session.id}"
        self.usage.append(Usage.of(completion, self.backend.name, self.backend.price, purpose, datetime.now(UTC)))
        for proposal in proposals(completion.text):
            yield from ground(view, refs, proposal)


def extractor(backend: Backend, budget: Budget, *, max_tokens: int = 800) -> tuple[Extractor, LLMDistiller]:
    distiller = LLMDistiller(backend=backend, budget=budget, max_tokens=max_tokens)
    return Extractor(
        name=NAME, summary=f"lessons proposed by {backend.name}, decided by the guards", extract=distiller
    ), distiller


def build_digest(view: SessionView) -> tuple[str, dict[str, Event]]:
    """The session in a few thousand characters, each item with a reference the model must cite."""
    lines: list[str] = []
    refs: dict[str, Event] = {}
    items = [(p.index, p.event, "user said", p.text) for p in view.prompts]
    for action in view.shell_runs():
        if action.failed and action.result is not None:
            items.append(
                (action.index, action.result, f"`{action.command}` failed", signatures.telling_line(action.output))
            )
        elif action.ok and action.result is not None:  # output is untrusted: cited, it stays tool text
            items.append((action.index, action.result, f"`{action.command}` printed", action.output[:MAX_OUTPUT_CHARS]))
    for index, event, label, text in sorted(items, key=lambda item: item[0]):
        ref = f"E{index}"
        line = f"[{ref}] {label}: {' '.join(text.split())[:MAX_ITEM_CHARS]}"
        if sum(len(existing) + 1 for existing in lines) + len(line) > MAX_DIGEST_CHARS:
            break
        lines.append(line)
        refs[ref] = event
    return "\n".join(lines), refs


def proposals(text: str) -> list[dict[str, Any]]:
    """The JSON array in the model's answer (code fences and chatter around it are tolerated)."""
    match = re.search(r"\[.*\]", text, re.DOTALL)
    if match is None:
        return []
    try:
        parsed = json.loads(match.group(0))
    except json.JSONDecodeError:
        return []
    return [item for item in parsed if isinstance(item, dict)] if isinstance(parsed, list) else []


def ground(view: SessionView, refs: dict[str, Event], proposal: dict[str, Any]) -> Iterator[Observation]:
    event = refs.get(str(proposal.get("ref", "")))
    quote = str(proposal.get("quote", "")).strip()
    statement = " ".join(str(proposal.get("statement", "")).split())[:300]
    if event is None or not quote or not statement or not _contains(event, quote):
        return
    if event.kind is EventKind.PROMPT and event.origin is Origin.USER:
        prompt = next(p for p in view.prompts if p.event.key == event.key)
        parsed = parse_statements(quote)
        for statement_found in parsed:
            yield replace(correction(view, prompt, statement_found), extractor=NAME)
        if parsed:
            return  # the parser found the instruction; otherwise the model's reading is only its claim
    basis = Basis.TOOL_TEXT if event.origin is Origin.TOOL else Basis.AGENT_CLAIM
    words = sorted(set(content_words(statement)))
    yield Observation(
        key="llm:" + " ".join(words[:12]),
        kind=_kind(proposal.get("kind")),
        statement=statement,
        scope=view.scope(),
        evidence=(evidence(event, basis, "cited", quote),),
        extractor=NAME,
        trigger=Trigger(keywords=tuple(words[:6])),
        max_status=LessonStatus.CANDIDATE,
        uncertainty="proposed by a model; not confirmed by the person or by an outcome",
    )


def _contains(event: Event, quote: str) -> bool:
    haystack = " ".join((event.text or json.dumps(event.tool_input or {})).split()).casefold()
    return " ".join(quote.split()).casefold() in haystack


def _kind(value: object) -> LessonKind:
    try:
        return LessonKind(str(value))
    except ValueError:
        return LessonKind.FACT
