"""One enforcement script per scope and agent: every hook lesson's check in one file, registered once.

A tool call used to start one process per compiled lesson (about 44 ms each); now it starts one for
the scope, whatever the number of lessons (``benchmarks/enforce_latency.py``). Where the script lives:

``claude-code``  ``.claude/hooks/reverie/enforce.py`` in the repository (project lessons, referenced
                 through ``"$CLAUDE_PROJECT_DIR"``, so it can be committed), or in the user's Claude
                 config dir (global lessons, by absolute path); registered in that scope's
                 ``settings.json``.
``codex``        ``$CODEX_HOME/hooks/reverie/enforce.py``, registered in ``$CODEX_HOME/hooks.json``
                 (global lessons: Codex reads no project hooks file).

The script is ``enforce_loader.py`` holding, as the string ``RUNTIME``, ``enforce.py`` with ``shell.py``
and ``lean_json.py`` written in where it imports them and its ``CONFIG`` filled in: the loader compiles
``RUNTIME`` once per interpreter and keeps the code in the user's cache folder, so a tool call does not
compile 40 KB of Python (see ``enforce_loader``). It is registered once for each event one of its checks
answers (PreToolUse, PostToolUse), with a matcher naming every tool those checks watch, and is told the
event as its first argument.

A lesson whose check fails its own replays (run here, in this process, through ``enforce.decide``),
or would carry a secret into the file, is left out and a note says why; the script as written is
replayed as a whole, in a fresh interpreter, before it is written (``compiler.check``). The
artifact's id depends only on where the script lives, so compiling again replaces it in place
(atomically), a retired lesson's check leaves it, and the per-lesson scripts of earlier versions are
removed as leftovers.
"""

from __future__ import annotations

import ast
import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reverie.artifacts import replay
from reverie.artifacts.files import secret_kinds
from reverie.artifacts.hooks import HookSpec, hook_spec, plain_statement, replays
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Replay, Target, artifact_id, lesson_ref
from reverie.artifacts.places import Folders
from reverie.domain.lessons import Lesson

TIMEOUT_SECONDS = 10
HOOKS_FOLDER = ("hooks", "reverie")  # under .claude/ (project) or the Claude config dir (user)
SCRIPT_NAME = "enforce"
EVENTS = ("PreToolUse", "PostToolUse")
CLAUDE_SCHEMA = "claude-code-settings.json"
CODEX_SCHEMA = "codex-hooks.json"
_CONFIG_LINE = "CONFIG: dict[str, Any] = {}"
_RUNTIME_LINE = 'RUNTIME = ""  # written in by render_script'
_SHELL_IMPORT = "from reverie.artifacts.shell import matching_command, written_paths  # written in by render_script"
_JSON_IMPORT = "from reverie.lean_json import dumps, loads  # written in by render_script (not json: 1.5 ms)"
_WRITTEN_IN = ((_SHELL_IMPORT, "reverie.artifacts", "shell.py"), (_JSON_IMPORT, "reverie", "lean_json.py"))

TaughtCalls = Callable[[Lesson], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class HookHome:
    """Where one agent keeps one scope's enforcement script, and the settings file that registers it."""

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


@dataclass(frozen=True, slots=True)
class Enforcement:
    """The scope's script as an artifact (None when no lesson has a check), and why lessons were left out."""

    artifact: Artifact | None
    notes: tuple[str, ...]


def enforcement(lessons: Sequence[Lesson], folders: Folders, taught: TaughtCalls, home: HookHome) -> Enforcement:
    script = home.scripts / f"{SCRIPT_NAME}.py"
    artifact = artifact_id(Kind.HOOK, str(home.base), SCRIPT_NAME)
    shown = script.relative_to(folders.root).as_posix() if home.project else str(script)
    settings_shown = home.settings.relative_to(folders.root).as_posix() if home.project else str(home.settings)
    kept: list[tuple[Lesson, HookSpec, dict[str, Any], tuple[Replay, ...]]] = []
    notes = []
    for lesson in lessons:
        spec = hook_spec(lesson)
        if spec is None:
            notes.append(f"{lesson.id}: its trigger names nothing a hook could watch; kept as a rule")
            continue
        check, held_to = check_config(spec, lesson), replays(spec, lesson.id, str(folders.root), taught(lesson))
        secrets = secret_kinds(json.dumps(check, ensure_ascii=False))
        if secrets:  # the writer refuses the whole file; leave only this lesson out
            notes.append(f"{lesson.id}: its check would put a secret ({', '.join(secrets)}) into the script; left out")
            continue
        problems = replay.check_in_process(check, held_to)
        if problems:
            notes.append(f"{lesson.id}: its check failed its replays, so it was left out: {'; '.join(problems)}")
            continue
        kept.append((lesson, spec, check, held_to))
    if not kept:
        return Enforcement(None, tuple(notes))
    files = f"{shown} and its entries in {settings_shown}"
    config = {"artifact": artifact, "files": files, "checks": [check for _, _, check, _ in kept]}
    specs = [spec for _, spec, _, _ in kept]
    entries = [
        (event, matcher, hook_command(shown, project=home.project, event=event))
        for event, matcher in _registrations(specs)
    ]
    built = Artifact(
        id=artifact,
        kind=Kind.HOOK,
        targets=(home.target,),
        scope=folders.scope,
        root=str(folders.root),
        name=SCRIPT_NAME,
        lessons=tuple(lesson_ref(lesson) for lesson, _, _, _ in kept),
        parts=(
            Part(str(script), PartKind.WHOLE, render_script(config)),
            settings_part(str(home.settings), entries, home.schema),
        ),
        summary=_summary(specs),
        replays=tuple(item for _, _, _, held_to in kept for item in held_to),
    )
    return Enforcement(built, tuple(notes))


def check_config(spec: HookSpec, lesson: Lesson) -> dict[str, Any]:
    """One lesson's check, as the script's ``CONFIG["checks"]`` holds it."""
    return {
        "check": spec.check.value,
        "event": spec.event,
        "tools": list(spec.tools),
        "commands": list(spec.commands),
        "paths": list(spec.paths),
        "required": list(spec.required),
        "lesson": lesson.id,
        "statement": plain_statement(lesson),
    }


def _registrations(specs: Sequence[HookSpec]) -> list[tuple[str, str]]:
    """(event, matcher) once per event the checks answer; the matcher names every tool they watch."""
    found = []
    for event in EVENTS:
        tools = [tool for spec in specs if spec.event == event for tool in spec.tools]
        if tools:
            found.append((event, "|".join(dict.fromkeys(tools))))
    return found


def _summary(specs: Sequence[HookSpec], shown: int = 5) -> str:
    """One line for listings: what each check watches, the first few of them."""
    items = [f"{spec.check.value} " + ", ".join(f"`{x}`" for x in (*spec.commands, *spec.paths)) for spec in specs]
    more = f"; and {len(items) - shown} more" if len(items) > shown else ""
    return f"{len(specs)} lesson(s) in one script: " + "; ".join(item.strip() for item in items[:shown]) + more


# -- the script and its settings entries ----------------------------------------------------------------


@cache
def _runtime_source() -> str:
    """enforce.py with shell.py and lean_json.py written in where it imports them: one file that needs
    no reverie."""
    runtime = resources.files("reverie.artifacts").joinpath("enforce.py").read_text(encoding="utf-8")
    for line, package, name in _WRITTEN_IN:
        module = resources.files(package).joinpath(name).read_text(encoding="utf-8")
        body = module.split("from __future__ import annotations\n", 1)[1]  # the docstring stays in the module
        if line not in runtime:
            raise AssertionError(f"enforce.py lost its {name} import line")  # a packaging bug, not user input
        where = "/".join((*package.split("."), name))
        runtime = runtime.replace(line, f"# -- {where} --{body}", 1)
    return runtime


@cache
def _loader_source() -> str:
    return resources.files("reverie.artifacts").joinpath("enforce_loader.py").read_text(encoding="utf-8")


def render_script(config: Mapping[str, Any]) -> str:
    """The script as written: ``enforce_loader.py`` holding the hook (``runtime_of``) with its CONFIG."""
    source = _runtime_source()
    if _CONFIG_LINE not in source:
        raise AssertionError("enforce.py lost its CONFIG line")  # a packaging bug, not user input
    literal = f"CONFIG: dict[str, Any] = loads({json.dumps(json.dumps(config, ensure_ascii=False))})"
    runtime = source.replace(_CONFIG_LINE, literal, 1)
    checks = config.get("checks")
    count = len(checks) if isinstance(checks, list) else 1
    header = (
        "#!/usr/bin/env python3\n"
        f"# Compiled by `reverie compile`: the checks of {count} lesson(s), listed in CONFIG in RUNTIME below.\n"
        f"# Remove it with `reverie artifacts remove {config.get('artifact')}`, or delete {config.get('files')}.\n"
        "# Needs only python3 >= 3.9 and its standard library. Edits are noticed and never overwritten.\n"
    )
    loader = _loader_source()
    if _RUNTIME_LINE not in loader:
        raise AssertionError("enforce_loader.py lost its RUNTIME line")  # a packaging bug, not user input
    return header + loader.replace(_RUNTIME_LINE, f"RUNTIME = {_string_literal(runtime)}", 1)


def _string_literal(text: str) -> str:
    """``text`` as a Python literal a person can read: a raw triple-quoted string when that says it
    exactly, else its escaped form."""
    if "'''" not in text and not text.endswith(("\\", "'")):
        literal = f"r'''{text}'''"
        if ast.literal_eval(literal) == text:
            return literal
    return repr(text)


def hook_command(script: str, *, project: bool, event: str = "") -> str:
    """The handler's command. ``script`` is relative to the project (project) or absolute (user)."""
    path = f'"$CLAUDE_PROJECT_DIR"/{shlex.quote(script)}' if project else shlex.quote(script)
    return f"test ! -f {path} || python3 -I -S {path}" + (f" {event}" if event else "")


def _handler(command: str) -> dict[str, Any]:
    return {"type": "command", "command": command, "timeout": TIMEOUT_SECONDS}


def settings_part(settings_path: str, entries: Sequence[tuple[str, str, str]], schema: str = CLAUDE_SCHEMA) -> Part:
    """One part for all of the script's handlers: (event, matcher, command) each."""
    listed = [{"event": event, "matcher": matcher, "handler": _handler(command)} for event, matcher, command in entries]
    return Part(settings_path, PartKind.SETTINGS, json.dumps({"entries": listed}, sort_keys=True), schema=schema)
