"""Sessions and the projects they belong to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Project:
    """Where a session worked.

    ``key`` is the normalised git remote (``github.com/owner/repo``) when there is one, so every
    clone and every worktree of one repository is one project; ``path:<abs path>`` otherwise.
    """

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    agent: str  # "claude-code", "codex", ...
    project: Project | None = None
    cwd: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    transcript_path: str | None = None
    parent_id: str | None = None  # the main session of a subagent
