"""The agents reverie knows: the built-ins registered in the extension table, plus installed ones.

A third-party package adds an agent with one ``reverie.agents`` entry point naming an
``reverie.extensions.Agent``; ingest, import, ``reverie init``, the actor check and compile then
read it from here, like the built-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from reverie.adapters.aider import AGENT as AIDER
from reverie.adapters.claude_code.agent import AGENT as CLAUDE_CODE
from reverie.adapters.codex.agent import AGENT as CODEX
from reverie.extensions import AGENTS, Agent

V = TypeVar("V")
GENERIC_MARKER = "REVERIE_AGENT_SESSION"  # set by hand (or by a wrapper) for an agent reverie does not know

for _built_in in (CLAUDE_CODE, CODEX, AIDER):
    AGENTS.register(_built_in)


def agents() -> tuple[Agent, ...]:
    """Every agent: the built-ins, run-time registrations, then installed packages'."""
    return AGENTS.all(Agent)


def agent(name: str) -> Agent | None:
    return next((known for known in agents() if known.name == name), None)


class ByAgent(Mapping[str, V]):
    """One field of every agent that has it, by agent name, read from the table when used (so the
    old dictionaries, ``ingest.NORMALIZERS`` or ``hook_install.AGENT_HOOKS``, stay views of it)."""

    def __init__(self, pick: Callable[[Agent], V | None]) -> None:
        self._pick = pick

    def _items(self) -> dict[str, V]:
        return {known.name: value for known in agents() if (value := self._pick(known)) is not None}

    def __getitem__(self, name: str) -> V:
        return self._items()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())


def actor_markers() -> tuple[str, ...]:
    """The variables agents set for the commands they run, plus reverie's own for any other agent."""
    return (*dict.fromkeys(marker for known in agents() for marker in known.actor_markers), GENERIC_MARKER)
