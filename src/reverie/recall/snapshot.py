"""The hook's copy of the recall index: one ``marshal`` file per scope, written with the SQLite index.

Measured on the development machine, ``import _sqlite3`` alone costs about 6 ms of CPU (it imports
``functools`` and ``collections`` and loads the SQLite library), two thirds of an interpreter start,
while the hook's whole budget is about one interpreter start. ``marshal`` is built into the
interpreter. So the build that writes ``recall.db`` (SQLite FTS5, for search) also writes, under
``<home>/recall/scopes/``, one file per scope (``g`` for global, one per project, one per session)
holding everything the hook reads about that scope, read in one go:

    <hash>.bin  {"v": 2,
                 "rows": bytes,       # every lesson's tuple (``lookup.IndexRow`` order), marshalled one after
                 "offsets": bytes,    #   another; row n is rows[offsets[n]:offsets[n + 1]] (uint32, native)
                 "masses": [float],   # each row's term mass, to rank text matches before unpacking
                 "keys": {trigger key: [row number, ...]},
                 "buckets": [bytes]}  # the term postings, split by a hash of the term into marshalled
                                      #   {term: (idf over the whole store, row numbers as uint32)}

and ``meta.bin`` (lesson count, the weight of an unseen word, the store's watermark). Loading a file
creates a handful of objects whatever the scope holds: a row is unpacked when a question needs it, and
a prompt unpacks only the term buckets of its own words (a scope of a thousand lessons has thousands of
terms; creating them all cost a prompt more than ranking did). A session reads ``meta.bin``, the
global file and its project's file: its cost follows the lessons in scope, not the store. File names are
a 64-bit FNV-1a hash of the scope token (a project key can be longer than a file name may be); two
scopes that collide share a file and each row carries its token.

The build writes a complete new folder and swaps it in with two renames; a reader in between finds
no folder and injects nothing that once, which is the safe side.
"""

from __future__ import annotations

import marshal
import sys

from reverie import lean_os
from reverie.atomic import make_private_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

FORMAT_VERSION = 2
FOLDER = lean_os.join("recall", "scopes")
META = "meta.bin"
TOKEN_COLUMN = 21  # each row ends with its scope token, after the columns ``IndexRow`` reads
MASS_COLUMN = 19
TERMS_PER_BUCKET = 16  # about this many terms are unpacked for each word of a prompt


def file_name(token: str) -> str:
    """FNV-1a, 64 bits: stable across processes (``hash()`` is salted per process) and import-free (the
    same as ``file_stamps.name_of``, which the hot events do not load)."""
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
    scopes: dict[str, _Building] = {}
    for row, row_keys, row_terms in zip(rows, keys, terms, strict=True):
        scopes.setdefault(file_name(row[TOKEN_COLUMN]), _Building()).add(row, row_keys, row_terms)
    final = lean_os.join(home, FOLDER)
    fresh, old = final + ".new", final + ".old"
    _remove_tree(fresh)
    make_private_dir(lean_os.dirname(fresh))
    lean_os.mkdir(fresh, 0o700)
    for name, building in scopes.items():
        _write_private(lean_os.join(fresh, name), marshal.dumps(building.content(idf)))
    _write_private(lean_os.join(fresh, META), marshal.dumps({"v": FORMAT_VERSION, **meta}))
    _remove_tree(old)
    if lean_os.isdir(final):
        lean_os.replace(final, old)
    lean_os.replace(fresh, final)
    _remove_tree(old)


class _Building:
    """One scope's file while the index is built."""

    def __init__(self) -> None:
        self.rows: list[bytes] = []
        self.masses: list[float] = []
        self.keys: dict[str, list[int]] = {}
        self.postings: dict[str, list[int]] = {}

    def add(self, row: tuple[Any, ...], keys: Iterable[str], terms: Iterable[str]) -> None:
        number = len(self.rows)
        self.rows.append(marshal.dumps(tuple(row)))
        self.masses.append(row[MASS_COLUMN])
        for key in keys:
            self.keys.setdefault(key, []).append(number)
        for term in terms:
            self.postings.setdefault(term, []).append(number)

    def content(self, idf: dict[str, float]) -> dict[str, Any]:
        offsets = [0]
        for packed in self.rows:
            offsets.append(offsets[-1] + len(packed))
        buckets: list[dict[str, tuple[float, bytes]]] = [{} for _ in range(_bucket_count(len(self.postings)))]
        for term, numbers in self.postings.items():
            buckets[bucket_of(term, len(buckets))][term] = (idf[term], pack(numbers))
        return {
            "v": FORMAT_VERSION,
            "order": sys.byteorder,
            "rows": b"".join(self.rows),
            "offsets": pack(offsets),
            "masses": self.masses,
            "keys": self.keys,
            "buckets": [marshal.dumps(bucket) for bucket in buckets],
        }


def _bucket_count(terms: int) -> int:
    count = 1
    while count * TERMS_PER_BUCKET < terms:
        count *= 2
    return count


def bucket_of(term: str, buckets: int) -> int:
    """FNV-1a, 32 bits, of the term: the same in every process."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8", "surrogatepass"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % buckets


def pack(numbers: Iterable[int]) -> bytes:
    """Unsigned 32-bit integers in this machine's order, as ``memoryview.cast("I")`` reads them back."""
    return b"".join(number.to_bytes(4, sys.byteorder) for number in numbers)


def unpack(packed: bytes) -> Sequence[int]:
    return memoryview(packed).cast("I")


class Scope:
    """One scope's file as read: a row is unpacked when asked for, a term's bucket on first use."""

    __slots__ = ("_buckets", "_offsets", "_postings", "_rows", "_unpacked", "count", "keys", "masses", "path", "token")

    def __init__(self, token: str, path: str, content: dict[str, Any]) -> None:
        self.token = token
        self.path = path
        self._rows: bytes = content["rows"]
        self._offsets = unpack(content["offsets"])
        self.count = len(self._offsets) - 1
        self.masses: list[float] = content["masses"]
        self.keys: dict[str, list[int]] = content["keys"]
        self._buckets: list[bytes] = content["buckets"]
        self._unpacked: dict[int, dict[str, tuple[float, bytes]]] = {}
        self._postings: dict[str, tuple[float, bytes] | None] = {}

    def posting(self, term: str) -> tuple[float, bytes] | None:
        """(the term's idf, the numbers of the rows that have it), or None when no row here has it."""
        if term in self._postings:  # a prompt asks for each of its terms more than once
            return self._postings[term]
        number = bucket_of(term, len(self._buckets))
        bucket = self._unpacked.get(number)
        if bucket is None:
            bucket = self._unpacked[number] = marshal.loads(self._buckets[number])
        found = self._postings[term] = bucket.get(term)
        return found

    def row(self, number: int) -> tuple[Any, ...] | None:
        """The row, or None when it belongs to another scope whose name hashed to the same file."""
        row: tuple[Any, ...] = marshal.loads(self._rows[self._offsets[number] : self._offsets[number + 1]])
        return row if row[TOKEN_COLUMN] == self.token else None


def read_meta(home: str) -> dict[str, Any] | None:
    content = _load(lean_os.join(home, FOLDER, META))
    return content if isinstance(content, dict) and content.get("v") == FORMAT_VERSION else None


def read_scope(home: str, token: str) -> Scope | None:
    """The scope's lessons; None when it has none (or its file is unreadable or from another machine)."""
    path = lean_os.join(home, FOLDER, file_name(token))
    content = _load(path)
    if not isinstance(content, dict) or content.get("v") != FORMAT_VERSION or content.get("order") != sys.byteorder:
        return None
    try:
        return Scope(token, path, content)
    except (KeyError, TypeError, ValueError):
        return None  # a file that says it is ours and is not: no index, nothing injected


def _load(path: str) -> object:
    try:
        with open(path, "rb") as file:
            return marshal.loads(file.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError):
        return None  # a file from another Python version or a torn copy: no index, nothing injected


def _write_private(path: str, data: bytes) -> None:
    with open(lean_os.open(path, lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_TRUNC, 0o600), "wb") as file:
        file.write(data)


def _remove_tree(folder: str) -> None:
    if not lean_os.isdir(folder):
        return
    for name in lean_os.listdir(folder):
        lean_os.unlink(lean_os.join(folder, name))
    lean_os.rmdir(folder)
