"""Enforcing hooks: a lesson at level ``hook`` becomes a script and a handler in the agent's settings.

Which check a lesson compiles to follows from its statement and trigger, never from a lesson's id:

* a prohibition ("never ...", "don't ...", or a choice with an ``against``) with paths -> ``never-path``
  (on the edit tools and the shell: a command that writes into the path is blocked too);
  with commands -> ``never-command`` (for a choice, only the commands of what it advises against);
* "always X before Y" (or "never Y before X") with a command on each side -> ``always-before``;
* anything else with a trigger -> ``remind`` (PostToolUse context after a matching call).

The script is ``enforce.py`` with the check's ``CONFIG`` written in, so it runs where reverie is not
installed. Claude Code registers them in ``.claude/settings.json`` of the project or the user; Codex
only in ``$CODEX_HOME/hooks.json``, so Codex gets the user-global ones and no project hooks (and no
path checks: its edits go through ``apply_patch``, which names no file a hook could match). Project
hooks are referenced through ``"$CLAUDE_PROJECT_DIR"`` and run with whatever
``python3`` the machine has; the command first checks that the script is there, because
``python3 missing.py`` exits 2, which an agent reads as "block every call".

Each hook carries its :class:`~reverie.artifacts.model.Replay` s: the call that taught it (from the
lesson's evidence, or made from its trigger when the evidence holds no tool call) must be blocked, and
a nearby harmless call must pass. ``replay.py`` runs them before anything is written.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reverie.artifacts import enforce
from reverie.artifacts import shell as shell_model
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Replay, Target, artifact_id, lesson_ref, name_for
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Lesson

SHELL_TOOLS = ("Bash",)
EDIT_TOOLS = ("Edit", "Write", "MultiEdit", "NotebookEdit")
TIMEOUT_SECONDS = 10
HOOKS_FOLDER = ("hooks", "reverie")  # under .claude/ (project) or the Claude config dir (user)
_NEGATIVE = re.compile(r"^(?:never|don'?t|do not|avoid|stop|no longer)\b", re.IGNORECASE)
_SCOPE_PREFIX = re.compile(r"^in this (?:project|repo(?:sitory)?)\s*:\s*", re.IGNORECASE)
_CONFIG_LINE = "CONFIG: dict[str, Any] = {}"
CLAUDE_SCHEMA = "claude-code-settings.json"
CODEX_SCHEMA = "codex-hooks.json"


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
    return named or EDIT_TOOLS


# -- the script and its settings entry ---------------------------------------------------------------


_SHELL_IMPORT = "from reverie.artifacts.shell import matching_command, written_paths  # inlined by hooks.render_script"


@cache
def _runtime_source() -> str:
    """enforce.py with shell.py written in where it imports it: one file that needs no reverie."""
    package = resources.files("reverie.artifacts")
    runtime = package.joinpath("enforce.py").read_text(encoding="utf-8")
    shell = package.joinpath("shell.py").read_text(encoding="utf-8")
    body = shell.split("from __future__ import annotations\n", 1)[1]  # the docstring stays in shell.py
    if _SHELL_IMPORT not in runtime:
        raise AssertionError("enforce.py lost its shell import line")  # a packaging bug, not user input
    return runtime.replace(_SHELL_IMPORT, f"# -- the shell (reverie/artifacts/shell.py) --{body}", 1)


def hook_config(spec: HookSpec, lesson: Lesson, artifact: str, files: str) -> dict[str, Any]:
    return {
        "check": spec.check.value,
        "event": spec.event,
        "tools": list(spec.tools),
        "commands": list(spec.commands),
        "paths": list(spec.paths),
        "required": list(spec.required),
        "lesson": lesson.id,
        "artifact": artifact,
        "statement": plain_statement(lesson),
        "files": files,
    }


def render_script(config: Mapping[str, Any]) -> str:
    source = _runtime_source()
    if _CONFIG_LINE not in source:
        raise AssertionError("enforce.py lost its CONFIG line")  # a packaging bug, not user input
    literal = f"CONFIG: dict[str, Any] = json.loads({json.dumps(json.dumps(config, ensure_ascii=False))})"
    header = (
        "#!/usr/bin/env python3\n"
        f"# Compiled by `reverie compile` from lesson {config['lesson']} ({config['check']}).\n"
        f"# Remove it with `reverie artifacts remove {config['artifact']}`, or delete {config['files']}.\n"
        "# Needs only python3 >= 3.9 and its standard library. Edits are noticed and never overwritten.\n"
    )
    return header + source.replace(_CONFIG_LINE, literal, 1)


def hook_command(script: str, *, project: bool) -> str:
    """The handler's command. ``script`` is relative to the project (project) or absolute (user)."""
    path = f'"$CLAUDE_PROJECT_DIR"/{shlex.quote(script)}' if project else shlex.quote(script)
    return f"test ! -f {path} || python3 -I -S {path}"


def settings_part(settings_path: str, spec: HookSpec, command: str, schema: str = CLAUDE_SCHEMA) -> Part:
    entry = {
        "event": spec.event,
        "matcher": spec.matcher,
        "handler": {"type": "command", "command": command, "timeout": TIMEOUT_SECONDS},
    }
    return Part(settings_path, PartKind.SETTINGS, json.dumps(entry, sort_keys=True), schema=schema)


# -- replays: the calls each hook is checked against before it is written ----------------------------


def replays(spec: HookSpec, project_dir: str, taught: Sequence[Mapping[str, Any]]) -> tuple[Replay, ...]:
    """``taught``: the tool calls from the lesson's evidence ({"tool_name", "tool_input"})."""
    base = {"hook_event_name": spec.event, "cwd": project_dir, "session_id": "reverie-replay"}
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
    if SHELL_TOOLS[0] in spec.tools:
        checks.extend(_shell_path_replays(spec, base))
    return tuple(checks)


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


# -- the artifact --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HookHome:
    """Where one agent keeps one scope's hook scripts, and the settings file that registers them."""

    target: Target
    scripts: Path
    settings: Path
    schema: str
    project: bool  # referenced through "$CLAUDE_PROJECT_DIR" (committed, shared) or by absolute path
    base: Path  # the folder the artifact id is made from, so each agent's copy is its own artifact


def hook_home(target: Target, folders: Folders) -> HookHome | None:
    """Claude Code: ``.claude/settings.json`` of either scope. Codex reads hooks only from
    ``$CODEX_HOME/hooks.json``: it has a home for user-global hooks and none for a project's."""
    if target is Target.CLAUDE_CODE:
        scripts = folders.claude.joinpath(*HOOKS_FOLDER)
        return HookHome(target, scripts, folders.settings, CLAUDE_SCHEMA, folders.project, folders.root)
    if target is Target.CODEX and folders.codex is not None and not folders.project:
        scripts = folders.codex.joinpath(*HOOKS_FOLDER)
        return HookHome(target, scripts, folders.codex / "hooks.json", CODEX_SCHEMA, False, folders.codex)
    return None


def hook_artifact(
    lesson: Lesson, folders: Folders, taught: Sequence[Mapping[str, Any]], home: HookHome | None = None
) -> Artifact | None:
    """The script and its settings entry; None when the lesson names nothing this agent's hooks could see."""
    home = home or hook_home(Target.CLAUDE_CODE, folders)
    spec = hook_spec(lesson)
    if spec is None or home is None or (home.target is Target.CODEX and spec.check is Check.NEVER_PATH):
        return None  # Codex edits files through apply_patch, which carries no file path a hook could match
    name = name_for(lesson)
    script = home.scripts / f"{name}.py"
    artifact = artifact_id(Kind.HOOK, str(home.base), name)
    shown = script.relative_to(folders.root).as_posix() if home.project else str(script)
    settings_shown = home.settings.relative_to(folders.root).as_posix() if home.project else str(home.settings)
    source = render_script(hook_config(spec, lesson, artifact, f"{shown} and its entry in {settings_shown}"))
    command = hook_command(shown, project=home.project)
    what = ", ".join(f"`{c}`" for c in (*spec.commands, *spec.paths))
    return Artifact(
        id=artifact,
        kind=Kind.HOOK,
        targets=(home.target,),
        scope=folders.scope,
        root=str(folders.root),
        name=name,
        lessons=(lesson_ref(lesson),),
        parts=(
            Part(str(script), PartKind.WHOLE, source),
            settings_part(str(home.settings), spec, command, home.schema),
        ),
        summary=f"{spec.event} {spec.check.value} {what}".strip(),
        replays=replays(spec, str(folders.root), taught),
    )
