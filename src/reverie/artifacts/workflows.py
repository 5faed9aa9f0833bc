"""Commands, skills and subagents: lessons that package a way of working.

* level ``command``: a repeated workflow becomes ``.claude/commands/<name>.md``, a slash command with
  ``description``, ``argument-hint`` and ``allowed-tools`` (just the commands the workflow runs);
* level ``skill``: a procedure becomes ``<skills>/<name>/SKILL.md`` following the Agent Skills spec
  (``name`` equal to the folder, a ``description`` that says when to use it), with examples drawn from
  the sessions that taught it: the excerpts of its evidence, only those a person typed or that were
  observed to work (never tool output: trust follows origin);
* level ``subagent``: a delegated role becomes ``.claude/agents/<name>.md`` whose description says
  when to hand work to it and when not to.

Every file says which lesson it came from. ``validate.py`` checks each before it is written.
"""

from __future__ import annotations

import json
from pathlib import Path

from reverie.artifacts.hooks import plain_statement
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Target, artifact_id, lesson_ref, name_for
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Basis, Lesson

MAX_EXAMPLES = 5
MAX_EXCERPT = 300
TRUSTED = (Basis.USER_STATEMENT, Basis.OBSERVED)


def command(lesson: Lesson, folders: Folders) -> Artifact:
    name = name_for(lesson)
    statement = plain_statement(lesson)
    tools = ", ".join(f"Bash({c}:*)" for c in lesson.trigger.commands) or "Bash"
    steps = "".join(f"{n}. Run `{c}`.\n" for n, c in enumerate(lesson.trigger.commands, 1))
    text = (
        f"---\ndescription: {_yaml(_one_line(statement, 200))}\n"
        f'argument-hint: "[anything to add]"\nallowed-tools: {_yaml(tools)}\n---\n\n'
        f"{_origin(lesson)}\n\n{statement}\n\n"
        + (f"Steps:\n\n{steps}\n" if steps else "")
        + "Also consider: $ARGUMENTS\n"
    )
    file = folders.claude / "commands" / f"{name}.md"
    return _artifact(Kind.COMMAND, lesson, folders, name, (Part(str(file), PartKind.WHOLE, text),), Target.CLAUDE_CODE)


def skill(lesson: Lesson, folders: Folders, *, codex: bool) -> Artifact:
    name = name_for(lesson)
    statement = plain_statement(lesson)
    when = _when(lesson)
    description = _one_line(f"{statement} Use when {when}." if when else statement, 1024)
    steps = "".join(f"{n}. Run `{c}`.\n" for n, c in enumerate(lesson.trigger.commands, 1))
    text = (
        f"---\nname: {name}\ndescription: {_yaml(description)}\n---\n\n"
        f"{_origin(lesson)}\n\n# {_one_line(statement, 80)}\n\n{statement}\n\n"
        + (f"## When to use\n\nWhen {when}.\n\n" if when else "")
        + (f"## Steps\n\n{steps}\n" if steps else "")
        + _examples(lesson)
    )
    base = folders.agent_skills if codex else folders.claude / "skills"
    file = base / name / "SKILL.md"
    target = Target.CODEX if codex else Target.CLAUDE_CODE
    return _artifact(Kind.SKILL, lesson, folders, f"{name}@{base}", (Part(str(file), PartKind.WHOLE, text),), target)


def subagent(lesson: Lesson, folders: Folders) -> Artifact:
    name = name_for(lesson)
    statement = plain_statement(lesson)
    when = _when(lesson) or "the task is the one this role was made for"
    description = _one_line(
        f"Use proactively when {when}: {statement} Do not use for anything else; other work stays in the"
        " main conversation.",
        1000,
    )
    tools = f"tools: {', '.join(lesson.trigger.tools)}\n" if lesson.trigger.tools else ""
    text = (
        f"---\nname: {name}\ndescription: {_yaml(description)}\n{tools}---\n\n{_origin(lesson)}\n\n"
        f"You handle one kind of work: {statement}\n\nStay within it. When a request falls outside it, say so"
        " and hand it back instead of doing it.\n\n" + _examples(lesson)
    )
    file = folders.claude / "agents" / f"{name}.md"
    parts = (Part(str(file), PartKind.WHOLE, text),)
    return _artifact(Kind.SUBAGENT, lesson, folders, name, parts, Target.CLAUDE_CODE)


def _artifact(
    kind: Kind, lesson: Lesson, folders: Folders, name: str, parts: tuple[Part, ...], target: Target
) -> Artifact:
    return Artifact(
        id=artifact_id(kind, str(folders.root), name),
        kind=kind,
        targets=(target,),
        scope=folders.scope,
        root=str(folders.root),
        name=Path(parts[0].path).parent.name if kind is Kind.SKILL else name,
        lessons=(lesson_ref(lesson),),
        parts=parts,
        summary=f"{kind.value}: {_one_line(plain_statement(lesson), 70)}",
    )


def _when(lesson: Lesson) -> str:
    pieces = []
    if lesson.trigger.commands:
        pieces.append("running " + ", ".join(f"`{c}`" for c in lesson.trigger.commands))
    if lesson.trigger.paths:
        pieces.append("working on " + ", ".join(f"`{p}`" for p in lesson.trigger.paths))
    if lesson.trigger.keywords and not pieces:
        pieces.append("the task is about " + ", ".join(lesson.trigger.keywords[:6]))
    return " or ".join(pieces)


def _examples(lesson: Lesson) -> str:
    seen, lines = set(), []
    for item in lesson.evidence:
        excerpt = _one_line(item.excerpt, MAX_EXCERPT)
        if item.basis not in TRUSTED or not excerpt or excerpt in seen:
            continue
        seen.add(excerpt)
        where = f"session {item.session_id}" if item.session_id else "a note"
        when = f", {item.timestamp[:10]}" if item.timestamp else ""
        lines.append(f"- From {where}{when} ({item.role}): {excerpt}")
    if not lines:
        return ""
    return "## Examples from the sessions that taught it\n\n" + "\n".join(lines[:MAX_EXAMPLES]) + "\n"


def _origin(lesson: Lesson) -> str:
    return f"<!-- Compiled by `reverie compile` from lesson {lesson.id}; `reverie artifacts` lists it. -->"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
