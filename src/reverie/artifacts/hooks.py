"""Enforcing hooks: which check a lesson at level ``hook`` compiles to, and the calls it is held to.

Which check follows from the lesson's statement and trigger, never from its id:

* a prohibition ("never ...", "don't ...", or a choice with an ``against``) with paths -> ``never-path``
  (on the edit tools, Codex's ``apply_patch`` and the shell: a command that writes into the path is
  blocked too); with commands -> ``never-command`` (for a choice, only the commands of what it advises
  against);
* "always X before Y" (or "never Y before X") with a command on each side -> ``always-before``;
* anything else with a trigger -> ``remind`` (PostToolUse context after a matching call).

Each check carries its :class:`~reverie.artifacts.model.Replay` s: the call that taught it (from the
lesson's evidence, or made from its trigger when the evidence holds no tool call) must be blocked, and
a nearby harmless call must pass. ``hook_script.py`` puts the checks of one scope into one script.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from reverie.artifacts import enforce
from reverie.artifacts import shell as shell_model
from reverie.artifacts.model import Replay
from reverie.domain.lessons import Lesson

SHELL_TOOLS = ("Bash",)
PATCH_TOOL = "apply_patch"  # Codex's edit tool: its PreToolUse payload carries the patch as `command`
EDIT_TOOLS = ("Edit", "Write", "MultiEdit", "NotebookEdit", PATCH_TOOL)
_NEGATIVE = re.compile(r"^(?:never|don'?t|do not|avoid|stop|no longer)\b", re.IGNORECASE)
_SCOPE_PREFIX = re.compile(r"^in this (?:project|repo(?:sitory)?)\s*:\s*", re.IGNORECASE)


class Check(StrEnum):
    NEVER_COMMAND = "never-command"
    NEVER_PATH = "never-path"
    ALWAYS_BEFORE = "always-before"
    REMIND = "remind"


@dataclass(frozen=True, slots=True)
class HookSpec:
    check: Check
    event: str
    tools: tuple[str, ...]
    commands: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    @property
    def matcher(self) -> str:
        return "|".join(self.tools)


def plain_statement(lesson: Lesson) -> str:
    """The statement without distill's "In this project:" lead-in (the file already says where)."""
    return _SCOPE_PREFIX.sub("", lesson.statement).strip()


def hook_spec(lesson: Lesson) -> HookSpec | None:
    """The check this lesson compiles to; None when it names nothing a hook could see."""
    text = plain_statement(lesson)
    commands, paths = lesson.trigger.commands, lesson.trigger.paths
    negative = bool(_NEGATIVE.match(text))
    ordered = _before_order(text, commands, negative)
    if ordered is not None:
        guarded, required = ordered
        return HookSpec(Check.ALWAYS_BEFORE, "PreToolUse", SHELL_TOOLS, commands=guarded, required=required)
    if negative and paths:  # edits and shell writes alike: `sed -i` must not walk around the Edit check
        return HookSpec(Check.NEVER_PATH, "PreToolUse", (*_edit_tools(lesson), *SHELL_TOOLS), paths=paths)
    forbidden = commands if negative else _against_commands(lesson)
    if forbidden:
        return HookSpec(Check.NEVER_COMMAND, "PreToolUse", SHELL_TOOLS, commands=forbidden)
    if commands or paths or lesson.trigger.tools:
        tools = lesson.trigger.tools or ((SHELL_TOOLS if commands else ()) + (EDIT_TOOLS if paths else ()))
        return HookSpec(Check.REMIND, "PostToolUse", tools, commands=commands, paths=paths)
    return None


def _before_order(text: str, commands: Sequence[str], negative: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(guarded, required) for "always X before Y" / "never Y before X"; None otherwise."""
    match = re.search(r"\bbefore\b", text, flags=re.IGNORECASE)
    if match is None:
        return None
    first, second = text[: match.start()], text[match.end() :]
    in_first = tuple(c for c in commands if c in first)
    in_second = tuple(c for c in commands if c in second and c not in in_first)
    if not in_first or not in_second:
        return None
    return (in_first, in_second) if negative else (in_second, in_first)


def _against_commands(lesson: Lesson) -> tuple[str, ...]:
    against = lesson.against.strip().strip("`")
    if not against:
        return ()
    head = against.split()[0]
    return tuple(c for c in lesson.trigger.commands if c.split()[0] == head)


def _edit_tools(lesson: Lesson) -> tuple[str, ...]:
    named = tuple(t for t in lesson.trigger.tools if t not in SHELL_TOOLS)
    return tuple(dict.fromkeys((*named, PATCH_TOOL))) if named else EDIT_TOOLS


# -- replays: the calls each hook is checked against before it is written ----------------------------


def replays(spec: HookSpec, lesson: str, project_dir: str, taught: Sequence[Mapping[str, Any]]) -> tuple[Replay, ...]:
    """The calls one lesson's check is held to. ``taught``: the tool calls from the lesson's evidence
    ({"tool_name", "tool_input"})."""
    base = {"hook_event_name": spec.event, "cwd": project_dir, "session_id": "reverie-replay"}
    return tuple(replace(check, lesson=lesson) for check in _replays(spec, base, project_dir, taught))


def _replays(
    spec: HookSpec, base: Mapping[str, Any], project_dir: str, taught: Sequence[Mapping[str, Any]]
) -> tuple[Replay, ...]:
    if spec.check is Check.NEVER_PATH:
        return _path_replays(spec, base, project_dir, taught)
    if spec.check is Check.ALWAYS_BEFORE:
        return _before_replays(spec, base)
    shell = spec.tools[0] if spec.tools else SHELL_TOOLS[0]
    originating = [c for c in taught if shell_model.matching_command(_command(c), list(spec.commands))]
    calls = originating or [{"tool_name": shell, "tool_input": {"command": c}} for c in spec.commands]
    label = "the call that taught it" if originating else "a call made from its trigger"
    remind = spec.check is Check.REMIND
    checks = [Replay(label, {**base, **call}, must_block=not remind, must_remind=remind) for call in calls]
    for harmless in _harmless_commands(spec.commands):
        call = {"tool_name": shell, "tool_input": {"command": harmless}}
        checks.append(Replay(f"a nearby harmless call (`{harmless}`)", {**base, **call}, must_block=False))
    return tuple(checks)


def _command(call: Mapping[str, Any]) -> str:
    tool_input = call.get("tool_input")
    command = tool_input.get("command") if isinstance(tool_input, Mapping) else None
    return command if isinstance(command, str) else ""


def _harmless_commands(patterns: Sequence[str]) -> list[str]:
    """Calls that mention a forbidden command without running it, or run only its prefix."""
    found = []
    for pattern in patterns:
        found.append(f"echo {shlex.quote(pattern)}")
        words = pattern.split()
        if len(words) > 1 and not shell_model.matching_command(" ".join(words[:-1]), list(patterns)):
            found.append(" ".join(words[:-1]))
    return found


def _path_replays(
    spec: HookSpec, base: Mapping[str, Any], project_dir: str, taught: Sequence[Mapping[str, Any]]
) -> tuple[Replay, ...]:
    tool = spec.tools[0]
    originating = [
        c for c in taught if enforce.matching_path(_file_of(c), list(spec.paths), project_dir) and c.get("tool_name")
    ]
    examples = [
        {"tool_name": tool, "tool_input": {"file_path": f"{project_dir}/{example_path(p)}"}} for p in spec.paths
    ]
    calls = originating or examples
    label = "the call that taught it" if originating else "an edit made from its paths"
    checks = [Replay(label, {**base, **call}, must_block=True) for call in calls]
    for pattern in spec.paths:
        harmless = _harmless_path(example_path(pattern), spec.paths, project_dir)
        if harmless:
            call = {"tool_name": tool, "tool_input": {"file_path": f"{project_dir}/{harmless}"}}
            checks.append(Replay(f"a nearby harmless edit ({harmless})", {**base, **call}, must_block=False))
    if PATCH_TOOL in spec.tools:
        checks.extend(_patch_replays(spec, base))
    if SHELL_TOOLS[0] in spec.tools:
        checks.extend(_shell_path_replays(spec, base))
    return tuple(checks)


def _patch_replays(spec: HookSpec, base: Mapping[str, Any]) -> list[Replay]:
    """A Codex ``apply_patch`` that updates a file in the forbidden path must be blocked (the payload as
    Codex 0.169 hands it to a PreToolUse hook: the patch text as ``command``)."""
    checks = []
    for pattern in spec.paths:
        patch = f"*** Begin Patch\n*** Update File: {example_path(pattern)}\n@@\n-a\n+b\n*** End Patch\n"
        call = {"tool_name": PATCH_TOOL, "tool_input": {"command": patch}}
        checks.append(Replay(f"an apply_patch into {example_path(pattern)}", {**base, **call}, must_block=True))
    return checks


def _shell_path_replays(spec: HookSpec, base: Mapping[str, Any]) -> list[Replay]:
    """A shell command that writes into the forbidden path must be blocked; one that reads it must pass."""
    checks = []
    for pattern in spec.paths:
        target = shlex.quote(example_path(pattern))
        write = {"tool_name": SHELL_TOOLS[0], "tool_input": {"command": f"sed -i 's/a/b/' {target}"}}
        read = {"tool_name": SHELL_TOOLS[0], "tool_input": {"command": f"cat {target}"}}
        checks.append(Replay(f"a shell write (`sed -i` into {target})", {**base, **write}, must_block=True))
        checks.append(Replay(f"a shell read (`cat {target}`)", {**base, **read}, must_block=False))
    return checks


def _file_of(call: Mapping[str, Any]) -> str:
    tool_input = call.get("tool_input")
    if not isinstance(tool_input, Mapping):
        return ""
    found = next((tool_input.get(k) for k in ("file_path", "notebook_path", "path") if tool_input.get(k)), "")
    return found if isinstance(found, str) else ""


def example_path(pattern: str) -> str:
    """A file that the glob matches: wildcards filled in with plain names."""
    path = pattern.strip().lstrip("/").removeprefix("./")
    if path.endswith("/"):
        path += "example.txt"
    path = path.replace("**/", "").replace("**", "example.txt").replace("*", "example").replace("?", "x")
    return path or "example.txt"


def _harmless_path(example: str, patterns: Sequence[str], project_dir: str) -> str | None:
    name = example.rsplit("/", 1)[-1]
    candidates = [f"docs/{name}", f"notes/{name}.md", "docs/example.md", "README.example.md"]
    return next((c for c in candidates if not enforce.matching_path(c, list(patterns), project_dir)), None)


def _before_replays(spec: HookSpec, base: Mapping[str, Any]) -> tuple[Replay, ...]:
    guarded, required = spec.commands[0], spec.required[0]
    call = {**base, "tool_name": spec.tools[0], "tool_input": {"command": guarded}}
    return (
        Replay(f"`{guarded}` in a session that has not run `{required}`", call, must_block=True, transcript=""),
        Replay(
            f"`{guarded}` after `{required}` failed", call, must_block=True, transcript=_transcript(required, False)
        ),
        Replay(
            f"`{guarded}` after `{required}` passed", call, must_block=False, transcript=_transcript(required, True)
        ),
    )


def _transcript(command: str, succeeded: bool) -> str:
    """Two Claude Code transcript records: the call and its result."""
    use = {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": command}}
    call = {"type": "assistant", "message": {"content": [use]}}
    result = {
        "type": "user",
        "message": {"content": [{"type": "tool_result", "tool_use_id": "t1", "is_error": not succeeded}]},
    }
    return json.dumps(call) + "\n" + json.dumps(result) + "\n"
