"""The policy file, ``<reverie home>/policy.toml``: what may be accepted without a person, and when
dreams run on their own.

    [review]
    auto_accept = ["merge.exact", "retire.expired"]   # only names from LOW_RISK

    [dream]
    auto_after_sessions = 20      # `reverie dream --auto` runs once this many new sessions arrived
    cooldown_minutes = 360        # ... and not sooner than this after the last dream
    time_budget_seconds = 300
    token_budget = 0              # no model unless you give it tokens
    gate = "checks"               # or a labels file (relative to the home), or "off" (the default)

Only low-risk names may be auto-accepted (``reverie.domain.changes.LOW_RISK``): a file that names
another type is refused as a whole, so a typo never widens what runs unattended. Even a named type
is accepted automatically only when the change does not shape behaviour (``Change.shapes_behaviour``).

``gate`` makes every dream measure its proposal against its input (``reverie.review.gate``) and mark
itself regressing when a check gets worse; ``reverie dream --gate`` overrides it for one dream.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from reverie.domain.changes import LOW_RISK, Change
from reverie.errors import ConfigError

POLICY_FILE = "policy.toml"


@dataclass(frozen=True, slots=True)
class Policy:
    auto_accept: frozenset[str] = frozenset()
    auto_after_sessions: int = 20
    cooldown: timedelta = timedelta(hours=6)
    time_budget_seconds: float = 300.0
    token_budget: int = 0
    gate: str = ""  # "" or "off": no gate; "checks": label-free checks; otherwise a labels file
    source: str = "(defaults)"

    def accepts(self, change: Change) -> bool:
        return change.policy_name in self.auto_accept and not change.shapes_behaviour


def load(home: Path) -> Policy:
    path = home / POLICY_FILE
    if not path.exists():
        return Policy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    review, dream = _table(data, "review", path), _table(data, "dream", path)
    names = review.get("auto_accept", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ConfigError(f"{path}: review.auto_accept must be a list of change names")
    unsafe = sorted(set(names) - LOW_RISK)
    if unsafe:
        raise ConfigError(
            f"{path}: review.auto_accept may only name low-risk changes ({', '.join(sorted(LOW_RISK))}); "
            f"not {', '.join(unsafe)}"
        )
    return Policy(
        auto_accept=frozenset(names),
        auto_after_sessions=_number(dream, "auto_after_sessions", 20, path),
        cooldown=timedelta(minutes=_number(dream, "cooldown_minutes", 360, path)),
        time_budget_seconds=float(_number(dream, "time_budget_seconds", 300, path)),
        token_budget=_number(dream, "token_budget", 0, path),
        gate=_gate(dream, path),
        source=str(path),
    )


def _table(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return table


def _gate(table: dict[str, Any], path: Path) -> str:
    value = table.get("gate", "")
    if not isinstance(value, str):
        raise ConfigError(f'{path}: dream.gate must be "checks", "off" or the path of a labels file')
    return value.strip()


def _number(table: dict[str, Any], key: str, default: int, path: Path) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{path}: {key} must be a whole number >= 0")
    return value
