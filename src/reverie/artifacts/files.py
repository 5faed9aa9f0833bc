"""Writing, checking and removing an artifact's parts on disk, so that removal leaves no trace.

Files reverie owns outright (``whole`` parts) are created and deleted. Files the user owns are only
edited: the managed block (``block.py``) and our handlers in a settings file (merged and removed with
the helpers of ``adapters.settings_file``: strict reading, schema validation, atomic writes). Before
reverie first edits such a file, the store keeps its bytes (or the fact that it did not exist), and
every folder it creates; when the last artifact leaves the file and what remains is what was there,
the original bytes are put back (or the file and the folders are deleted). So ``artifacts remove``
leaves the files as they would be had the artifact never been written, formatting included.

Drift: a part whose file no longer holds what was written is ``edited`` (or ``missing``); compile does
not overwrite it and removal asks for ``force``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.adapters.settings_file import (
    HookEntry,
    make_private_dirs,
    merge_hooks,
    new_problems,
    parse_settings,
    read_settings,
    remove_hooks,
    render,
    write_settings,
)
from reverie.artifacts import block
from reverie.artifacts.model import Artifact, Part, PartKind, Status, digest
from reverie.atomic import write_atomic
from reverie.capture.redact import redact_text
from reverie.errors import ConfigError
from reverie.store.protocol import ArtifactRow, ArtifactStore, FileBaseline

_SCRIPT = re.compile(r"hooks/reverie/[A-Za-z0-9._-]+\.py")
_PLACEHOLDER = re.compile(r"\[REDACTED:(\w+)\]")


@dataclass(frozen=True, slots=True)
class Record:
    """An artifact as written, kept in the registry."""

    artifact: Artifact
    status: Status = Status.ACTIVE
    leads: Mapping[str, str] = field(default_factory=dict)  # block parts: the separator inserted before
    written_at: str = ""

    def to_row(self) -> ArtifactRow:
        body = {"artifact": self.artifact.to_json(), "leads": dict(self.leads), "written_at": self.written_at}
        return ArtifactRow(
            id=self.artifact.id,
            kind=self.artifact.kind.value,
            status=self.status.value,
            root=self.artifact.root,
            body=json.dumps(body, ensure_ascii=False),
        )

    @classmethod
    def from_row(cls, row: ArtifactRow) -> Record:
        body = json.loads(row.body)
        return cls(
            artifact=Artifact.from_json(body["artifact"]),
            status=Status(row.status),
            leads=body.get("leads", {}),
            written_at=body.get("written_at", ""),
        )


# -- drift ------------------------------------------------------------------------------------------


def drift(part: Part) -> str:
    """``ok``, ``edited`` or ``missing``: does the file still hold what was written?"""
    if part.kind is PartKind.SETTINGS:
        return _settings_drift(part)
    text = _read_text(Path(part.path))
    if text is None:
        return "missing"
    now = text if part.kind is PartKind.WHOLE else block.current(text)
    if now is None:
        return "missing"
    return "ok" if digest(now) == part.hash else "edited"


def _settings_drift(part: Part) -> str:
    entries = _entries(part)
    try:
        data = read_settings(Path(part.path)).data
    except ConfigError:
        return "edited"
    given = data.get("hooks")
    hooks: dict[str, Any] = given if isinstance(given, dict) else {}
    ours = _is_ours(entries[0]["handler"])
    found = {
        event: [
            (group.get("matcher"), handler)
            for group in groups
            if isinstance(group, dict) and isinstance(group.get("hooks"), list)
            for handler in group["hooks"]
            if isinstance(handler, dict) and ours(handler)
        ]
        for event, groups in hooks.items()
        if isinstance(groups, list)
    }
    found = {event: handlers for event, handlers in found.items() if handlers}
    if not found:
        return "missing"
    wanted = {entry["event"]: [(entry["matcher"], entry["handler"])] for entry in entries}
    return "ok" if found == wanted else "edited"


def _entries(part: Part) -> list[dict[str, Any]]:
    """The handlers a settings part registers: one per event. Records of earlier versions (one handler
    per lesson's script) hold the entry itself."""
    content = json.loads(part.content)
    return list(content["entries"]) if "entries" in content else [content]


def _is_ours(handler: Mapping[str, Any]) -> Any:
    script = _SCRIPT.search(str(handler.get("command", "")))
    key = script.group(0) if script else str(handler.get("command"))

    def predicate(candidate: Mapping[str, Any]) -> bool:
        return key in str(candidate.get("command", ""))

    return predicate


# -- writing ----------------------------------------------------------------------------------------


def conflicts(artifact: Artifact, previous: Record | None) -> list[str]:
    """Whole files that exist and are not ours: compile will not write over them."""
    ours = {p.path for p in previous.artifact.parts} if previous else set()
    return [
        f"{part.path} exists and was not written by reverie"
        for part in artifact.parts
        if part.kind is PartKind.WHOLE and part.path not in ours and os.path.lexists(part.path)
    ]


def secrets_in(artifact: Artifact) -> list[str]:
    """Each part that would put a secret into a file, as a problem to report: compiled files are
    committed and shared, so the redactor has the last word on them (nothing is written)."""
    found = []
    for part in artifact.parts:
        kinds = secret_kinds(part.content)
        if kinds:
            found.append(f"{part.path} would contain a secret ({', '.join(kinds)}); not written")
    return found


def secret_kinds(text: str) -> list[str]:
    """The kinds of secret that redaction finds in ``text`` (``password``, ``github_token``, ...)."""
    redacted = redact_text(text)
    if redacted is text:
        return []
    already = set(_PLACEHOLDER.findall(text))
    return sorted({kind for kind in _PLACEHOLDER.findall(redacted) if kind not in already} or {"secret"})


def write(store: ArtifactStore, artifact: Artifact, previous: Record | None, now: str) -> Record:
    """Write every part (replacing the previous version's parts in place); returns the record to keep.

    Nothing is written when any part would carry a secret (``secrets_in``): this is the one writer of
    compiled files, so the check here is the one that nothing bypasses."""
    problems = secrets_in(artifact)
    if problems:
        raise ConfigError("; ".join(problems))
    leads = dict(previous.leads) if previous else {}
    for part in artifact.parts:
        if part.kind is PartKind.WHOLE:
            _write_whole(store, part)
        elif part.kind is PartKind.BLOCK:
            lead = _write_block(store, part)
            if lead is not None:
                leads[part.path] = lead
        else:
            _write_handler(store, part)
    kept = {_identity(p) for p in artifact.parts}
    if previous:
        stale = [p for p in previous.artifact.parts if _identity(p) not in kept]
        _remove_parts(store, stale, previous.leads, artifact.id)
    return Record(artifact=artifact, leads=leads, written_at=now)


def _identity(part: Part) -> tuple[str, PartKind, str]:
    """What makes two versions' parts the same part: its file, and for handlers, their script."""
    if part.kind is not PartKind.SETTINGS:
        return (part.path, part.kind, "")
    command = str(_entries(part)[0]["handler"].get("command", ""))
    script = _SCRIPT.search(command)
    return (part.path, part.kind, script.group(0) if script else command)


def _write_whole(store: ArtifactStore, part: Part) -> None:
    path = Path(part.path)
    _note_new_dirs(store, path.parent)
    _atomic_write(path, part.content.encode("utf-8"))


def _write_block(store: ArtifactStore, part: Part) -> str | None:
    """The lead when the block was inserted; None when an existing block was replaced."""
    path = Path(part.path)
    text = _read_text(path)
    if text is not None:
        replaced = block.replace(text, part.content)
        if replaced is not None:
            _atomic_write(path, replaced.encode("utf-8"))
            return None
        if block.has_markers(text):
            raise ConfigError(f"{path}: reverie's block markers are broken or repeated; fix them by hand first")
    store.keep_baseline(FileBaseline(str(path), "file", None if text is None else path.read_bytes()))
    _note_new_dirs(store, path.parent)
    inserted, lead = block.insert(text, part.content)
    _atomic_write(path, inserted.encode("utf-8"))
    return lead


def _write_handler(store: ArtifactStore, part: Part) -> None:
    """Register the script once per event; its handler leaves the events it no longer answers."""
    entries = _entries(part)
    path = Path(part.path)
    settings = read_settings(path)
    wanted = [HookEntry(entry["event"], entry["handler"], entry["matcher"]) for entry in entries]
    merge = merge_hooks(settings.data, wanted, _is_ours(entries[0]["handler"]))
    if settings.exists and not merge.changed:
        return
    introduced, _ = new_problems(settings.data, merge.data, part.schema)
    if introduced:
        raise ConfigError(f"{path}: the hook entries would break the {part.schema} schema: " + "; ".join(introduced))
    store.keep_baseline(FileBaseline(str(path), "file", settings.raw))
    _note_new_dirs(store, path.parent)
    write_settings(settings, render(merge.data, settings.style))


# -- removing ---------------------------------------------------------------------------------------


def remove(store: ArtifactStore, record: Record) -> list[str]:
    """Take every part out of its file; returns what was done, one line per part.

    A block whose markers are broken (a repeated or lone marker line) cannot be found exactly, so
    nothing at all is removed and the error says which file to fix: removing "what looks like it"
    could take the user's text with it, and reporting success while the text stays is worse."""
    return _remove_parts(store, record.artifact.parts, record.leads, record.artifact.id)


def _remove_parts(store: ArtifactStore, parts: Sequence[Part], leads: Mapping[str, str], artifact: str) -> list[str]:
    for part in parts:
        _check_removable(part)
    done = []
    for part in parts:
        if part.kind is PartKind.WHOLE:
            done.append(_remove_whole(part))
        elif part.kind is PartKind.BLOCK:
            done.append(_remove_block(store, part, leads.get(part.path, ""), artifact))
        else:
            done.append(_remove_handler(store, part, artifact))
    _remove_empty_dirs(store)
    return done


def prune_block(part: Part, lesson_ids: Sequence[str]) -> str | None:
    """Take the lines of these lessons out of a block the user edited, leaving the rest of their
    edit; what was done, or None when there was nothing to take out."""
    if part.kind is not PartKind.BLOCK or not lesson_ids:
        return None
    path = Path(part.path)
    text = _read_text(path)
    span = None if text is None else block.find(text)
    if text is None or span is None:
        return None
    inside = text[span.start : span.end]
    pruned = block.without_lessons(inside, lesson_ids)
    if pruned == inside:
        return None
    _atomic_write(path, (text[: span.start] + pruned + text[span.end :]).encode("utf-8"))
    removed = inside.count("\n") - pruned.count("\n")
    return f"took {removed} line(s) of retired lessons out of the hand-edited block in {path}"


def _check_removable(part: Part) -> None:
    if part.kind is not PartKind.BLOCK:
        return
    text = _read_text(Path(part.path))
    if text is not None and block.find(text) is None and block.has_markers(text):
        raise ConfigError(
            f"{part.path}: reverie's block markers are broken or repeated, so the block cannot be found exactly;"
            " nothing was removed. Fix the markers by hand (one begin line, one end line) and run it again."
        )


def _remove_whole(part: Part) -> str:
    try:
        Path(part.path).unlink()
    except FileNotFoundError:
        return f"{part.path}: already gone"
    return f"deleted {part.path}"


def _others_use(store: ArtifactStore, path: str, artifact: str) -> bool:
    for row in store.artifacts(statuses=[Status.ACTIVE.value]):
        if row.id != artifact and any(p.path == path for p in Record.from_row(row).artifact.parts):
            return True
    return False


def _remove_block(store: ArtifactStore, part: Part, lead: str, artifact: str) -> str:
    path = Path(part.path)
    text = _read_text(path)
    if text is None:
        return f"{path}: already gone"
    span = block.find(text)
    remaining = block.remove(text, lead)
    if span is None or remaining is None:
        return f"{path}: its block was already gone"
    lines = text[span.start : span.end].count("\n") + 1
    baseline = store.file_baseline(str(path))
    if not _others_use(store, str(path), artifact) and baseline is not None:
        store.drop_baseline(str(path))
        if baseline.content is None and not remaining:
            path.unlink()
            return f"deleted {path} (it held only reverie's block of {lines} lines)"
    _atomic_write(path, remaining.encode("utf-8"))
    return f"removed reverie's block ({lines} lines) from {path}"


def _remove_handler(store: ArtifactStore, part: Part, artifact: str) -> str:
    entries = _entries(part)
    noun = " hook entry" if len(entries) == 1 else " hook entries"
    events = " and ".join(entry["event"] for entry in entries) + noun
    path = Path(part.path)
    settings = read_settings(path)
    baseline = store.file_baseline(str(path))
    before = parse_settings(baseline.content, path) if baseline and baseline.content is not None else {}
    hooks_before = before.get("hooks")
    had: list[str] = list(hooks_before) if isinstance(hooks_before, dict) else []
    ours = _is_ours(entries[0]["handler"])
    removal = remove_hooks(settings.data, ours, drop_empty_hooks_key="hooks" not in before, keep_empty_events=had)
    if not removal.removed:
        return f"{path}: its {events} {'was' if len(entries) == 1 else 'were'} already gone"
    content: bytes | None = render(removal.data, settings.style)
    if baseline is not None and not _others_use(store, str(path), artifact) and removal.data == before:
        content = baseline.content  # the very bytes the user had, or None: the file did not exist
        store.drop_baseline(str(path))
    write_settings(settings, content)
    return f"removed the {events} from {path}"


def _remove_empty_dirs(store: ArtifactStore) -> None:
    for baseline in store.file_baselines():  # deepest first
        if baseline.kind != "dir":
            continue
        folder = Path(baseline.path)
        try:
            folder.rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            continue  # not empty: something still lives there
        store.drop_baseline(baseline.path)


# -- small file operations --------------------------------------------------------------------------


def _note_new_dirs(store: ArtifactStore, folder: Path) -> None:
    for created in make_private_dirs(folder):
        store.keep_baseline(FileBaseline(str(created), "dir", None))


def _read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it as UTF-8 text ({error})") from error


def _atomic_write(path: Path, content: bytes) -> None:
    # Project files (CLAUDE.md, hooks) keep the mode they have; a new one is readable like any source file.
    write_atomic(path, content, mode=0o644, keep_mode=True, durable=True)
