"""Rules: the lessons an agent reads in its context, written where each agent loads them.

* Claude Code: one managed block in ``CLAUDE.md`` with every rule that applies everywhere in its scope,
  and one ``.claude/rules/<name>.md`` with ``paths:`` frontmatter per path-scoped lesson, which Claude
  Code loads only when it works on a matching file.
* Codex and other agents: one managed block in ``AGENTS.md``; they have no path-scoped rules, so a
  path-scoped lesson is a line that says where it applies.

Lessons compiled to hooks are written as rules too: the model should know the rule that the hook
enforces, rather than learn it from a blocked call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from reverie.artifacts import block
from reverie.artifacts.hooks import plain_statement
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Target, artifact_id, lesson_ref, name_for
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Lesson

HEADING = "## Rules learned from past sessions"


def rules_block(lessons: Sequence[Lesson], *, with_paths: bool) -> str:
    lines = [block.BEGIN, HEADING, ""]
    lines.append(
        "Compiled by `reverie compile` from reviewed lessons (`reverie show <lesson>` gives the evidence)."
        " `reverie artifacts` lists what was compiled; this block is rewritten on the next compile"
        " unless you edit it."
    )
    lines.append("")
    for lesson in lessons:
        where = f"When working on {_globs(lesson.trigger.paths)}: " if with_paths and lesson.trigger.paths else ""
        # A statement that quotes a block marker must not end the block early (block.escape).
        lines.append(block.escape(f"- {where}{plain_statement(lesson)} (lesson {lesson.id})"))
    lines.append(block.END)
    return "\n".join(lines)


def _globs(paths: Sequence[str]) -> str:
    return ", ".join(f"`{p}`" for p in paths)


def claude_rules(lessons: Sequence[Lesson], folders: Folders) -> list[Artifact]:
    """The CLAUDE.md block (lessons without paths) and one path rule per path-scoped lesson."""
    plain = [lesson for lesson in lessons if not lesson.trigger.paths]
    found = []
    if plain:
        found.append(_block_artifact(plain, folders, folders.claude_md, Target.CLAUDE_CODE, with_paths=False))
    for lesson in lessons:
        if lesson.trigger.paths:
            found.append(path_rule(lesson, folders))
    return found


def agents_rules(lessons: Sequence[Lesson], folders: Folders, target: Target) -> list[Artifact]:
    if not lessons:
        return []
    return [_block_artifact(lessons, folders, folders.agents_md, target, with_paths=True)]


def _block_artifact(
    lessons: Sequence[Lesson], folders: Folders, file: Path, target: Target, *, with_paths: bool
) -> Artifact:
    content = rules_block(lessons, with_paths=with_paths)
    return Artifact(
        id=artifact_id(Kind.RULES, str(folders.root), str(file)),
        kind=Kind.RULES,
        targets=(target,),
        scope=folders.scope,
        root=str(folders.root),
        name=file.name,
        lessons=tuple(lesson_ref(lesson) for lesson in lessons),
        parts=(Part(str(file), PartKind.BLOCK, content),),
        summary=f"{len(lessons)} rule(s) in {file.name}",
    )


def path_rule(lesson: Lesson, folders: Folders) -> Artifact:
    name = name_for(lesson)
    file = folders.claude / "rules" / f"{name}.md"
    globs = "".join(f"  - {json.dumps(p)}\n" for p in lesson.trigger.paths)
    text = (
        f"---\npaths:\n{globs}---\n\n"
        f"<!-- Compiled by `reverie compile` from lesson {lesson.id}; `reverie artifacts` lists it. -->\n\n"
        f"{plain_statement(lesson)}\n"
    )
    return Artifact(
        id=artifact_id(Kind.PATH_RULE, str(folders.root), name),
        kind=Kind.PATH_RULE,
        targets=(Target.CLAUDE_CODE,),
        scope=folders.scope,
        root=str(folders.root),
        name=name,
        lessons=(lesson_ref(lesson),),
        parts=(Part(str(file), PartKind.WHOLE, text),),
        summary=f"rule for {_globs(lesson.trigger.paths)}: {plain_statement(lesson)[:60]}",
    )
