"""The ledger's two files in the workspace: ``.reverie/PROGRESS.md`` and ``.reverie/progress.json``.

The JSON twin is the machine's record; PROGRESS.md is the person's view, which they may edit at any
time, also while a run is going on. ``LedgerBook`` remembers the markdown it last wrote, so that
before each update it can tell the person's edits (the difference between that and the file now)
from its own changes, and apply only the former (``markdown.changes``). Each file is replaced
atomically, JSON first, so the markdown is never ahead of the record it was rendered from.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from reverie.loop import markdown
from reverie.loop.ledger import LEDGER_DIR, Ledger, ledger_paths, load, to_json, write_atomically

_EXCLUDE_LINE = f"/{LEDGER_DIR}/"


def keep_out_of_git(workdir: Path) -> None:
    """List ``.reverie/`` in the repository's ``info/exclude`` (never in a tracked ``.gitignore``), so
    the agent does not see the ledger as an untracked change in ``git status`` and never commits it.
    Nothing happens outside a git repository or when git is missing."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--git-path", "info/exclude"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return
    if found.returncode != 0 or not found.stdout.strip():
        return
    exclude = (workdir / found.stdout.strip()).resolve()
    try:
        existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if _EXCLUDE_LINE in existing.splitlines():
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as sink:
            sink.write(("" if not existing or existing.endswith("\n") else "\n") + _EXCLUDE_LINE + "\n")
    except OSError:
        return  # a read-only repository: the ledger still works, git merely lists it


class LedgerBook:
    """The ledger files of one workspace, and what this process last wrote to them."""

    def __init__(self, workdir: Path) -> None:
        self.markdown_path, self.json_path = ledger_paths(workdir)
        self._written: str | None = None

    def open(self, run: int | None = None) -> Ledger | None:
        """The stored ledger with the person's edits taken in; None when there is none yet."""
        ledger = load(self.json_path)
        if ledger is None:
            return None
        self._written = markdown.update_document(None, ledger)  # what reverie wrote from this record
        return self.take_edits(ledger, len(ledger.agent_runs) if run is None else run)

    def take_edits(self, ledger: Ledger, run: int) -> Ledger:
        """``ledger`` with whatever the person changed in PROGRESS.md since it was last written."""
        if self._written is None or not self.markdown_path.exists():
            return ledger  # nothing written yet, or the file was deleted: the next write renders it anew
        now = self.markdown_path.read_text(encoding="utf-8", errors="replace")
        edits = markdown.changes(markdown.read_edits(self._written), markdown.read_edits(now))
        return markdown.apply_changes(ledger, edits, run) if edits else ledger

    def write(self, ledger: Ledger) -> None:
        write_atomically(self.json_path, json.dumps(to_json(ledger), indent=2, ensure_ascii=False) + "\n")
        existing = (
            self.markdown_path.read_text(encoding="utf-8", errors="replace") if self.markdown_path.exists() else None
        )
        self._written = markdown.update_document(existing, ledger)
        write_atomically(self.markdown_path, self._written)
