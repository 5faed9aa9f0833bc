"""What each target agent gets from a set of lessons: the table of contents of the artifact kinds.

``claude-code``  CLAUDE.md block, ``.claude/rules/``, one enforcement script per scope registered in
                 ``.claude/settings.json``, ``.claude/commands/``, ``.claude/skills/``, ``.claude/agents/``
``codex``        AGENTS.md block, ``.agents/skills/``, one user-global enforcement script registered in
                 ``$CODEX_HOME/hooks.json``
``agents-md``    AGENTS.md block (Cursor, Aider and the other agents that read AGENTS.md)

A lesson at level ``rule`` or ``hook`` is a rule; at ``hook`` it also gets a hook; at ``command``,
``skill`` or ``subagent`` it becomes that artifact instead. A lesson whose scope names one agent is
compiled only for the targets that agent loads (``Agent.artifact_targets`` in the extension table).

Each target is a ``TargetSpec`` of the extension table (``reverie.extensions.ARTIFACT_TARGETS``,
entry-point group ``reverie.artifact_targets``): a name and a pure function from the lessons meant for
it to artifacts. The three above are registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reverie.adapters.registry import agents
from reverie.artifacts import rules, workflows
from reverie.artifacts.hook_script import TaughtCalls, enforcement, hook_home
from reverie.artifacts.model import Artifact, Target
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Lesson, Level
from reverie.extensions import ARTIFACT_TARGETS

RULE_LEVELS = (Level.RULE, Level.HOOK)
COMPILED_LEVELS = (Level.RULE, Level.HOOK, Level.COMMAND, Level.SKILL, Level.SUBAGENT)


@dataclass(frozen=True, slots=True)
class Built:
    artifacts: tuple[Artifact, ...]
    notes: tuple[str, ...]  # lessons that could not become what their level asks, and why


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """One artifact target: ``build(lessons, folders, taught)`` turns the lessons meant for it (already
    filtered by agent scope) into the files it should hold, and notes on what could not be built."""

    name: str
    summary: str
    build: Callable[[Sequence[Lesson], Folders, TaughtCalls], Built]


def build(target: Target | str, lessons: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    spec = next((known for known in target_specs() if known.name == str(target)), None)
    if spec is None:
        return Built((), (f"no artifact target named {target!s} is installed",))
    return spec.build([lesson for lesson in lessons if _for_target(lesson, str(target))], folders, taught)


def target_specs() -> tuple[TargetSpec, ...]:
    """The built-in targets, then those of installed packages."""
    return ARTIFACT_TARGETS.all(TargetSpec)


def _agents_md(mine: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    ruled = [lesson for lesson in mine if lesson.level in RULE_LEVELS]
    return Built(tuple(rules.agents_rules(ruled, folders, Target.AGENTS_MD)), ())


def _codex(mine: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    ruled = [lesson for lesson in mine if lesson.level in RULE_LEVELS]
    found = list(rules.agents_rules(ruled, folders, Target.CODEX))
    found += [workflows.skill(lesson, folders, codex=True) for lesson in mine if lesson.level is Level.SKILL]
    hooks, notes = _codex_hooks([lesson for lesson in mine if lesson.level is Level.HOOK], folders, taught)
    return Built(tuple(found + hooks), notes)


def _codex_hooks(
    lessons: Sequence[Lesson], folders: Folders, taught: TaughtCalls
) -> tuple[list[Artifact], tuple[str, ...]]:
    """User-global lessons go into one script registered in ``$CODEX_HOME/hooks.json``; Codex reads no
    project hooks file, so a project lesson reaches Codex only as its rule in the repository's AGENTS.md."""
    home = hook_home(Target.CODEX, folders)
    if home is None:
        note = "Codex has no project hooks file; for Codex it is a rule in AGENTS.md only"
        return [], tuple(f"{lesson.id}: {note}" for lesson in lessons)
    built = enforcement(lessons, folders, taught, home)
    return ([built.artifact] if built.artifact else []), built.notes


def _claude_code(mine: Sequence[Lesson], folders: Folders, taught: TaughtCalls) -> Built:
    ruled = [lesson for lesson in mine if lesson.level in RULE_LEVELS]
    found = list(rules.claude_rules(ruled, folders))
    home = hook_home(Target.CLAUDE_CODE, folders)
    hooked = [lesson for lesson in mine if lesson.level is Level.HOOK]
    built = enforcement(hooked, folders, taught, home) if home and hooked else None
    if built and built.artifact:
        found.append(built.artifact)
    for lesson in mine:
        if lesson.level is Level.COMMAND:
            found.append(workflows.command(lesson, folders))
        elif lesson.level is Level.SKILL:
            found.append(workflows.skill(lesson, folders, codex=False))
        elif lesson.level is Level.SUBAGENT:
            found.append(workflows.subagent(lesson, folders))
    return Built(tuple(found), built.notes if built else ())


def _for_target(lesson: Lesson, target: str) -> bool:
    """A lesson scoped to one agent goes to the targets that agent loads (one reverie does not know,
    to AGENTS.md, which most agents read); an unscoped lesson goes everywhere."""
    agent = lesson.scope.agent
    if agent is None:
        return True
    loads = next((known.artifact_targets for known in agents() if known.name == agent), (Target.AGENTS_MD.value,))
    return target in loads


for _built_in in (
    TargetSpec(Target.CLAUDE_CODE.value, "CLAUDE.md, rules, hooks, commands, skills and subagents", _claude_code),
    TargetSpec(Target.CODEX.value, "AGENTS.md, skills, user-global hooks", _codex),
    TargetSpec(Target.AGENTS_MD.value, "an AGENTS.md block, for the agents that read it", _agents_md),
):
    ARTIFACT_TARGETS.register(_built_in)
