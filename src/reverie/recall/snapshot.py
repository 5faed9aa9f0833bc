"""The hook's copy of the recall index: one small ``marshal`` file per scope, written with the SQLite index.

Measured on the development machine, ``import _sqlite3`` alone costs about 6 ms of CPU (it imports
``functools`` and ``collections`` and loads the SQLite library), two thirds of an interpreter start,
while the hook's whole budget is about one interpreter start. ``marshal`` is built into the
interpreter and loads a few hundred lessons in well under a millisecond. So the build that writes
``recall.db`` (SQLite FTS5, for search) also writes, under ``<home>/recall/scopes/``, one file per
scope (``g`` for global, one per project, one per session) holding exactly what the hook reads:

    <hash>.bin        {"v": 1,
                       "rows": [marshal.dumps(row), ...],   # each lesson as a tuple in ``lookup.IndexRow``
                                                            # order, packed until a reader looks at it
                       "masses": [each row's term mass, ...],   # to rank text matches before unpacking
                       "keys": {trigger key: [row number, ...]}}
    <hash>.bin.terms  {index term: (idf over the whole store, row numbers as 4-byte little-endian ints)}

and ``meta.bin`` (lesson count, the weight of an unseen word, the store's watermark). A session reads
``meta.bin``, the global file and its project's file: its cost follows the lessons in scope, not the
store. File names are a 64-bit FNV-1a hash of the scope token (a project key can be longer than a file
name may be); two scopes that collide share a file and each row carries its token.

The build writes a complete new folder and swaps it in with two renames; a reader in between finds
no folder and injects nothing that once, which is the safe side.
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

FORMAT_VERSION = 1
FOLDER = os.path.join("recall", "scopes")
META = "meta.bin"
TERMS = ".terms"  # beside each scope file: its term postings, read only for prompts
TOKEN_COLUMN = 21  # each row ends with its scope token, after the columns ``IndexRow`` reads
MASS_COLUMN = 19


def file_name(token: str) -> str:
    """FNV-1a, 64 bits: stable across processes (``hash()`` is salted per process) and import-free."""
    value = 0xCBF29CE484222325
    for byte in token.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}.bin"


def write(
    home: str,
    rows: Sequence[tuple[Any, ...]],
    keys: Sequence[Iterable[str]],
    terms: Sequence[Iterable[str]],
    idf: dict[str, float],
    meta: dict[str, object],
) -> None:
    """Write every scope's file and ``meta.bin`` into a new folder, then swap it in."""
    files: dict[str, dict[str, Any]] = {}
    postings: dict[str, dict[str, list[int]]] = {}
    for row, row_keys, row_terms in zip(rows, keys, terms, strict=True):
        name = file_name(row[TOKEN_COLUMN])
        content = files.setdefault(name, {"v": FORMAT_VERSION, "rows": [], "masses": [], "keys": {}})
        number = len(content["rows"])
        content["rows"].append(marshal.dumps(tuple(row)))
        content["masses"].append(row[MASS_COLUMN])
        for key in row_keys:
            content["keys"].setdefault(key, []).append(number)
        for term in row_terms:
            postings.setdefault(name, {}).setdefault(term, []).append(number)
    final = os.path.join(home, FOLDER)
    fresh, old = final + ".new", final + ".old"
    _remove_tree(fresh)
    os.makedirs(os.path.dirname(fresh), mode=0o700, exist_ok=True)  # makedirs gives parents 0777 & ~umask
    os.makedirs(fresh, mode=0o700)
    for name, content in files.items():
        _write_private(os.path.join(fresh, name), marshal.dumps(content))
        by_term = {term: (idf[term], pack(numbers)) for term, numbers in postings.get(name, {}).items()}
        _write_private(os.path.join(fresh, name + TERMS), marshal.dumps(by_term))
    _write_private(os.path.join(fresh, META), marshal.dumps({"v": FORMAT_VERSION, **meta}))
    _remove_tree(old)
    if os.path.isdir(final):
        os.replace(final, old)
    os.replace(fresh, final)
    _remove_tree(old)


def pack(numbers: Iterable[int]) -> bytes:
    return b"".join(number.to_bytes(4, "little") for number in numbers)


def unpack(packed: bytes) -> list[int]:
    return [int.from_bytes(packed[i : i + 4], "little") for i in range(0, len(packed), 4)]


class Scope:
    """One scope's file as read: rows stay packed until asked for, terms are read on first use."""

    __slots__ = ("_terms", "keys", "masses", "packed_rows", "path", "token")

    def __init__(self, token: str, path: str, content: dict[str, Any]) -> None:
        self.token = token
        self.path = path
        self.packed_rows: list[bytes] = content["rows"]
        self.masses: list[float] = content["masses"]
        self.keys: dict[str, list[int]] = content["keys"]
        self._terms: dict[str, tuple[float, bytes]] | None = None

    @property
    def terms(self) -> dict[str, tuple[float, bytes]]:
        if self._terms is None:
            loaded = _load(self.path + TERMS)
            self._terms = loaded if isinstance(loaded, dict) else {}
        return self._terms

    def row(self, number: int) -> tuple[Any, ...] | None:
        """The row, or None when it belongs to another scope whose name hashed to the same file."""
        row: tuple[Any, ...] = marshal.loads(self.packed_rows[number])
        return row if row[TOKEN_COLUMN] == self.token else None


def read_meta(home: str) -> dict[str, Any] | None:
    content = _load(os.path.join(home, FOLDER, META))
    return content if isinstance(content, dict) and content.get("v") == FORMAT_VERSION else None


def read_scope(home: str, token: str) -> Scope | None:
    """The scope's lessons; None when it has none (or its file is unreadable)."""
    path = os.path.join(home, FOLDER, file_name(token))
    content = _load(path)
    if not isinstance(content, dict) or content.get("v") != FORMAT_VERSION:
        return None
    return Scope(token, path, content)


def _load(path: str) -> object:
    try:
        with open(path, "rb") as file:
            return marshal.loads(file.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError):
        return None  # a file from another Python version or a torn copy: no index, nothing injected


def _write_private(path: str, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _remove_tree(folder: str) -> None:
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        os.unlink(os.path.join(folder, name))
    os.rmdir(folder)
