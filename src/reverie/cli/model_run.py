"""``reverie distill --llm ...``: build the backend, enforce the cooldown, record what it spent."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reverie.distill.extractor import Extractor
from reverie.distill.llm import LLMDistiller, extractor
from reverie.errors import InputError
from reverie.llms.accounting import Budget, Cooldown, UsageLedger
from reverie.llms.backends import AnthropicBackend, Backend, ClaudeCliBackend, OpenAIBackend, Price

BACKENDS = ("anthropic", "openai", "claude-cli")
DEFAULT_MODELS = {"anthropic": "claude-haiku-4-5", "openai": "gpt-5-mini"}


@dataclass
class ModelRun:
    extractors: tuple[Extractor, ...] = ()
    distiller: LLMDistiller | None = None
    ledger: UsageLedger | None = None
    cooldown: Cooldown | None = None
    note: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def off(cls) -> ModelRun:
        return cls()

    @classmethod
    def start(
        cls, home: Path, name: str, model: str | None, base_url: str | None, budget: int, minutes: int, price: str
    ) -> ModelRun:
        cooldown = Cooldown(home / "llm-last-run", timedelta(minutes=minutes))
        now = datetime.now(UTC)
        if not cooldown.ready(now):
            last = cooldown.last()
            return cls(note=f"The model was last used at {last:%H:%M}; cooldown {minutes} min: offline rules only.")
        proposer, distiller = extractor(_backend(name, model, base_url, _price(price)), Budget(tokens=budget))
        return cls((proposer,), distiller, UsageLedger(home / "usage.jsonl"), cooldown, started=now)

    def finish(self) -> None:
        if self.distiller is None or self.ledger is None or self.cooldown is None:
            return
        for usage in self.distiller.usage:
            self.ledger.append(usage)
        self.cooldown.mark(self.started)
        spent = sum(u.input_tokens + u.output_tokens for u in self.distiller.usage)
        cost = sum(u.cost_usd for u in self.distiller.usage)
        self.note = f"Model: {len(self.distiller.usage)} call(s), {spent:,} tokens, ${cost:.4f}."
        if self.distiller.skipped:
            self.note += f" Budget spent: {len(self.distiller.skipped)} session(s) left to the offline rules."

    def summary(self) -> dict[str, Any] | None:
        if self.distiller is None:
            return {"used": False, "note": self.note} if self.note else None
        return {
            "used": True,
            "calls": [asdict(u) for u in self.distiller.usage],
            "budget": self.distiller.budget.tokens,
            "spent": self.distiller.budget.spent,
            "skipped_sessions": self.distiller.skipped,
        }


def _backend(name: str, model: str | None, base_url: str | None, price: Price) -> Backend:
    if name == "anthropic":
        return AnthropicBackend(model=model or DEFAULT_MODELS[name], base_url=base_url, price=price)
    if name == "openai":
        return OpenAIBackend(model=model or DEFAULT_MODELS[name], base_url=base_url, price=price)
    return ClaudeCliBackend(model=model, price=price)


def _price(text: str) -> Price:
    try:
        first, second = (float(part) for part in text.split(","))
    except ValueError as error:
        raise InputError(f"--price takes two numbers, input,output per million tokens: {text!r}") from error
    return Price(first, second)
