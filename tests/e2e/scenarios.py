"""Scripted sessions shared by the capture tests and the fixture recorder, so the recorded fixtures are
exactly what the tests exercise.

The compaction session (Claude Code only) is recorded as a fixture for the importer's handling of
``compact_boundary`` and the summary record.

The capture session has two turns. The first: a prompt, a command that fails, the variant that works, a
file write (Claude Code), and a closing text. The second, run with ``--resume``: a prompt, one command,
a closing text. Every event kind that a plain session produces appears at least once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reverie.llms.scripted_server import Reply, Script, say, shell, summary, tool


@dataclass(frozen=True)
class Turn:
    prompt: str
    replies: tuple[Reply, ...]


FAILING_COMMAND = "cat missing-notes.txt"
WORKING_COMMAND = "echo 'build ok' > notes.txt && cat notes.txt"
RESUMED_COMMAND = "wc -l notes.txt"


def capture_turns(project_dir: Path, *, with_write: bool) -> tuple[Turn, Turn]:
    writes = (tool("Write", file_path=str(project_dir / "NOTES.md"), content="# Notes\n\nThe build is ok.\n"),)
    first = Turn(
        "Check the notes, then write them down.",
        (
            shell(FAILING_COMMAND),
            shell(WORKING_COMMAND),
            *(writes if with_write else ()),
            say("The notes are written."),
        ),
    )
    second = Turn("How many lines are in the notes?", (shell(RESUMED_COMMAND), say("One line.")))
    return first, second


def compaction_turns() -> tuple[Turn, Turn, Turn]:
    """A Claude Code session that is compacted by hand between two prompts."""
    return (
        Turn("List the files here.", (shell("ls -a"), say("The folder is empty."))),
        Turn("/compact", (summary("The user asked for the files; the folder was empty."),)),
        Turn("Anything else to check?", (say("Nothing else."),)),
    )


def script_of(turns: tuple[Turn, ...]) -> Script:
    return Script(reply for turn in turns for reply in turn.replies)
