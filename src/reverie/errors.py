"""The exception tree, drawn once. The CLI turns these into one-line messages; nothing else catches
them broadly.

    ReverieError
    ├── InputError        bad input from a file or payload; names the file and line when known
    │   └── recall.sandbox.SandboxError          a memory-tool note operation refused or failed
    ├── ConfigError       an agent settings file we cannot safely read or write
    │   └── adapters.settings_file.ConcurrentEdit the file changed between our read and our write
    ├── NotFoundError     a session, lesson or other id that does not exist (or is ambiguous)
    ├── AgentError        an agent CLI that reverie was asked to run cannot be run
    ├── StoreError        the store cannot be opened, read or written: locked, disk full, read-only, not a
    │   │                 database; no sqlite3 or psycopg error leaves ``reverie.store`` (store.sealing)
    │   └── store.protocol.StoreConflict         a write raced another writer or broke a constraint
    │
    │   raised by one stage, defined beside it:
    ├── review.decide.NotApprover        a change to what agents obey, asked from inside an agent session
    ├── review.verdict.RegressingDream   accepting a dream its gate marked regressing, without saying so
    ├── dream.safety.DreamBusy           another dream holds the lock, or the cooldown has not passed
    ├── dream.safety.BudgetExceeded      a dream ran out of time or tokens
    ├── recall.memory_tool.MemoryToolError  a memory-tool command refused; the message goes to the agent
    ├── store.postgres_team.TeamError    a team operation refused (approving one's own proposal, ...)
    ├── sync.client.RemoteError          the team server could not be reached, or refused the request
    └── evals.protocols.MemoryUnavailable  a memory the eval cannot run here; the report says so
"""

from __future__ import annotations


class ReverieError(Exception):
    """Base of every error reverie raises on purpose."""


class InputError(ReverieError):
    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class ConfigError(ReverieError):
    pass


class NotFoundError(ReverieError):
    pass


class AgentError(ReverieError):
    pass


class StoreError(ReverieError):
    """The store failed underneath a command (SQLite's or the file system's error, in one line); what was
    committed before is intact."""
