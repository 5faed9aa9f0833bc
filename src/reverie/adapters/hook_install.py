"""Installing and removing reverie's capture hooks: the use case behind ``reverie init`` / ``uninstall``.

``install_hooks`` merges one handler per event (capture, and recall where it answers) into the agent's
settings file (see ``settings_file.py`` for how carefully), after a timestamped backup of the previous file in
``<home>/backups/``. It records what it created in ``<home>/installs/`` (the file, its folders, the
``hooks`` key, a git exclude rule, the backup of the original), so that ``uninstall_hooks`` can put the
file back exactly: when nothing else changed in between, the original bytes are restored; otherwise only
our handlers go, with the matcher groups this leaves empty, the event keys it leaves empty (unless the
user had them before), and the ``hooks`` key and the file if init created them and they are left empty.
Without a record, uninstall still removes every handler it recognises as ours. Agents rewrite their own
settings (an "always allow" answer lands in ``settings.local.json``), so a file that changes between our
read and our write is read again and merged again, never overwritten.

The hook command names this interpreter by absolute path and runs ``reverie/capture/hook.py`` as a
script with ``-I -S`` (no site-packages, no user environment), so the agent pays for little more than an
interpreter start. ``--home`` is reverie's data dir, where the hook spools what it captures.

Both functions return an :class:`Outcome` (what changed, or with ``dry_run`` what would) and raise
``ConfigError`` for anything they will not do; the CLI only asks, prints and converts.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from reverie.adapters.claude_code import settings as claude_code
from reverie.adapters.codex import settings as codex
from reverie.adapters.registry import ByAgent
from reverie.adapters.settings_file import (
    RESIDENT_SHELL,
    AgentHooks,
    ConcurrentEdit,
    Merge,
    SettingsFile,
    backup,
    make_private_dirs,
    merge_hooks,
    new_problems,
    parse_settings,
    read_settings,
    remove_hooks,
    render,
    write_settings,
)
from reverie.errors import ConfigError
from reverie.extensions import HookSettings

# Views of the extension table: the agents whose ``Agent.hooks`` say what to install.
AGENT_HOOKS: Mapping[str, AgentHooks] = ByAgent(lambda agent: agent.hooks.capture if agent.hooks else None)
# The separate recall handlers (reverie/recall/hook.py) of earlier versions: init removes them (one
# handler per event now captures and answers), uninstall too.
OLD_RECALL_HANDLERS: Mapping[str, Callable[[Mapping[str, Any]], bool]] = ByAgent(
    lambda agent: agent.hooks.is_recall_handler if agent.hooks else None
)
AGENT_NAMES: Mapping[str, str] = ByAgent(lambda agent: agent.display_name)
_HOOK_SETTINGS: Mapping[str, HookSettings] = ByAgent(lambda agent: agent.hooks)
_ATTEMPTS = 3  # the agent may rewrite its own settings while we work; start over this many times

Confirm = Callable[[str, str], bool]  # (question, diff of what would be written) -> go ahead?


@dataclass(frozen=True)
class Runtime:
    """What the hook command names: this interpreter, the hook script, reverie's data dir."""

    python: Path
    hook: Path
    home: Path
    resident: bool = False  # the command is ``hook.sh`` (the resident server, Python as the fallback)


@dataclass(frozen=True)
class Target:
    agent: str
    path: Path
    project: bool = False

    @property
    def hooks(self) -> AgentHooks:
        return AGENT_HOOKS[self.agent]

    def is_ours(self, handler: Mapping[str, Any]) -> bool:
        """A handler of ours, or an old separate recall handler of ours."""
        return self.hooks.is_ours(handler) or OLD_RECALL_HANDLERS[self.agent](handler)


@dataclass(frozen=True)
class Outcome:
    """What happened (or, with --dry-run, would happen) to one settings file."""

    agent: str
    path: Path
    status: str
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    backup: Path | None = None
    diff: str = ""
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(path=str(self.path), backup=str(self.backup) if self.backup else None)
        return data


def interpreter() -> Path:
    if not sys.executable:
        raise ConfigError("cannot tell which Python runs reverie (sys.executable is empty)")
    return Path(os.path.abspath(sys.executable))


def capture_hook_script(package: Path | None = None) -> Path:
    """The installed ``reverie/capture/hook.py``, located as a file (never imported here)."""
    folder = package or Path(str(resources.files("reverie.capture")))
    hook = folder / "hook.py"
    if not hook.is_file():
        raise ConfigError(f"the capture hook {hook} is missing from this installation; reinstall reverie")
    return hook.absolute()


def current_runtime(home: Path) -> Runtime:
    resident = resident_default() and _resident_setting(home) is not False
    return Runtime(python=interpreter(), hook=capture_hook_script(), home=home, resident=resident)


def resident_default() -> bool:
    """Hook events go to the resident server (``capture/resident.py``) wherever ``hook.sh`` can run:
    POSIX with ``/bin/bash``, unless ``REVERIE_RESIDENT=0`` (or ``[hooks] resident = false`` in the
    home's config.toml). Measured in benchmarks/README.md ("A resident hook server"): an event then
    costs a bash start instead of a Python process."""
    if os.name != "posix" or os.environ.get("REVERIE_RESIDENT", "").strip() == "0":
        return False
    return os.access(RESIDENT_SHELL, os.X_OK) and (capture_hook_script().with_name("hook.sh")).is_file()


def _resident_setting(home: Path) -> bool | None:
    """``[hooks] resident`` in ``<home>/config.toml``: None when unset."""
    path = home / "config.toml"
    if not path.is_file():
        return None
    import tomllib

    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("hooks", {}).get("resident")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    if value is not None and not isinstance(value, bool):
        raise ConfigError(f"{path}: [hooks] resident must be true or false, not {value!r}")
    return value


def resolve_target(agent: str, project: str | None) -> Target:
    """The file to edit: the agent's user settings, or (``project`` given; "" = the repository of the
    current folder) the repository's uncommitted settings, as the agent's row of the extension table says."""
    hooks = _HOOK_SETTINGS.get(agent)
    if hooks is None:
        raise ConfigError(f"reverie installs no hooks for {agent!r} (known: {', '.join(sorted(_HOOK_SETTINGS))})")
    return Target(agent, hooks.settings_path(project), project=project is not None)


# ---------------------------------------------------------------------------------------------------
# What init created, kept in <home>/installs/ for uninstall


@dataclass(frozen=True)
class InstallRecord:
    agent: str
    settings_path: str
    created_file: bool
    created_dirs: tuple[str, ...] = ()
    created_hooks_key: bool = False
    created_events: tuple[str, ...] = ()
    original_backup: str | None = None
    git_exclude: tuple[str, str] | None = None  # (exclude file, pattern) that init added
    installed_at: str = ""


def _record_file(home: Path, agent: str, path: Path) -> Path:
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:16]
    return home / "installs" / f"{agent}-{digest}.json"


def load_record(home: Path, agent: str, path: Path) -> InstallRecord | None:
    return _read_record(_record_file(home, agent, path))


def _read_record(file: Path) -> InstallRecord | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        exclude = data.get("git_exclude")
        return InstallRecord(
            **{
                **data,
                "created_dirs": tuple(data.get("created_dirs", ())),
                "created_events": tuple(data.get("created_events", ())),
                "git_exclude": tuple(exclude) if exclude else None,
            }
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # no record, or not one we can trust: uninstall falls back to recognising our handlers


def recorded_targets(home: Path) -> list[Target]:
    records = (_read_record(file) for file in sorted((home / "installs").glob("*.json")))
    return [
        Target(r.agent, Path(r.settings_path), project=Path(r.settings_path).name == claude_code.LOCAL_SETTINGS.name)
        for r in records
        if r is not None and r.agent in AGENT_HOOKS
    ]


def _save_record(home: Path, record: InstallRecord) -> None:
    file = _record_file(home, record.agent, Path(record.settings_path))
    make_private_dirs(file.parent)
    temp = file.with_suffix(".tmp")
    temp.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    os.chmod(temp, 0o600)
    os.replace(temp, file)


def _forget(home: Path, record: InstallRecord | None) -> list[str]:
    """Undo the record's side effects outside the settings file, then delete it."""
    if record is None:
        return []
    notes = []
    if record.git_exclude and claude_code.remove_exclude(Path(record.git_exclude[0]), record.git_exclude[1]):
        notes.append(f"git: removed {record.git_exclude[1]} from {record.git_exclude[0]}")
    _record_file(home, record.agent, Path(record.settings_path)).unlink(missing_ok=True)
    return notes


# ---------------------------------------------------------------------------------------------------
# init


def install_hooks(
    target: Target, runtime: Runtime, *, dry_run: bool = False, confirm: Confirm = lambda question, diff: True
) -> Outcome:
    """Merge our hooks into ``target``; retried when the agent rewrites the file under us."""
    return _retrying(lambda ask: _install_once(target, runtime, dry_run, ask), confirm)


def _retrying(attempt: Callable[[Confirm], Outcome], confirm: Confirm) -> Outcome:
    answered: list[bool] = []

    def ask_once(question: str, diff: str) -> bool:
        if not answered:
            answered.append(confirm(question, diff))
        return answered[0]

    for _ in range(_ATTEMPTS):
        try:
            return attempt(ask_once)
        except ConcurrentEdit:
            continue
    raise ConfigError(f"the settings file kept changing while reverie edited it ({_ATTEMPTS} tries); try again")


def _install_once(target: Target, runtime: Runtime, dry_run: bool, confirm: Confirm) -> Outcome:
    settings = read_settings(target.path)
    entries = target.hooks.entries(runtime.python, runtime.hook, runtime.home, resident=runtime.resident)
    merge = _without_old_recall(target, merge_hooks(settings.data, entries, target.hooks.is_ours))
    outcome = Outcome(
        agent=target.agent,
        path=target.path,
        status="unchanged",
        added=merge.added,
        replaced=merge.replaced,
        unchanged=merge.unchanged,
        removed=merge.removed,
        notes=tuple(codex.notes() if target.agent == codex.AGENT else ()),
        warnings=tuple(_agent_warnings(target, settings)),
    )
    if settings.exists and not merge.changed:
        return outcome
    content = render(merge.data, settings.style)
    outcome = replace(
        outcome,
        warnings=outcome.warnings + tuple(_schema_check(target, settings, merge.data)),
        diff=_diff(target.path, settings.raw, content),
    )
    git = _git_check(target)
    status = "updated" if merge.replaced or merge.unchanged or merge.removed else "installed"
    if dry_run:
        return replace(outcome, status=f"would-be-{status}")
    if not confirm(f"Write reverie's capture hooks to {target.path}?", outcome.diff):
        return replace(outcome, status="cancelled")
    saved, notes = _write_and_record(target, runtime.home, settings, merge, content, git)
    steps = codex.next_steps() if target.agent == codex.AGENT else []
    return replace(outcome, status=status, backup=saved, notes=outcome.notes + notes, next_steps=tuple(steps))


def _without_old_recall(target: Target, merge: Merge) -> Merge:
    """The merge without the separate recall handlers of earlier versions (their events keep our new one)."""
    removal = remove_hooks(merge.data, OLD_RECALL_HANDLERS[target.agent], drop_empty_hooks_key=False)
    if not removal.removed:
        return merge
    replaced = tuple(dict.fromkeys(merge.replaced + tuple(e for e in removal.removed if e not in merge.added)))
    return replace(
        merge,
        data=removal.data,
        replaced=replaced,
        unchanged=tuple(e for e in merge.unchanged if e not in replaced),
    )


def _git_check(target: Target) -> claude_code.GitIgnore | None:
    if not target.project:
        return None
    git = claude_code.git_ignore_status(target.path)
    if git.state == "tracked":
        raise ConfigError(
            f"{target.path} is tracked by git, so a machine-specific hook command would be shared with everyone; "
            f"run `git rm --cached {target.path}` and commit, or install at user level (without --project)"
        )
    return git


def _write_and_record(
    target: Target, home: Path, settings: SettingsFile, merge: Merge, content: bytes, git: claude_code.GitIgnore | None
) -> tuple[Path | None, tuple[str, ...]]:
    """Back up, write, keep the file out of git, and record what this created: (backup, notes)."""
    make_private_dirs(home)
    old_record = load_record(home, target.agent, target.path)
    saved = backup(settings, home / "backups", target.agent)
    created_dirs = write_settings(settings, content)
    note, git_exclude = claude_code.keep_out_of_git(git) if git is not None else ("", None)
    record = InstallRecord(
        agent=target.agent,
        settings_path=str(target.path),
        created_file=not settings.exists,
        created_dirs=tuple(str(d) for d in created_dirs),
        created_hooks_key=merge.created_hooks_key,
        created_events=merge.created_events,
        original_backup=str(saved) if saved else None,
        git_exclude=git_exclude,
        installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    upgrade = bool(merge.replaced or merge.unchanged or merge.removed)
    if upgrade and old_record is not None:  # what the first init created (and its backup) still counts
        record = replace(
            old_record,
            created_events=tuple(dict.fromkeys(old_record.created_events + merge.created_events)),
            git_exclude=old_record.git_exclude or git_exclude,
            installed_at=record.installed_at,
        )
    _save_record(home, record)
    return saved, (note,) if note else ()


def _agent_warnings(target: Target, settings: SettingsFile) -> list[str]:
    if target.agent == codex.AGENT:
        return codex.warnings(target.path.parent)
    return claude_code.warnings(settings.data)


def _schema_check(target: Target, settings: SettingsFile, result: dict[str, Any]) -> list[str]:
    introduced, existing = new_problems(settings.data, result, target.hooks.schema)
    if introduced:
        raise ConfigError(
            f"{target.path}: the result would not match the {target.hooks.schema} schema, so nothing was written: "
            + "; ".join(introduced)
        )
    return [f"already in the file, left as it is: {problem}" for problem in existing]


def _diff(path: Path, old: bytes | None, new: bytes | None) -> str:
    def lines(content: bytes | None) -> list[str]:
        return (content or b"").decode("utf-8", errors="replace").splitlines(keepends=True)

    before = f"{path} (now)" if old is not None else "/dev/null"
    after = f"{path} (new)" if new is not None else "/dev/null"
    return "".join(difflib.unified_diff(lines(old), lines(new), before, after))


# ---------------------------------------------------------------------------------------------------
# uninstall


def uninstall_hooks(
    target: Target, home: Path, *, dry_run: bool = False, confirm: Confirm = lambda question, diff: True
) -> Outcome:
    """Take our hooks out of ``target`` and put back what init created; retried like :func:`install_hooks`."""
    return _retrying(lambda ask: _uninstall_once(target, home, dry_run, ask), confirm)


def _uninstall_once(target: Target, home: Path, dry_run: bool, confirm: Confirm) -> Outcome:
    settings = read_settings(target.path)
    record = load_record(home, target.agent, target.path)
    outcome = Outcome(agent=target.agent, path=target.path, status="not-installed" if settings.exists else "absent")
    removal = remove_hooks(
        settings.data,
        target.is_ours,
        drop_empty_hooks_key=record is None or record.created_hooks_key,
        keep_empty_events=() if record is None else _events_the_user_had(target, record),
    )
    if not removal.removed:
        notes = [] if dry_run else _forget(home, record)  # nothing of ours is left: the record is stale
        return replace(outcome, notes=tuple(notes))
    content = _restored_content(settings, removal.data, record)
    if content is not None:
        _schema_check(target, settings, parse_settings(content, target.path))
    status = "deleted" if content is None else "restored" if content == _original(record) else "removed"
    outcome = replace(outcome, removed=removal.removed, diff=_diff(target.path, settings.raw, content))
    if dry_run:
        return replace(outcome, status=f"would-be-{status}")
    if not confirm(f"Remove reverie's capture hooks from {target.path}?", outcome.diff):
        return replace(outcome, status="cancelled")
    saved = backup(settings, home / "backups", target.agent)
    write_settings(settings, content)
    if content is None and record is not None:
        _remove_empty_dirs(record.created_dirs)
    return replace(outcome, status=status, backup=saved, notes=tuple(_forget(home, record)))


def _events_the_user_had(target: Target, record: InstallRecord) -> set[str]:
    return {policy.event for policy in target.hooks.events} - set(record.created_events)


def _restored_content(settings: SettingsFile, data: dict[str, Any], record: InstallRecord | None) -> bytes | None:
    """The bytes to write back (None: delete the file)."""
    original = _original(record)
    if original is not None:
        try:
            if parse_settings(original, settings.path) == data:
                return original  # nothing else changed since init: the very bytes the user had
        except ConfigError:
            pass
    if data == {} and (record is None or record.created_file):
        return None
    return render(data, settings.style)


def _original(record: InstallRecord | None) -> bytes | None:
    if record is None or record.original_backup is None:
        return None
    try:
        return Path(record.original_backup).read_bytes()
    except OSError:
        return None


def _remove_empty_dirs(folders: tuple[str, ...]) -> None:
    for folder in reversed(folders):  # deepest first
        try:
            Path(folder).rmdir()
        except OSError:
            return  # not empty (someone put something there) or gone: leave the rest alone
