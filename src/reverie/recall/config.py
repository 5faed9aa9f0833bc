"""Recall's budgets and thresholds: defaults, ``<home>/config.toml``, then the environment.

    [recall]
    session_start_tokens = 1000   # the digest at session start
    turn_tokens = 400             # everything injected between two prompts (prompt + tool calls)
    session_tokens = 2500         # everything injected in one session, digest included
    prompt_lessons = 3            # at most this many lessons for one prompt
    tool_lessons = 1              # at most this many before one tool call
    min_match = 0.35              # how well a prompt must match a lesson's text or trigger
    min_score = 0.12              # match x confidence x recency, below which nothing is shown
    call_decision = 2             # a lesson that forbids the call: 2 deny once, 1 ask the person, 0 context

Each key can be overridden for one session with ``REVERIE_RECALL_<KEY>`` (``REVERIE_RECALL_TURN_TOKENS=0``
stops just-in-time lessons and keeps the digest). ``REVERIE_INJECT=0`` turns all injection off.

The hook reads the file once, at session start (``tomllib`` is not free), and keeps the result in the
session's state; later events of the session read it from there.
"""

from __future__ import annotations

from reverie import lean_os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

CONFIG_FILE = "config.toml"
ENV_PREFIX = "REVERIE_RECALL_"
INJECT_ENV = "REVERIE_INJECT"

DEFAULTS: dict[str, float] = {
    "session_start_tokens": 1000,
    "turn_tokens": 400,
    "session_tokens": 2500,
    "prompt_lessons": 3,
    "tool_lessons": 1,
    "min_match": 0.35,
    "min_score": 0.12,
    "call_decision": 2,
}
_INTEGERS = frozenset(
    {"session_start_tokens", "turn_tokens", "session_tokens", "prompt_lessons", "tool_lessons", "call_decision"}
)


class Budget:
    """Resolved settings; attribute access by the names in ``DEFAULTS``."""

    __slots__ = ("values",)

    def __init__(self, values: Mapping[str, float] | None = None) -> None:
        merged = dict(DEFAULTS)
        for name, value in (values or {}).items():
            if name in DEFAULTS and isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                merged[name] = int(value) if name in _INTEGERS else float(value)
        self.values = merged

    def __getattr__(self, name: str) -> float:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def integer(self, name: str) -> int:
        return int(self.values[name])

    def to_json(self) -> dict[str, float]:
        return dict(self.values)


def from_environment(environ: Mapping[str, str], base: Mapping[str, float] | None = None) -> Budget:
    """``base`` (defaults when None) with ``REVERIE_RECALL_*`` overrides; malformed values are ignored."""
    values = dict(base or DEFAULTS)
    for name in DEFAULTS:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        try:
            values[name] = float(raw)
        except ValueError:
            continue
    return Budget(values)


def load(home: str, environ: Mapping[str, str]) -> Budget:
    """Defaults, then ``[recall]`` in ``<home>/config.toml``, then the environment."""
    return from_environment(environ, Budget(read_file(lean_os.join(home, CONFIG_FILE))).values)


def read_file(path: str) -> dict[str, float]:
    """The ``[recall]`` table of a TOML file; ``{}`` when the file is missing. A malformed file raises
    ``ConfigError`` naming it: the person asked for settings, silently ignoring them would mislead."""
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed below; opened first so that no file costs no tomllib)
    except FileNotFoundError:
        return {}
    except OSError as error:
        from reverie.errors import ConfigError

        raise ConfigError(f"{path}: {error}") from error
    import tomllib

    from reverie.errors import ConfigError

    try:
        with file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from error
    table = data.get("recall", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [recall] must be a table")
    return {str(k): v for k, v in table.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def injection_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get(INJECT_ENV, "").strip() != "0"
