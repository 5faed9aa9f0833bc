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

As the **reader** (``reverie distill --reader llm``, ``reader(...)``), the model replaces the rule-based
reader of what the person typed (the ``corrections`` extractor); the other extractors stay. It also says
whether each instruction is ``standing`` or ``one_off`` and ``project`` or ``global``. What it proposes
on the person's words still has to pass code:

* the quote must be an exact part of a turn the person typed (a prompt, an answer, refusal feedback),
  never the agent's text, tool output or reverie's own context (the guards drop those);
* ``statement_checks``: the statement is one plain sentence of reasonable length, not a question, no
  code fence, shares a content word with the quote, and every command, flag or path it names appears
  in the person's turn (the model cannot invent a command the person never wrote);
* then the same guards as every observation (basis follows origin, one-offs stay session candidates).

Distill sees the model only through ``Model``: one bounded question in, text out. The backend, the
token budget and the record of every call sit behind it (``reverie.llms.accounting.Metered``), so
distill never imports a backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from reverie.distill import signatures
from reverie.distill.corrections import NAME as corrections_name
from reverie.distill.corrections import observation as correction
from reverie.distill.extractor import Extractor
from reverie.distill.registry import EXTRACTORS
from reverie.distill.session_view import Prompt, SessionView, evidence
from reverie.distill.statements import content_words, parse_statements
from reverie.domain.events import Event, EventKind, Origin
from reverie.domain.lessons import Basis, LessonKind, LessonStatus, Observation, ScopeLevel, Trigger

NAME = "llm"
MAX_DIGEST_CHARS = 12_000
MAX_ITEM_CHARS = 400
MAX_OUTPUT_CHARS = 200
SYSTEM = """You read a coding-agent session and propose lessons that should change what the agent does
in future sessions of this project: standing instructions or corrections the person gave, commands that
fail here and what works instead, facts about the project. Skip one-off task requests.
Answer with a JSON array only. Each item: {"ref": "<the E-number of the item that shows it>",
"quote": "<exact words from that item>", "statement": "<the lesson as an instruction or fact>",
"kind": "fact|preference|procedure|hazard|failed_approach|rule", "lasts": "standing|one_off",
"scope": "project|global"}. "one_off" is an instruction bounded to the current task; "global" is what
the person says holds for them in every project. Lines in parentheses are context only: never cite them.
Answer [] when there is nothing."""
MIN_STATEMENT, MAX_STATEMENT = 8, 300
_CODE_TOKEN = re.compile(r"`([^`\n]+)`|(?<![\w])(--?[\w][\w-]*|[\w.-]*[/][\w./-]+|[\w-]+\.[a-z]{1,5})(?![\w])")


class Model(Protocol):
    """A model behind a budget: ``allows`` before asking, ``ask`` charges and records the call."""

    @property
    def name(self) -> str: ...

    def allows(self, estimate: int) -> bool: ...

    def ask(self, system: str, prompt: str, *, max_tokens: int, purpose: str) -> str: ...


@dataclass
class LLMDistiller:
    """Callable as an extractor; keeps what it spent. Build it with ``extractor(...)``."""

    model: Model
    max_tokens: int = 800
    reads_person: bool = False  # the reader: its reading of the person's words is a user statement
    skipped: list[str] = field(default_factory=list)  # sessions left out because the budget ran out

    def __call__(self, view: SessionView) -> Iterator[Observation]:
        digest, refs = build_digest(view)
        if not refs:
            return
        estimate = (len(SYSTEM) + len(digest)) // 4 + self.max_tokens
        if not self.model.allows(estimate):
            self.skipped.append(view.session.id)
            return
        text = self.model.ask(SYSTEM, digest, max_tokens=self.max_tokens, purpose=f"distill:{view.session.id}")
        for proposal in proposals(text):
            yield from ground(view, refs, proposal, reads_person=self.reads_person)


def extractor(model: Model, *, max_tokens: int = 800) -> tuple[Extractor, LLMDistiller]:
    distiller = LLMDistiller(model=model, max_tokens=max_tokens)
    return Extractor(
        name=NAME, summary=f"lessons proposed by {model.name}, decided by the guards", extract=distiller
    ), distiller


def reader(model: Model, *, max_tokens: int = 800) -> tuple[tuple[Extractor, ...], LLMDistiller]:
    """distill's extractors with the model as the reader of the person's words (instead of the rules)."""
    distiller = LLMDistiller(model=model, max_tokens=max_tokens, reads_person=True)
    proposer = Extractor(name=NAME, summary=f"the person's words read by {model.name}", extract=distiller)
    kept = tuple(item for item in EXTRACTORS if item.name != corrections_name)
    return (*kept, proposer), distiller


def build_digest(view: SessionView) -> tuple[str, dict[str, Event]]:
    """The session in a few thousand characters, each item with a reference the model must cite."""
    lines: list[str] = []
    refs: dict[str, Event] = {}
    items = [(p.index, p.event, _said(view, p.index, p.event), p.text) for p in view.prompts]
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


def _said(view: SessionView, index: int, event: Event) -> str:
    """How the person's turn arrived, with the agent's words just before it as uncitable context."""
    how = "user refused a tool call and said" if event.data.get("feedback") else "user said"
    before = next(
        (e.text for e in reversed(view.events[:index]) if e.kind is EventKind.ASSISTANT and e.text.strip()), ""
    )
    context = " ".join(before.split())[-200:]
    return f"(agent just before: {context}) {how}" if context else how


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


def ground(
    view: SessionView, refs: dict[str, Event], proposal: dict[str, Any], *, reads_person: bool = False
) -> Iterator[Observation]:
    event = refs.get(str(proposal.get("ref", "")))
    quote = str(proposal.get("quote", "")).strip()
    statement = " ".join(str(proposal.get("statement", "")).split())[:MAX_STATEMENT]
    if event is None or not quote or not statement or not _contains(event, quote):
        return
    if event.kind is EventKind.PROMPT and event.origin is Origin.USER:
        prompt = next(p for p in view.prompts if p.event.key == event.key)
        if reads_person:
            if statement_checks(statement, quote, prompt.text):
                yield read_by_model(view, prompt, proposal, quote, statement)
            return
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


def statement_checks(statement: str, quote: str, typed: str) -> bool:
    """Whether a model's statement may stand for the person's words (see the module docstring)."""
    if not MIN_STATEMENT <= len(statement) <= MAX_STATEMENT or "```" in statement or statement.endswith("?"):
        return False
    if not set(content_words(statement)) & set(content_words(quote)):
        return False
    written = " ".join(typed.split()).casefold()
    for match in _CODE_TOKEN.finditer(statement):
        token = (match.group(1) or match.group(2) or "").strip().casefold()
        if token and not re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", written):
            return False
    return True


def read_by_model(
    view: SessionView, prompt: Prompt, proposal: dict[str, Any], quote: str, statement: str
) -> Observation:
    """The person's instruction as the model read it: their words are the evidence, code set the rest."""
    one_off = str(proposal.get("lasts", "standing")) == "one_off"
    everywhere = str(proposal.get("scope", "project")) == "global" and not one_off
    level = ScopeLevel.GLOBAL if everywhere else ScopeLevel.PROJECT
    words = sorted(set(content_words(statement)))
    return Observation(
        key="read:" + " ".join(words[:12]),
        kind=_kind(proposal.get("kind") or "preference"),
        statement=statement,
        scope=view.scope(level),
        evidence=(evidence(prompt.event, Basis.USER_STATEMENT, "statement", quote),),
        extractor=NAME,
        trigger=Trigger(keywords=tuple(words[:6])),
        durable=not one_off,
        explicit=not one_off,
        max_status=LessonStatus.CANDIDATE if one_off else LessonStatus.ACTIVE,
        valid_to=view.ended_at if one_off else None,
        uncertainty="read by a model from the person's own words",
    )
