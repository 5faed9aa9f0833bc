"""What each target agent gets from a set of lessons: the table of contents of the artifact kinds.

``claude-code``  CLAUDE.md block, ``.claude/rules/``, hooks in ``.claude/settings.json``,
                 ``.claude/commands/``, ``.claude/skills/``, ``.claude/agents/``
``codex``        AGENTS.md block, ``.agents/skills/``, user-global hooks in ``$CODEX_HOME/hooks.json``
``agents-md``    AGENTS.md block (Cursor, Aider and the other agents that read AGENTS.md)

A lesson at level ``rule`` or ``hook`` is a rule; at ``hook`` it also gets a hook; at ``command``,
``skill`` or ``subagent`` it becomes that artifact instead. A lesson whose scope names one agent is
compiled only for that agent's target.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reverie.artifacts import rules, workflows
from reverie.artifacts.hooks import hook_artifact, hook_home
from reverie.artifacts.model import Artifact, Target
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Lesson, Level

RULE_LEVELS = (Level.RULE, Level.HOOK)
COMPILED_LEVELS = (Level.RULE, Level.HOOK, Level.COMMAND, Level.SKILL, Level.SUBAGENT)
AGENT_OF_TARGET = {Target.CLAUDE_CODE: "claude-code", Target.CODEX: "codex", Target.AGENTS_MD: None}

TaughtCalls = Callable[[Lesson], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class Built:
    artifacts: tuple[Artifact, ...]
    notes: tuple[str, ...]  # lessons that could not become what their level asks, and why


def build(target: Target, lessons: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    mine = [lesson for lesson in lessons if _for_target(lesson, target)]
    ruled = [lesson for lesson in mine if lesson.level in RULE_LEVELS]
    if target is Target.CLAUDE_CODE:
        return _claude_code(mine, ruled, folders, taught)
    found = list(rules.agents_rules(ruled, folders, target))
    if target is not Target.CODEX:
        return Built(tuple(found), ())
    found += [workflows.skill(lesson, folders, codex=True) for lesson in mine if lesson.level is Level.SKILL]
    hooks, notes = _codex_hooks([lesson for lesson in mine if lesson.level is Level.HOOK], folders, taught)
    return Built(tuple(found + hooks), notes)


def _codex_hooks(
    lessons: Sequence[Lesson], folders: Folders, taught: TaughtCalls
) -> tuple[list[Artifact], tuple[str, ...]]:
    """User-global hooks go to ``$CODEX_HOME/hooks.json``; Codex reads no project hooks file, so a project
    lesson reaches Codex only as its rule in the repository's AGENTS.md."""
    home = hook_home(Target.CODEX, folders)
    found, notes = [], []
    for lesson in lessons:
        hook = hook_artifact(lesson, folders, taught(lesson), home) if home else None
        if hook is not None:
            found.append(hook)
        elif folders.project:
            notes.append(f"{lesson.id}: Codex has no project hooks file; for Codex it is a rule in AGENTS.md only")
        else:
            notes.append(f"{lesson.id}: Codex hooks see shell calls only; for Codex it is a rule in AGENTS.md only")
    return found, tuple(notes)


def _claude_code(mine: Sequence[Lesson], ruled: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    found = list(rules.claude_rules(ruled, folders))
    notes = []
    for lesson in mine:
        if lesson.level is Level.HOOK:
            hook = hook_artifact(lesson, folders, taught(lesson))
            if hook is None:
                notes.append(f"{lesson.id}: its trigger names nothing a hook could watch; kept as a rule")
            else:
                found.append(hook)
        elif lesson.level is Level.COMMAND:
            found.append(workflows.command(lesson, folders))
        elif lesson.level is Level.SKILL:
            found.append(workflows.skill(lesson, folders, codex=False))
        elif lesson.level is Level.SUBAGENT:
            found.append(workflows.subagent(lesson, folders))
    return Built(tuple(found), tuple(notes))


def _for_target(lesson: Lesson, target: Target) -> bool:
    agent = lesson.scope.agent
    return agent is None or AGENT_OF_TARGET[target] in (None, agent)
