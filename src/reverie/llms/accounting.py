"""What background model work is allowed to spend: a token budget per run, a cooldown between runs,
and a ledger of every call (tokens and dollars), so the cost of learning is visible and bounded.

Background analysis loops that observe themselves and burn millions of tokens are the failure this
prevents: a run stops asking once its budget is spent, a second run within the cooldown does not
ask at all, and every call is appended to ``usage.jsonl`` in the reverie home.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reverie.llms.backends import Backend, Completion, Price


@dataclass
class Budget:
    """Tokens one run may spend (input and output together)."""

    tokens: int
    spent: int = 0

    def allows(self, estimate: int) -> bool:
        return self.spent + estimate <= self.tokens

    def charge(self, completion: Completion) -> None:
        self.spent += completion.input_tokens + completion.output_tokens


@dataclass(frozen=True, slots=True)
class Usage:
    at: str
    backend: str
    model: str
    purpose: str  # "distill:<session id>"
    input_tokens: int
    output_tokens: int
    cost_usd: float

    @classmethod
    def of(cls, completion: Completion, backend: str, price: Price, purpose: str, at: datetime) -> Usage:
        return cls(
            at=at.isoformat(timespec="seconds"),
            backend=backend,
            model=completion.model,
            purpose=purpose,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cost_usd=round(price.cost(completion.input_tokens, completion.output_tokens), 6),
        )


@dataclass
class Metered:
    """A backend behind a budget that records every call: what distill's model-backed reader asks
    through (``reverie.distill.llm.Model``), so distill never sees a backend."""

    backend: Backend
    budget: Budget
    usage: list[Usage] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.backend.name

    def allows(self, estimate: int) -> bool:
        return self.budget.allows(estimate)

    def ask(self, system: str, prompt: str, *, max_tokens: int, purpose: str) -> str:
        completion = self.backend.complete(system, prompt, max_tokens=max_tokens)
        self.budget.charge(completion)
        self.usage.append(Usage.of(completion, self.backend.name, self.backend.price, purpose, datetime.now(UTC)))
        return completion.text


class UsageLedger:
    """Append-only JSON lines, one per model call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, usage: Usage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(usage)) + "\n")

    def entries(self) -> list[Usage]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Usage(**json.loads(line)) for line in lines if line.strip()]

    def totals(self) -> dict[str, float]:
        entries = self.entries()
        return {
            "calls": len(entries),
            "input_tokens": sum(e.input_tokens for e in entries),
            "output_tokens": sum(e.output_tokens for e in entries),
            "cost_usd": round(sum(e.cost_usd for e in entries), 6),
        }


class Cooldown:
    """At most one model-backed run per ``period``; the time of the last one is kept in a file."""

    def __init__(self, path: Path, period: timedelta) -> None:
        self.path, self.period = path, period

    def ready(self, now: datetime) -> bool:
        last = self.last()
        return last is None or now - last >= self.period

    def last(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def mark(self, now: datetime) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path.write_text(now.isoformat(timespec="seconds"), encoding="utf-8")
