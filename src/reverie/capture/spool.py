"""The spool: one file per captured hook event, written by the hook and drained by ``reverie ingest``.

The hook must finish in a few milliseconds and must never wait on a database that another process
holds, so it does not touch the store: it writes one small JSON file and exits. Each record is
written to a temporary file in the spool folder and renamed into place, so a reader sees either
the whole record or nothing. File names start with the capture time in nanoseconds, so sorting
them sorts the records oldest first; the rest of the name is the record id (random, so two hooks
that fire in the same nanosecond still get two files).

Records that cannot be ingested are moved to ``rejected/`` with a ``.reason`` file beside them:
kept for inspection, never retried forever, never lost.

A record that cannot be written (a full disk, a read-only home) is not lost without trace: the hook
leaves an empty marker ``.dropped-<time>-<agent>-<event>-<session>`` (an empty file needs an inode, not a
data block, so it usually fits where the record did not), and the next ingest counts the markers into
``<home>/capture-drops.json``, which ``reverie stats`` shows. Importing the session's transcript
recovers the events themselves.

Standard library only: this runs inside the capture hook.
"""

from __future__ import annotations

import time

from reverie import lean_os
from reverie.atomic import TEMP_PREFIX, write_atomic
from reverie.atomic import make_private_dir as make_private_dir  # the hook path has long called it here
from reverie.capture import lean_json

TYPE_CHECKING = False  # typing and pathlib cost the hook more than writing the record does
if TYPE_CHECKING:
    import os
    from pathlib import Path
    from typing import Any

RECORD_VERSION = 1
SUFFIX = ".json"
REJECTED = "rejected"
_TEMP_PREFIX = TEMP_PREFIX
DROPPED_PREFIX = ".dropped-"


def new_record_id() -> str:
    """Sortable by capture time, unique across processes."""
    return f"{time.time_ns():020d}-{lean_os.getpid()}-{lean_os.urandom(4).hex()}"


def write_record(spool_dir: str | os.PathLike[str], record: dict[str, Any]) -> str:
    """Write ``record`` (which carries its ``id``) atomically; files 0600, folders 0700."""
    folder = lean_os.fspath(spool_dir)
    make_private_dir(folder)
    final = lean_os.join(folder, f"{record['id']}{SUFFIX}")
    data = lean_json.dumps(record).encode("utf-8", "surrogatepass")  # lone surrogates survive, read back alike
    write_atomic(final, data)
    return final


def note_dropped(spool_dir: str | os.PathLike[str], agent: str, event: str, session_id: object) -> bool:
    """Leave the empty marker of a record that could not be written; False when even that failed."""
    safe = "".join(c for c in str(session_id or "")[:80] if c.isalnum() or c in "-_") or "unknown"
    name = f"{DROPPED_PREFIX}{time.time_ns():020d}-{_word(agent)}-{_word(event)}-{safe}"
    try:
        folder = lean_os.fspath(spool_dir)
        make_private_dir(folder)
        flags = lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_EXCL
        lean_os.close(lean_os.open(lean_os.join(folder, name), flags, 0o600))
    except OSError:
        return False
    return True


def dropped_markers(spool_dir: Path) -> list[tuple[Path, str, str, str]]:
    """(marker, agent, event, session id) of every record the hook could not write, oldest first."""
    from pathlib import Path

    try:
        names = sorted(entry.name for entry in lean_os.scandir(spool_dir) if entry.name.startswith(DROPPED_PREFIX))
    except OSError:
        return []
    found = []
    for name in names:
        parts = name.removeprefix(DROPPED_PREFIX).split("-", 3)
        if len(parts) == 4:
            found.append((Path(spool_dir) / name, parts[1], parts[2], parts[3]))
    return found


def _word(text: str) -> str:
    return "".join(c for c in text[:40] if c.isalnum() or c == "_") or "unknown"


def pending(spool_dir: Path) -> list[Path]:
    """Records waiting to be ingested, oldest first."""
    from pathlib import Path

    spool_dir = Path(spool_dir)
    try:
        names = [entry.name for entry in lean_os.scandir(spool_dir) if entry.is_file() and entry.name.endswith(SUFFIX)]
    except FileNotFoundError:
        return []
    return [spool_dir / name for name in sorted(names) if not name.startswith(_TEMP_PREFIX)]


def record_id(path: Path) -> str:
    return path.name.removesuffix(SUFFIX)


def reject(path: Path, reason: str) -> Path | None:
    """Move a record that cannot be ingested to ``rejected/``, with the reason beside it.

    Returns where it went, or None when another process moved or removed it first.
    """
    folder = path.parent / REJECTED
    make_private_dir(lean_os.fspath(folder))
    target = folder / path.name
    try:
        lean_os.replace(path, target)
    except FileNotFoundError:
        return None
    flags = lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_TRUNC
    with open(lean_os.open(folder / f"{path.name}.reason", flags, 0o600), "w", encoding="utf-8") as file:
        file.write(reason + "\n")
    return target


def remove(path: Path) -> None:
    """Delete an ingested record; another ingest may have deleted it already."""
    _remove_quietly(path)


def _remove_quietly(path: str | os.PathLike[str]) -> None:
    try:  # noqa: SIM105 - contextlib would cost the hook an import
        lean_os.unlink(path)
    except FileNotFoundError:
        pass
