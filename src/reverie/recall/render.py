"""The text recall injects: lessons phrased as facts, each with where it applies and how sure we are.

Every piece is wrapped in the marker of ``reverie.domain.markers`` (``<reverie-context kind="...">``),
so capture tags it ``injected`` and distill never learns from it: a lesson must not reinforce itself
by being shown. The hook cannot import ``reverie.domain`` (its package imports dataclasses and enums,
several milliseconds), so the two marker strings are repeated here and a test holds them equal.

Sizes are counted in tokens estimated as characters / 4, the usual rule for English and code; no
tokenizer is available offline and the budget is a guard, not an invoice.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from reverie.recall.rank import Hit

INJECTED_OPEN = "<reverie-context"  # == reverie.domain.markers.INJECTED_OPEN
INJECTED_CLOSE = "</reverie-context>"  # == reverie.domain.markers.INJECTED_CLOSE
MAX_STATEMENT_CHARS = 320
HOOK_OUTPUT_LIMIT = 10_000  # Claude Code's cap on a hook's additionalContext

DIGEST_HEADER = (
    "reverie: lessons learned in earlier sessions, strongest first. Each says where it applies and how sure "
    "reverie is (confidence 0-1, from evidence); what the user says now wins over them."
)
PROMPT_HEADER = "reverie: lessons from earlier sessions that bear on this request:"


def wrap_injected(text: str, kind: str) -> str:
    """Exactly ``reverie.domain.markers.wrap_injected``."""
    return f'{INJECTED_OPEN} kind="{kind}">\n{text}\n{INJECTED_CLOSE}'


def estimate_tokens(text: str) -> int:
    return (len(text) + 3) // 4


def statement_text(statement: str) -> str:
    """The statement without a scope prefix (the scope is said separately), on one line, bounded."""
    text = " ".join(statement.split())
    for prefix in ("In this project: ", "In this project, ", "On this machine: "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            text = text[:1].upper() + text[1:]
    if len(text) > MAX_STATEMENT_CHARS:
        text = text[: MAX_STATEMENT_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    return text


def lesson_line(hit: Hit) -> str:
    row = hit.row
    return f"- {statement_text(row.statement)} ({row.where()}; confidence {row.confidence:.2f}; {row.id})"


def fit(hits: Sequence[Hit], budget_tokens: int, fixed_text: str = "") -> tuple[list[Hit], list[Hit]]:
    """The hits, in order, whose lines fit the budget after ``fixed_text``; and those that did not."""
    used = estimate_tokens(fixed_text)
    kept: list[Hit] = []
    left: list[Hit] = []
    for hit in hits:
        hit.tokens = estimate_tokens(lesson_line(hit) + "\n")
        if used + hit.tokens <= budget_tokens:
            kept.append(hit)
            used += hit.tokens
        else:
            left.append(hit)
    return kept, left


def digest(hits: Sequence[Hit], left_out: int) -> str:
    lines = [DIGEST_HEADER, *(lesson_line(hit) for hit in hits)]
    if left_out:
        lines.append(f"({left_out} more apply here; `reverie context --session-start` lists them.)")
    return _bounded(wrap_injected("\n".join(lines), "session-start"))


def for_prompt(hits: Sequence[Hit]) -> str:
    return _bounded(wrap_injected("\n".join([PROMPT_HEADER, *(lesson_line(hit) for hit in hits)]), "prompt"))


def for_call(hits: Sequence[Hit], call_label: str) -> str:
    header = f"reverie: before `{call_label}`, from earlier sessions:"
    return _bounded(wrap_injected("\n".join([header, *(lesson_line(hit) for hit in hits)]), "tool"))


def _bounded(text: str) -> str:
    """Never more than the agent accepts; budgets keep us far below it, this is the last guard."""
    if len(text) <= HOOK_OUTPUT_LIMIT:
        return text
    cut = HOOK_OUTPUT_LIMIT - len(INJECTED_CLOSE) - 2
    return text[:cut].rsplit("\n", 1)[0] + "\n" + INJECTED_CLOSE
