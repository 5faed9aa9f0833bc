"""The command-line edge. Each module here is one command group; they share one ``Workspace``.

Conventions every command follows: ``--json`` on everything that prints data, ``--yes`` on
everything that would ask, and nothing waits on stdin when stdin is not a terminal.

Start-up is part of the interface: ``COMMANDS`` below names each command's module, and only the module
of the command that runs is imported (``lazy.py``). A new command is one row there; inside a command
module, what only some commands need (the app layer's use cases, distill, dream, evals, the servers) is
imported in those commands, so that ``reverie stats`` does not pay for ``reverie eval``.
"""

from __future__ import annotations

import errno
import sqlite3
import sys

import click

from reverie import __version__
from reverie.cli.lazy import Entry, LazyGroup
from reverie.errors import ReverieError

# Every command: where it lives and the first sentence of its help. Only the command that runs is
# imported (see lazy.py); the modules are listed in pipeline order, as the help below groups them.
COMMANDS: dict[str, Entry] = {
    "init": Entry(
        "reverie.cli.install:init", "Capture every session of an agent: add reverie's hooks to its settings."
    ),
    "uninstall": Entry("reverie.cli.install:uninstall", "Remove exactly what `reverie init` added, and nothing else."),
    "import": Entry(
        "reverie.cli.importing:import_command",
        "Import Claude Code and Codex transcripts: files or folders, by default the agents' own folders"
        " (~/.claude/projects and ~/.codex/sessions, or $CLAUDE_CONFIG_DIR and $CODEX_HOME).",
    ),
    "ingest": Entry(
        "reverie.cli.ingesting:ingest",
        "Store the events that capture hooks spooled (oldest first, each exactly once).",
    ),
    "distill": Entry("reverie.cli.lessons:distill_command", "Turn new sessions into lessons."),
    "lessons": Entry(
        "reverie.cli.lessons:lessons_command",
        "What reverie has learned: statement, kind, scope, status, confidence.",
    ),
    "show": Entry(
        "reverie.cli.lessons:show_command",
        "One lesson: statement, scope, trigger, confidence breakdown and provenance down to transcript lines.",
    ),
    "forget": Entry("reverie.cli.lessons:forget_command", "Retire a lesson: a tombstone with your reason."),
    "remember": Entry(
        "reverie.cli.lessons:remember_command",
        'Remember something you want agents to know: "use make check, not pytest".',
    ),
    "dream": Entry(
        "reverie.cli.dreams:dream_command",
        "Consolidate lessons offline: propose a typed change-set against a new store version.",
    ),
    "dreams": Entry("reverie.cli.dreams:dreams_command", "Every dream: id, status, inputs, changes, usage."),
    "review": Entry(
        "reverie.cli.dreams:review_command", "A dream's change-set, one change at a time, like a code review."
    ),
    "accept": Entry(
        "reverie.cli.dreams:accept_command",
        "Accept a dream's changes into a new store version (the head moves to it).",
    ),
    "discard": Entry("reverie.cli.dreams:discard_command", "Reject every undecided change of a dream."),
    "history": Entry(
        "reverie.cli.dreams:history_command",
        "Store versions (the head marked *), who accepted what and when, and the audit log.",
    ),
    "rollback": Entry(
        "reverie.cli.dreams:rollback_command",
        "Point the head back at an earlier store version (default: before the last accepted dream).",
    ),
    "proposals": Entry(
        "reverie.cli.proposing:proposals_group",
        "What agents proposed (a lesson, forgetting one, a rewording, a promotion): pending until you decide.",
    ),
    "sessions": Entry("reverie.cli.traces:sessions", "What reverie has seen, per project."),
    "trace": Entry(
        "reverie.cli.traces:trace", "One session as a readable timeline: prompts, tool calls, results, errors."
    ),
    "stats": Entry(
        "reverie.cli.traces:stats",
        "Counts of sessions, projects and events, by kind, origin and source; with --over-time, what was"
        " learned week by week.",
    ),
    "recall": Entry(
        "reverie.cli.recall:recall",
        "What the agent would be shown for QUERY (a prompt), and why: each candidate's matched terms, scope"
        " check and score (match x confidence x recency).",
    ),
    "context": Entry(
        "reverie.cli.recall:context",
        "The context a new session receives: the digest of active lessons for this project and you.",
    ),
    "mcp": Entry(
        "reverie.cli.recall:mcp",
        "Serve reverie's lessons to an MCP client over stdio (search, provenance, proposals, the digest).",
    ),
    "eval": Entry(
        "reverie.cli.evals:eval_",
        "Score memories on the failure labels of docs/eval.md and on future behaviour, each metric against its target.",
    ),
    "demo": Entry(
        "reverie.cli.demo:demo",
        "Run capture, distill, dream, review, recall, compile and eval on generated sample sessions.",
    ),
    "compile": Entry(
        "reverie.cli.artifacts:compile_command",
        "Write rules, hooks, commands, skills and subagents from reviewed lessons (level rule and above).",
    ),
    "artifacts": Entry(
        "reverie.cli.artifacts:artifacts_group",
        "Every compiled artifact: its source lessons, content hash, files and drift.",
    ),
    "promote": Entry("reverie.cli.artifacts:promote_command", "Propose that a lesson apply in every project."),
    "evolve": Entry(
        "reverie.cli.artifacts:evolve_command",
        "Propose that a lesson become a rule, hook, command, skill or subagent.",
    ),
    "loop": Entry(
        "reverie.cli.loop:loop",
        "Run the agent headless on the objective again and again, each run fresh, until the check passes,"
        " runs stop making progress, or a budget is spent.",
    ),
    "progress": Entry(
        "reverie.cli.loop:progress",
        "The loop's ledger: tasks, blockers, failed approaches, and the score after every run.",
    ),
    "team": Entry(
        "reverie.cli.team:team",
        "The team store: set up a team, manage its tokens, review what members propose.",
    ),
    "serve": Entry(
        "reverie.cli.team:serve_command",
        "Run the team server (put TLS in front of it: a reverse proxy; see docs/teams.md).",
    ),
    "remote": Entry("reverie.cli.sync:remote_group", "Team servers this machine pushes to and pulls from."),
    "push": Entry(
        "reverie.cli.sync:push_command",
        "Send what this machine learned (active project and global lessons, redacted) as team proposals.",
    ),
    "pull": Entry(
        "reverie.cli.sync:pull_command",
        "Bring the team's accepted lessons into this machine's store (and recall index).",
    ),
    "ui": Entry(
        "reverie.cli.ui:ui_command",
        "Review in a browser: lessons, dreams as a code review, history with rollback, artifacts, the eval.",
    ),
}


class _Group(LazyGroup):
    """Turns reverie's own errors into one clear line and exit status 1, never a traceback. The store wraps
    SQLite's errors in ``StoreError``; what still escapes as ``sqlite3.Error`` (a read outside any
    transaction) or ``OSError`` (a full disk or a read-only home under a file we write) gets one line too."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ReverieError as error:
            click.echo(f"reverie: {error}", err=True)
        except sqlite3.Error as error:
            click.echo(f"reverie: the store failed ({error}); what was committed before is intact", err=True)
        except OSError as error:
            if error.errno == errno.EPIPE:  # a closed pager or `| head`: nothing to say
                sys.exit(1)
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"reverie: {error.strerror or error}{where}", err=True)
        sys.exit(1)


@click.group(cls=_Group, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reverie")
def main() -> None:
    """reverie: coding agents that learn from their own sessions, without training.

    \b
    capture   init, import, ingest       keep every session (hooks, or the agents' transcripts)
    distill   distill, lessons, show     small, scoped, evidence-backed lessons
    dream     dream, review, accept      consolidate offline; a person reviews every change
    recall    recall, context, mcp       the right lesson reaches the agent, once, in time
    compile   compile, artifacts         rules, hooks, skills the agents load and obey
    measure   eval, loop, progress       memory quality apart from task success

    Start with `reverie demo`, then `reverie init` in your own project. Docs: docs/cli.md.
    """
