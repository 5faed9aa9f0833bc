"""The agents reverie knows: the built-ins registered in the extension table, plus installed ones.

A third-party package adds an agent with one ``reverie.agents`` entry point naming an
``reverie.extensions.Agent``; ingest, import, ``reverie init``, the actor check and compile then
read it from here, like the built-ins.
"""

from __future__ import annotations

from reverie.adapters.aider import AGENT as AIDER
from reverie.adapters.claude_code.agent import AGENT as CLAUDE_CODE
from reverie.adapters.codex.agent import AGENT as CODEX
from reverie.extensions import AGENTS, Agent

for _built_in in (CLAUDE_CODE, CODEX, AIDER):
    AGENTS.register(_built_in)


def agents() -> tuple[Agent, ...]:
    """Every agent: the built-ins, run-time registrations, then installed packages'."""
    return AGENTS.all(Agent)


def agent(name: str) -> Agent | None:
    return next((known for known in agents() if known.name == name), None)
