"""The model behind distill (``reverie distill --llm ...`` / ``--reader llm``, ``reverie eval --real
--reader llm``): choose the backend, enforce the cooldown and the token budget, record what it spent.

The reader can also be chosen in ``<home>/config.toml`` (flags win)::

    [reader]
    kind = "llm"            # "rules" (the default) or "llm"
    backend = "claude-cli"  # "claude-cli" (your own `claude -p`, hooks off), "anthropic", "openai"
    model = "claude-haiku-4-5"
    base_url = "http://127.0.0.1:8080/v1"   # an OpenAI-compatible server, say
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.errors import ConfigError, InputError
from reverie.llms.accounting import Budget, Cooldown, Metered, UsageLedger
from reverie.llms.backends import Price, backend_specs, build_backend

if TYPE_CHECKING:  # distill is imported when a model runs, not by every command that lists --llm's choices
    from reverie.distill.extractor import Extractor
    from reverie.distill.llm import LLMDistiller

BACKENDS = tuple(spec.name for spec in backend_specs())  # the extension table's LLM backends
READERS = ("rules", "llm")
CONFIG_FILE = "config.toml"


@dataclass
class ModelRun:
    extractors: tuple[Extractor, ...] = ()
    distiller: LLMDistiller | None = None
    meter: Metered | None = None
    ledger: UsageLedger | None = None
    cooldown: Cooldown | None = None
    note: str = ""
    replaces: bool = False  # the extractors are the whole list (the model is the reader), not additions
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def off(cls) -> ModelRun:
        return cls()

    @classmethod
    def start(
        cls,
        home: Path,
        name: str,
        model: str | None,
        base_url: str | None,
        budget: int,
        minutes: int,
        price: str,
        *,
        reads_person: bool = False,
    ) -> ModelRun:
        """``extractors`` are added to distill's own; as the reader (``reads_person``) they replace them."""
        from reverie.distill.llm import extractor, reader

        cooldown = Cooldown(home / "llm-last-run", timedelta(minutes=minutes))
        now = datetime.now(UTC)
        if not cooldown.ready(now):
            last = cooldown.last()
            return cls(note=f"The model was last used at {last:%H:%M}; cooldown {minutes} min: offline rules only.")
        meter = Metered(build_backend(name, model, base_url, _price(price)), Budget(tokens=budget))
        if reads_person:
            extractors, distiller = reader(meter)
        else:
            proposer, distiller = extractor(meter)
            extractors = (proposer,)
        run = cls(extractors, distiller, meter, UsageLedger(home / "usage.jsonl"), cooldown, started=now)
        run.replaces = reads_person
        return run

    def finish(self) -> None:
        if self.distiller is None or self.meter is None or self.ledger is None or self.cooldown is None:
            return
        for usage in self.meter.usage:
            self.ledger.append(usage)
        self.cooldown.mark(self.started)
        spent = sum(u.input_tokens + u.output_tokens for u in self.meter.usage)
        cost = sum(u.cost_usd for u in self.meter.usage)
        self.note = f"Model: {len(self.meter.usage)} call(s), {spent:,} tokens, ${cost:.4f}."
        if self.distiller.skipped:
            self.note += f" Budget spent: {len(self.distiller.skipped)} session(s) left to the offline rules."

    def summary(self) -> dict[str, Any] | None:
        if self.distiller is None or self.meter is None:
            return {"used": False, "note": self.note} if self.note else None
        return {
            "used": True,
            "calls": [asdict(u) for u in self.meter.usage],
            "budget": self.meter.budget.tokens,
            "spent": self.meter.budget.spent,
            "skipped_sessions": self.distiller.skipped,
        }


def chosen(
    home: Path,
    backend_name: str | None,
    model: str | None,
    base_url: str | None,
    budget: int,
    cooldown: int,
    price: str,
    reader_kind: str | None,
) -> ModelRun:
    """The run that flags and ``[reader]`` in config.toml ask for (flags win); off without a backend."""
    settings = reader_settings(home)
    reads_person = (reader_kind or settings.get("kind", "rules")) == "llm"
    if reads_person:
        backend_name = backend_name or settings.get("backend", "claude-cli")
        model, base_url = model or settings.get("model"), base_url or settings.get("base_url")
    if backend_name is None:
        return ModelRun.off()
    return ModelRun.start(home, backend_name, model, base_url, budget, cooldown, price, reads_person=reads_person)


def reader_for_eval(
    name: str | None, model: str | None, base_url: str | None, tokens: int
) -> tuple[tuple[Extractor, ...], Metered]:
    """The model as the reader for an eval replay: no cooldown, no ledger; the meter says what it spent."""
    from reverie.distill.llm import reader

    meter = Metered(build_backend(name or "claude-cli", model, base_url), Budget(tokens))
    extractors, _ = reader(meter)
    return extractors, meter


def reader_settings(home: Path) -> dict[str, str]:
    """The ``[reader]`` table of ``<home>/config.toml`` (empty when there is none)."""
    path = home / CONFIG_FILE
    if not path.exists():
        return {}
    import tomllib

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("reader", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [reader] must be a table")
    settings = {key: str(value) for key, value in table.items() if key in ("kind", "backend", "model", "base_url")}
    if settings.get("kind", "rules") not in READERS or settings.get("backend", "claude-cli") not in BACKENDS:
        raise ConfigError(f"{path}: [reader] kind is one of {READERS}, backend one of {BACKENDS}")
    return settings


def _price(text: str) -> Price:
    try:
        first, second = (float(part) for part in text.split(","))
    except ValueError as error:
        raise InputError(f"--price takes two numbers, input,output per million tokens: {text!r}") from error
    return Price(first, second)
