"""Aider: everything reverie knows about it, in one package.

Aider has no hooks; what it leaves is ``.aider.chat.history.md`` in the folder it runs in (often
committed with the repository). ``history`` parses it; ``AGENT`` below is its row in the extension
table (``reverie.extensions``), registered by ``reverie.adapters.registry`` like the other agents.
It reads AGENTS.md when told to (``--read AGENTS.md``), so the ``agents-md`` artifact target is its.
The project of a history is the folder that holds it (its git remote when it is a repository).
"""

from __future__ import annotations

from pathlib import Path

from reverie.adapters.aider.history import AGENT as NAME
from reverie.adapters.aider.history import FILE_NAME, HEADER_PREFIX, AiderHistory
from reverie.extensions import Agent, TranscriptFormat


def _claims(path: Path, first: object) -> bool:
    if path.name.endswith(FILE_NAME):
        return True
    return isinstance(first, bytes) and first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(HEADER_PREFIX.encode())


def _parser(path: Path) -> AiderHistory:
    return AiderHistory(str(path))


AGENT = Agent(
    name=NAME,
    display_name="Aider",
    transcripts=(TranscriptFormat("text", lambda name: name.endswith(FILE_NAME), _claims, _parser),),
    artifact_targets=("agents-md",),
    process_names=("aider",),
    process_packages=("aider-chat", "/bin/aider"),
)

__all__ = ["AGENT", "AiderHistory"]
