"""Claude Code's hook settings: where they live, which events reverie captures, and how.

**Where.** User level, ``$CLAUDE_CONFIG_DIR/settings.json`` or ``~/.claude/settings.json``, so that every
project is captured. ``--project`` writes the repository's ``.claude/settings.local.json`` and never
``.claude/settings.json``: a capture command names one machine's paths and must not land in a file that
teammates share. Claude Code does not reliably git-ignore ``settings.local.json`` (many repositories add
it by hand), so :func:`git_ignore_status` checks with git itself, and a missing rule goes into the
clone's own ``.git/info/exclude``, which is never committed, rather than into the shared ``.gitignore``.
A ``settings.local.json`` that git already tracks is refused.

**How.** Claude Code runs command hooks with ``/bin/sh -c`` (dash on Debian; Git Bash on Windows), so
arguments are quoted for a POSIX shell, and the resident client ``exec``s ``/bin/bash`` itself. Tool
events use the matcher ``"*"``; the others omit it (an omitted matcher matches every occurrence). One
handler per event does everything reverie does there, in one process: capture, and at ``SessionStart``,
``UserPromptSubmit`` and ``PreToolUse`` recall as well (``--recall yes``), which must answer before the
agent goes on, so those three run synchronously. Capture alone needs no answer, so
the other handlers run ``async`` (in the background, off the agent's critical path) except two: ``Stop``
and ``SessionEnd`` come right before the process
exits, and in ``claude -p`` Claude Code kills async hooks that are still running at teardown, which
would lose exactly the events that close a session. ``SessionEnd`` hooks also share a budget of about
1.5 s, far more than the capture hook needs. Claude Code does not enforce ``timeout`` on async hooks;
it is kept short for the synchronous ones.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.adapters.settings_file import AgentHooks, EventPolicy

AGENT = "claude-code"
TIMEOUT_SECONDS = 5

HOOKS = AgentHooks(
    agent=AGENT,
    schema="claude-code-settings.json",
    events=(
        EventPolicy("SessionStart", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("UserPromptSubmit", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("PreToolUse", matcher="*", timeout=TIMEOUT_SECONDS, recall=True),
        EventPolicy("PostToolUse", matcher="*", run_async=True, timeout=TIMEOUT_SECONDS),
        EventPolicy("PostToolUseFailure", matcher="*", run_async=True, timeout=TIMEOUT_SECONDS),
        EventPolicy("Stop", timeout=TIMEOUT_SECONDS),
        EventPolicy("SubagentStop", run_async=True, timeout=TIMEOUT_SECONDS),
        EventPolicy("PreCompact", run_async=True, timeout=TIMEOUT_SECONDS),
        EventPolicy("SessionEnd", timeout=TIMEOUT_SECONDS),
    ),
    quote=shlex.quote,
)

# The separate recall handlers (reverie/recall/hook.py) that `reverie init` wrote before capture and
# recall became one handler: recognised so that init replaces them and uninstall removes them.
_RECALL_SCRIPT = re.compile(r"reverie[\\/]+recall[\\/]+hook\.py")


def is_recall_handler(handler: Mapping[str, Any]) -> bool:
    """An old separate recall handler of ours, whichever interpreter, install location or data dir it names."""
    command = handler.get("command")
    if handler.get("type") != "command" or not isinstance(command, str):
        return False
    marker = re.compile(rf"(?:^|\s)--agent\s+['\"]?{re.escape(AGENT)}['\"]?(?:\s|$)")
    return bool(_RECALL_SCRIPT.search(command) and marker.search(command))


LOCAL_SETTINGS = Path(".claude") / "settings.local.json"


def user_settings_path() -> Path:
    configured = os.environ.get("CLAUDE_CONFIG_DIR")
    folder = Path(configured).expanduser() if configured else Path.home() / ".claude"
    return folder.absolute() / "settings.json"


def project_settings_path(project_dir: Path) -> Path:
    return project_dir.resolve() / LOCAL_SETTINGS


def project_root(start: Path) -> Path:
    """The repository that ``start`` is in (where Claude Code looks for ``.claude/``), else ``start``."""
    top = _git(start, "rev-parse", "--show-toplevel")
    return Path(top.stdout.strip()) if top is not None and top.returncode == 0 else start.resolve()


def warnings(data: dict[str, Any]) -> list[str]:
    """What in the user's own settings would stop the hooks from running."""
    if data.get("disableAllHooks") is True:
        return ['"disableAllHooks": true in this file turns every hook off, reverie\'s included']
    return []


# ---------------------------------------------------------------------------------------------------
# Keeping settings.local.json out of git


EXCLUDE_COMMENT = "# reverie: machine-specific Claude Code capture hooks (reverie init --project)"


@dataclass(frozen=True)
class GitIgnore:
    """What git thinks of one settings.local.json.

    state: ``ignored`` (nothing to do), ``not-ignored`` (add ``pattern`` to ``exclude_file``),
    ``tracked`` (already committed: refuse), ``no-repo`` or ``no-git`` (nothing git could commit).
    """

    state: str
    exclude_file: Path | None = None
    pattern: str | None = None


def git_ignore_status(settings_path: Path) -> GitIgnore:
    project = settings_path.parent.parent
    top = _git(project, "rev-parse", "--show-toplevel")
    if top is None:
        return GitIgnore("no-git")
    if top.returncode != 0:
        return GitIgnore("no-repo")
    root = Path(top.stdout.strip())
    relative = settings_path.resolve().relative_to(root.resolve()).as_posix()
    tracked = _git(root, "ls-files", "--error-unmatch", "--", relative)
    if tracked is not None and tracked.returncode == 0:
        return GitIgnore("tracked", pattern=f"/{relative}")
    ignored = _git(root, "check-ignore", "-q", "--", relative)
    if ignored is not None and ignored.returncode == 0:
        return GitIgnore("ignored")
    exclude = _git(root, "rev-parse", "--git-path", "info/exclude")
    if exclude is None or exclude.returncode != 0:
        return GitIgnore("no-git")
    exclude_file = Path(exclude.stdout.strip())
    return GitIgnore(
        "not-ignored",
        exclude_file=exclude_file if exclude_file.is_absolute() else root / exclude_file,
        pattern=f"/{relative}",
    )


def add_exclude(exclude_file: Path, pattern: str) -> None:
    """Append ``pattern`` to the clone's own exclude file (git's per-clone .gitignore)."""
    exclude_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = exclude_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if text and not text.endswith("\n"):
        text += "\n"
    exclude_file.write_text(f"{text}{EXCLUDE_COMMENT}\n{pattern}\n", encoding="utf-8")


def keep_out_of_git(status: GitIgnore) -> tuple[str, tuple[str, str] | None]:
    """Act on :func:`git_ignore_status`: (what was done, the (exclude file, pattern) added, if any)."""
    if status.state == "not-ignored" and status.exclude_file and status.pattern:
        add_exclude(status.exclude_file, status.pattern)
        note = f"git: added {status.pattern} to {status.exclude_file} (this clone only, never committed)"
        return note, (str(status.exclude_file), status.pattern)
    notes = {
        "ignored": "git: settings.local.json is already ignored",
        "no-repo": "git: not inside a git repository, nothing to ignore",
        "no-git": "git: not installed, so reverie could not check that settings.local.json is ignored",
    }
    return notes.get(status.state, f"git: {status.state}"), None


def remove_exclude(exclude_file: Path, pattern: str) -> bool:
    """Take out the lines that :func:`add_exclude` wrote, and nothing else."""
    try:
        lines = exclude_file.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        return False
    for index, line in enumerate(lines):
        if line.rstrip("\r\n") == pattern:
            start = index - 1 if index and lines[index - 1].rstrip("\r\n") == EXCLUDE_COMMENT else index
            exclude_file.write_text("".join(lines[:start] + lines[index + 1 :]), encoding="utf-8")
            return True
    return False


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run git in ``folder``; None when git is not installed. Inherited GIT_DIR & co. would point it
    at another repository, so they are dropped."""
    env = {k: v for k, v in os.environ.items() if k not in {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"}}
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, env=env, check=False
        )
    except (FileNotFoundError, NotADirectoryError):
        return None
