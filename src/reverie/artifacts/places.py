"""Where compiled artifacts go: the repository for project lessons, the user's agent folders for global ones.

Claude Code loads ``CLAUDE.md`` and ``.claude/`` from the repository and from its config dir
(``$CLAUDE_CONFIG_DIR``, default ``~/.claude``); Codex and most other agents read ``AGENTS.md`` from the
repository and from ``$CODEX_HOME`` (default ``~/.codex``), and skills from ``.agents/skills`` in the
repository or ``~/.agents/skills``.

A project's lessons are compiled into the repository that identifies as that project: the folder is
``--project DIR`` or the repository of the current folder, and its key (``capture.project.identify``)
picks the lessons.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reverie.adapters.claude_code.settings import project_root
from reverie.capture.project import identify
from reverie.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Folders:
    """Where one scope's files go."""

    scope: str  # "project" | "global"
    claude: Path  # the folder that holds rules/, hooks/, commands/, skills/, agents/
    claude_md: Path
    settings: Path
    agents_md: Path
    agent_skills: Path  # .agents/skills
    root: Path  # the folder recorded as the artifact's root
    codex: Path | None = None  # $CODEX_HOME, where Codex reads hooks.json; Codex has no project hooks file

    @property
    def project(self) -> bool:
        return self.scope == "project"


@dataclass(frozen=True, slots=True)
class Places:
    project_key: str
    project: Folders
    user: Folders

    @property
    def roots(self) -> tuple[str, ...]:
        return (str(self.project.root), str(self.user.root))

    def folders(self, scope: str) -> Folders:
        return self.project if scope == "project" else self.user


def resolve(project_dir: str | None) -> Places:
    start = Path(project_dir).expanduser() if project_dir else Path.cwd()
    if not start.is_dir():
        raise ConfigError(f"{start} is not a folder")
    root = project_root(start).resolve()
    return Places(project_key=identify(str(root)).key, project=project_folders(root), user=user_folders())


def project_folders(root: Path) -> Folders:
    return Folders(
        scope="project",
        claude=root / ".claude",
        claude_md=root / "CLAUDE.md",
        settings=root / ".claude" / "settings.json",
        agents_md=root / "AGENTS.md",
        agent_skills=root / ".agents" / "skills",
        root=root,
    )


def user_folders() -> Folders:
    claude = _from_env("CLAUDE_CONFIG_DIR", Path.home() / ".claude")
    codex = _from_env("CODEX_HOME", Path.home() / ".codex")
    return Folders(
        scope="global",
        claude=claude,
        claude_md=claude / "CLAUDE.md",
        settings=claude / "settings.json",
        agents_md=codex / "AGENTS.md",
        agent_skills=Path.home() / ".agents" / "skills",
        root=claude,
        codex=codex,
    )


def _from_env(variable: str, default: Path) -> Path:
    configured = os.environ.get(variable)
    return (Path(configured).expanduser() if configured else default).absolute()
