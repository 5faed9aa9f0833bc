"""Careful editing of an agent's JSON settings file: read, merge hook entries, validate, write, back up.

The file belongs to the user; reverie only adds or removes its own hook handlers. So:

- **Read strictly.** Anything that is not one plain JSON object (comments, trailing commas, duplicate
  keys, ``NaN``) is refused with the file, line and column: rewriting it would silently lose something.
  An empty file counts as ``{}``.
- **Keep everything else.** Merging works on a deep copy; every other key, hook, matcher group and their
  order stay as they were. Our handlers go into matcher groups of their own, appended at the end of each
  event's list, so the user's groups keep their positions (Codex keys its hook trust by position).
  Ours are recognised by a predicate on the handler (the hook script path and ``--agent`` in the
  command), so an upgrade replaces them in place instead of adding duplicates.
- **Keep the look.** The indentation, line endings, final newline and BOM of the original are reused.
- **Know our own.** An agent adapter declares an :class:`AgentHooks`: its events, how each handler looks
  (matcher, ``async``, timeout), how to quote for the agent's shell, and the ``--agent`` marker.
- **Write atomically.** A temp file in the same folder, fsync, ``os.replace``; the file's mode is kept and
  new files are 0600. A symlinked settings file is written through to its target. If someone else
  (the agent itself) changed the file after we read it, :class:`ConcurrentEdit` is raised and the caller
  starts over instead of overwriting their change.
- **Validate against the vendored SchemaStore schema.** Problems that our change introduces are refused;
  problems that were already in the user's file are reported, not ours to fix.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.errors import ConfigError

if TYPE_CHECKING:  # jsonschema is imported when a settings file is checked, not by every reader of the agents
    import jsonschema

Json = dict[str, Any]
HandlerPredicate = Callable[[Mapping[str, Any]], bool]

NEW_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
_BOM = b"\xef\xbb\xbf"


class ConcurrentEdit(ConfigError):
    """The file changed between our read and our write; nothing was written."""


# ---------------------------------------------------------------------------------------------------
# Reading and writing the file


@dataclass(frozen=True)
class TextStyle:
    """How the original file looked, so that a rewrite changes only what we changed."""

    indent: int | str = 2
    newline: str = "\n"
    final_newline: bool = True
    bom: bool = False


@dataclass(frozen=True)
class SettingsFile:
    """One settings file as read. ``raw`` is None when the file does not exist."""

    path: Path
    data: Json
    raw: bytes | None
    mode: int | None
    style: TextStyle = field(default_factory=TextStyle)

    @property
    def exists(self) -> bool:
        return self.raw is not None


def read_settings(path: Path) -> SettingsFile:
    """Read ``path`` (missing is fine: an empty document). Raises ConfigError on anything ambiguous."""
    try:
        raw = path.read_bytes()
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return SettingsFile(path=path, data={}, raw=None, mode=None)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it ({error.strerror or error})") from error
    return SettingsFile(path=path, data=parse_settings(raw, path), raw=raw, mode=mode, style=_style_of(raw))


def parse_settings(raw: bytes, path: Path) -> Json:
    body = raw.removeprefix(_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}); nothing was written") from error
    if not text.strip():
        return {}
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); nothing was written. "
            "Agent settings must be plain JSON: no comments, no trailing commas."
        ) from error
    except ValueError as error:
        raise ConfigError(f"{path}: {error}; nothing was written") from error
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be agent settings; nothing was written") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the settings must be a JSON object, not {type(data).__name__}; nothing was written")
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> Json:
    result: Json = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object, so it is ambiguous which one counts")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _style_of(raw: bytes) -> TextStyle:
    text = raw.removeprefix(_BOM).decode("utf-8", errors="replace")
    indent: int | str = 2  # what Claude Code writes; also for one-line files, which hooks would make unreadable
    first = re.search(r"^([ \t]+)\S", text, flags=re.MULTILINE)
    if first:
        whitespace = first.group(1)
        indent = "\t" if "\t" in whitespace else len(whitespace)
    return TextStyle(
        indent=indent,
        newline="\r\n" if "\r\n" in text else "\n",
        final_newline=text.endswith("\n") or not text.strip(),
        bom=raw.startswith(_BOM),
    )


def render(data: Json, style: TextStyle) -> bytes:
    text = json.dumps(data, indent=style.indent, ensure_ascii=False)
    if style.final_newline:
        text += "\n"
    if style.newline != "\n":
        text = text.replace("\n", style.newline)
    return (_BOM if style.bom else b"") + text.encode("utf-8")


def write_settings(settings: SettingsFile, content: bytes | None) -> list[Path]:
    """Replace the file with ``content`` (None deletes it), if it still holds what we read.

    Returns the folders that had to be created, deepest last, so that an uninstall can remove them.
    """
    target = settings.path.resolve() if settings.path.is_symlink() else settings.path
    _check_unchanged(settings, target)
    if content is None:
        target.unlink(missing_ok=True)
        return []
    created = make_private_dirs(target.parent)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(content)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, settings.mode if settings.mode is not None else NEW_FILE_MODE)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return created


def _check_unchanged(settings: SettingsFile, target: Path) -> None:
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    if current != settings.raw:
        raise ConcurrentEdit(f"{settings.path} changed while reverie was editing it; nothing was written")


def make_private_dirs(folder: Path) -> list[Path]:
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    for parent in reversed(missing):
        parent.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    return list(reversed(missing))


def backup(settings: SettingsFile, folder: Path, label: str) -> Path | None:
    """Keep a private, timestamped copy of the file as read (nothing to keep when it did not exist)."""
    if settings.raw is None:
        return None
    make_private_dirs(folder)
    os.chmod(folder, PRIVATE_DIR_MODE)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    copy_path = folder / f"{stamp}-{label}-{settings.path.name}"
    descriptor = os.open(copy_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(settings.raw)
    return copy_path


# ---------------------------------------------------------------------------------------------------
# Validation against the vendored SchemaStore schemas


@cache
def _validator(schema_name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    text = resources.files("reverie.adapters.schemas").joinpath(schema_name).read_text(encoding="utf-8")
    schema = json.loads(text)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def schema_problems(data: Json, schema_name: str) -> list[str]:
    """Every way ``data`` breaks the schema, as ``"<json path>: <message>"``, sorted."""
    problems = {f"{error.json_path}: {_short(error.message)}" for error in _validator(schema_name).iter_errors(data)}
    return sorted(problems)


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def new_problems(before: Json, after: Json, schema_name: str) -> tuple[list[str], list[str]]:
    """(problems that ``after`` introduces, problems ``before`` already had and ``after`` keeps)."""
    old = set(schema_problems(before, schema_name))
    now = schema_problems(after, schema_name)
    return [p for p in now if p not in old], [p for p in now if p in old]


# ---------------------------------------------------------------------------------------------------
# What an agent adapter declares: which events, and how its handlers look


_HOOK_SCRIPT = re.compile(r"reverie[\\/]+capture[\\/]+hook\.(?:py|sh)")
RESIDENT_SHELL = "/bin/bash"  # what runs ``hook.sh``: it needs bash's /dev/tcp and ``read -N``


@dataclass(frozen=True)
class EventPolicy:
    """How we register for one event: ``matcher`` None means the key is omitted (match everything);
    ``recall`` makes the handler answer the event too (``--recall yes``: capture and recall in one process)."""

    event: str
    matcher: str | None = None
    run_async: bool = False
    timeout: int = 5
    recall: bool = False


@dataclass(frozen=True)
class AgentHooks:
    """The capture hooks of one agent: its name (the ``--agent`` marker), schema, events and quoting."""

    agent: str
    schema: str
    events: tuple[EventPolicy, ...]
    quote: Callable[[str], str]

    def command(
        self, python: Path, hook: Path, event: str, home: Path, *, recall: bool = False, resident: bool = False
    ) -> str:
        """The handler's command line. ``resident``: ``hook.sh`` beside ``hook`` under ``/bin/bash``, which
        sends the event to the resident server (``capture/resident.py``) and runs the Python hook only when
        no server answers. Claude Code runs hook commands with ``/bin/sh -c`` (dash on Debian, which has no
        ``/dev/tcp``) and Codex with ``/bin/bash -c``; ``exec`` replaces that shell with bash either way."""
        # `|| true` / `; true`: if reverie or its venv is removed without `reverie uninstall`, the command
        # fails (2 for a missing script), which both agents read as "block". Capture must never block.
        q = self.quote
        arguments = f"--agent {self.agent} --event {event} --home {q(str(home))}{' --recall yes' if recall else ''}"
        direct = f"{q(str(python))} -I -S {q(str(hook))} {arguments} || true"
        if resident:
            # Without bash or the client (a minimal image, a partial install), the Python hook runs as before.
            client = q(str(hook.with_name("hook.sh")))
            return (
                f"if [ -x {RESIDENT_SHELL} ] && [ -f {client} ]; then exec {RESIDENT_SHELL} {client} "
                f"{q(str(python))} {arguments}; fi; {direct}"
            )
        return direct

    def entries(self, python: Path, hook: Path, home: Path, *, resident: bool = False) -> tuple[HookEntry, ...]:
        return tuple(
            HookEntry(
                event=policy.event,
                matcher=policy.matcher,
                handler=self._handler(policy, python, hook, home, resident),
            )
            for policy in self.events
        )

    def _handler(self, policy: EventPolicy, python: Path, hook: Path, home: Path, resident: bool) -> Json:
        command = self.command(python, hook, policy.event, home, recall=policy.recall, resident=resident)
        handler: Json = {"type": "command", "command": command}
        handler["timeout"] = policy.timeout
        if policy.run_async:
            handler["async"] = True
        return handler

    def is_ours(self, handler: Mapping[str, Any]) -> bool:
        """Our handler, whichever interpreter, install location or data dir it names."""
        command = handler.get("command")
        if handler.get("type") != "command" or not isinstance(command, str):
            return False
        marker = re.compile(rf"(?:^|\s)--agent\s+['\"]?{re.escape(self.agent)}['\"]?(?:\s|$)")
        return bool(_HOOK_SCRIPT.search(command) and marker.search(command))


# ---------------------------------------------------------------------------------------------------
# Merging hook entries: {"hooks": {Event: [{"matcher": ..., "hooks": [handler, ...]}, ...]}}


@dataclass(frozen=True)
class HookEntry:
    """One handler that we want for one event, in a matcher group of its own."""

    event: str
    handler: Mapping[str, Any]
    matcher: str | None = None

    def group(self) -> Json:
        group: Json = {} if self.matcher is None else {"matcher": self.matcher}
        group["hooks"] = [dict(self.handler)]
        return group


@dataclass(frozen=True)
class Merge:
    data: Json
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # events where an old handler of ours is no longer wanted
    created_hooks_key: bool = False
    created_events: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


@dataclass(frozen=True)
class Removal:
    data: Json
    removed: tuple[str, ...] = ()  # events from which at least one of our handlers was removed


def merge_hooks(data: Json, entries: Sequence[HookEntry], is_ours: HandlerPredicate) -> Merge:
    """Our entries merged into a copy of ``data``: added, replaced in place, or left as they are."""
    result = copy.deepcopy(data)
    hooks = result.get("hooks")
    created_hooks_key = hooks is None
    if hooks is None:
        hooks = result["hooks"] = {}
    if not isinstance(hooks, dict):
        raise ConfigError(f'"hooks" is a {type(hooks).__name__}, not an object; reverie will not guess')
    wanted = {entry.event for entry in entries}
    removed = [event for event in list(hooks) if event not in wanted and _strip_event(hooks, event, is_ours)]
    outcome: dict[str, list[str]] = {"added": [], "replaced": [], "unchanged": []}
    created_events = []
    for entry in entries:
        groups = hooks.get(entry.event)
        if groups is None:
            hooks[entry.event] = groups = []
            created_events.append(entry.event)
        if not isinstance(groups, list):
            raise ConfigError(f'"hooks.{entry.event}" is a {type(groups).__name__}, not a list; reverie will not guess')
        outcome[_merge_event(groups, entry, is_ours)].append(entry.event)
    return Merge(
        data=result,
        added=tuple(outcome["added"]),
        replaced=tuple(outcome["replaced"]),
        unchanged=tuple(outcome["unchanged"]),
        removed=tuple(removed),
        created_hooks_key=created_hooks_key,
        created_events=tuple(created_events),
    )


def _merge_event(groups: list[Any], entry: HookEntry, is_ours: HandlerPredicate) -> str:
    found = _our_positions(groups, is_ours)
    if not found:
        groups.append(entry.group())
        return "added"
    (group_index, handler_index), *duplicates = found
    changed = bool(duplicates)
    for index, duplicate in reversed(duplicates):
        del groups[index]["hooks"][duplicate]
        if not groups[index]["hooks"]:
            del groups[index]
    group = groups[group_index]
    if len(group["hooks"]) == 1:  # our own group: it should look exactly like a new one
        if group != entry.group():
            groups[group_index] = entry.group()
            changed = True
    elif group["hooks"][handler_index] != entry.handler:  # the user moved our handler into their group
        group["hooks"][handler_index] = dict(entry.handler)
        changed = True
    return "replaced" if changed else "unchanged"


def _our_positions(groups: list[Any], is_ours: HandlerPredicate) -> list[tuple[int, int]]:
    return [
        (group_index, handler_index)
        for group_index, group in enumerate(groups)
        if isinstance(group, dict) and isinstance(group.get("hooks"), list)
        for handler_index, handler in enumerate(group["hooks"])
        if isinstance(handler, dict) and is_ours(handler)
    ]


def remove_hooks(
    data: Json, is_ours: HandlerPredicate, *, drop_empty_hooks_key: bool, keep_empty_events: Collection[str] = ()
) -> Removal:
    """A copy of ``data`` without our handlers and the matcher groups this leaves empty; event keys left
    empty go too (except ``keep_empty_events``, which the user had before), and so does the ``hooks`` key
    if it is left empty and ``drop_empty_hooks_key``."""
    result = copy.deepcopy(data)
    hooks = result.get("hooks")
    if not isinstance(hooks, dict):
        return Removal(data=result)
    removed = tuple(event for event in list(hooks) if _strip_event(hooks, event, is_ours, keep_empty_events))
    if removed and not hooks and drop_empty_hooks_key:
        del result["hooks"]
    return Removal(data=result, removed=removed)


def _strip_event(hooks: Json, event: str, is_ours: HandlerPredicate, keep_empty: Collection[str] = ()) -> bool:
    """Remove our handlers from one event in place; True if there were any."""
    groups = hooks[event]
    if not isinstance(groups, list) or not _our_positions(groups, is_ours):
        return False
    kept = []
    for group in groups:
        if not (isinstance(group, dict) and isinstance(group.get("hooks"), list)):
            kept.append(group)
            continue
        handlers = [h for h in group["hooks"] if not (isinstance(h, dict) and is_ours(h))]
        if len(handlers) == len(group["hooks"]):
            kept.append(group)
        elif handlers:
            kept.append({**group, "hooks": handlers})
    if kept or event in keep_empty:
        hooks[event] = kept
    else:
        del hooks[event]
    return True
