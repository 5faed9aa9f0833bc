"""The recall index as one session sees it: the lessons of its scopes, read from the snapshot.

``open_index(home, tokens)`` loads the snapshot files of the scopes that apply (global, the project,
the session; see ``snapshot``) and answers the three questions the hook asks: every lesson in scope
(the digest), the lessons with some trigger keys (a tool call), the lessons sharing some terms (a
prompt).

**The stale-index guard.** The index is rebuilt whenever lessons change, but a rebuild can be late or
missed (a crash, a tool that wrote lessons without refreshing). Showing a retired or quarantined lesson
would be a real harm, so the reader also checks the lesson store for lesson versions written after the
index was built: lesson versions are append-only, so "after" is one ``rowid`` comparison, read-only.
Lessons whose newest version is no longer active are left out, and ``stale`` tells the caller to
start a rebuild; a lesson that became active since is not shown until then (a miss, never a harm).
That check needs SQLite, which costs the hook two thirds of an interpreter start to import, so it
runs only when the store's files changed since the last check (their sizes and times are compared);
its answer is kept in ``<home>/recall/checked.bin`` for the calls that follow.
"""

from __future__ import annotations

import marshal

from reverie import lean_os
from reverie.atomic import write_atomic
from reverie.recall import snapshot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

MAX_TRIGGER_CANDIDATES = 64
MAX_TEXT_CANDIDATES = 48
CHECKED_FILE = lean_os.join("recall", "checked.bin")


def scope_token(scope: str, project: str = "", session: str = "") -> str:
    """One word per scope: ``g``, ``p<hex of the project key>``, ``s<hex of the session id>``."""
    if scope == "session":
        return "s" + session.encode("utf-8").hex()
    if scope == "project":
        return "p" + project.encode("utf-8").hex()
    return "g"


def scope_tokens(project: str | None, session: str | None) -> list[str]:
    """The scopes that apply to a session of ``project``."""
    tokens = ["g"]
    if project:
        tokens.append(scope_token("project", project=project))
    if session:
        tokens.append(scope_token("session", session=session))
    return tokens


class IndexRow:
    """One lesson as the index keeps it (the column order of ``store.recall_index`` and ``snapshot``)."""

    __slots__ = (
        "agent",
        "commands",
        "confidence",
        "digest_weight",
        "id",
        "keywords",
        "kind",
        "level",
        "mass",
        "newest",
        "num",
        "paths",
        "project",
        "scope",
        "session",
        "sessions",
        "stance",
        "statement",
        "terms",
        "tools",
        "valid_to",
    )

    def __init__(self, row: Sequence[Any]) -> None:
        self.num: int = row[0]
        self.id: str = row[1]
        self.statement: str = row[2]
        self.kind: str = row[3]
        self.level: str = row[4]
        self.scope: str = row[5]
        self.project: str = row[6]
        self.session: str = row[7]
        self.agent: str = row[8]
        self.confidence: float = row[9]
        self.sessions: int = row[10]
        self.newest: float = row[11]
        self.valid_to: float = row[12]
        self.stance: str = row[13]
        self.commands: list[str] = _items(row[14])
        self.paths: list[str] = _items(row[15])
        self.tools: list[str] = _items(row[16])
        self.keywords: list[str] = _items(row[17])
        self.terms: list[str] = row[18].split()
        self.mass: float = row[19]
        self.digest_weight: float = row[20]

    def where(self) -> str:
        """The scope in words: ``all projects``, ``project github.com/o/r``, ``this session``."""
        if self.scope == "session":
            return "this session"
        return f"project {self.project}" if self.scope == "project" else "all projects"


class RecallIndex:
    """The lessons of some scopes. ``excluded``: ids the stale guard took out; ``stale``: rebuild due.

    Rows are unpacked only when a question needs them, so a tool call in a session with a thousand
    lessons in scope costs a few dictionary lookups and the candidates it finds."""

    def __init__(self, meta: dict[str, Any], scopes: Sequence[snapshot.Scope]) -> None:
        self.meta = meta
        self.scopes = list(scopes)
        self.excluded: frozenset[str] = frozenset()
        self.stale = False
        self._rows: dict[tuple[int, int], IndexRow | None] = {}

    @property
    def lesson_count(self) -> int:
        return int(self.meta.get("lessons", 0))

    @property
    def unseen_weight(self) -> float:
        """The idf of a word that no lesson has."""
        return float(self.meta.get("unseen_idf", 1.0))

    def compiled_for(self, lesson_id: str) -> list[str]:
        """The agents that already load this lesson as a rule (see ``index.compiled_rules``)."""
        compiled = self.meta.get("compiled")
        agents = compiled.get(lesson_id) if isinstance(compiled, dict) else None
        return agents if isinstance(agents, list) else []

    def in_scope(self) -> list[IndexRow]:
        return self._kept((s, n) for s, scope in enumerate(self.scopes) for n in range(scope.count))

    def by_trigger(self, keys: Iterable[str]) -> list[IndexRow]:
        """Lessons with any of these trigger keys (``c:npm``, ``p:migrations`` ...), most confident first."""
        wanted = list(keys)
        found = self._kept(
            (s, n) for s, scope in enumerate(self.scopes) for key in wanted for n in scope.keys.get(key, ())
        )
        return sorted(found, key=lambda row: (-row.confidence, row.id))[:MAX_TRIGGER_CANDIDATES]

    def by_text(self, query: Sequence[str], limit: int = MAX_TEXT_CANDIDATES) -> list[IndexRow]:
        """The ``limit`` lessons most relevant to the query (``rank.cosine`` over idf-weighted terms),
        ranked from the postings and the stored masses before any row is unpacked: term-at-a-time
        scoring, as a search engine does it. Sums per row in a list and the cosine written out (the
        same arithmetic as ``cosine``, in the same order, so the same ranking and the same ties), because
        at a thousand lessons in scope a function call or a dictionary update per posting was most of
        what a prompt cost."""
        query_mass = sum(self.weights(query).get(term, self.unseen_weight) for term in query)
        scored: list[tuple[float, int, int]] = []  # (-cosine, order of first match, scope)
        places: list[tuple[int, int]] = []
        for s, scope in enumerate(self.scopes):
            shared = [0.0] * scope.count
            found: list[int] = []
            for term in query:
                entry = scope.posting(term)
                if entry is None:
                    continue
                weight = entry[0]
                for n in snapshot.unpack(entry[1]):
                    if not shared[n]:
                        found.append(n)
                    shared[n] += weight
            masses = scope.masses
            base = len(places)
            places.extend((s, n) for n in found)
            if query_mass > 0:
                scored.extend(
                    (-min(1.0, shared[n] / float((query_mass * m) ** 0.5)) if (m := masses[n]) > 0 else 0.0, at, s)
                    for at, n in enumerate(found, base)
                )
            else:
                scored.extend((0.0, base + i, s) for i in range(len(found)))
        scored.sort()
        return self._kept(places[order] for _, order, _ in scored[:limit])

    def weights(self, query: Iterable[str]) -> dict[str, float]:
        """The idf of each query term that some lesson in scope has."""
        found: dict[str, float] = {}
        for term in query:
            for scope in self.scopes:
                entry = scope.posting(term)
                if entry is not None:
                    found[term] = entry[0]
        return found

    def _kept(self, places: Iterable[tuple[int, int]]) -> list[IndexRow]:
        rows = []
        for place in dict.fromkeys(places):
            if place not in self._rows:
                raw = self.scopes[place[0]].row(place[1])
                self._rows[place] = IndexRow(raw) if raw is not None else None
            row = self._rows[place]
            if row is not None and row.id not in self.excluded:
                rows.append(row)
        return rows


class Head:
    """What the index says before any scope is read: its ``meta.bin`` and the stale guard's answer.
    Enough to key a cached answer by (``digest_cache``)."""

    __slots__ = ("excluded", "meta", "stale")

    def __init__(self, meta: dict[str, Any], excluded: frozenset[str], stale: bool) -> None:
        self.meta = meta
        self.excluded = excluded
        self.stale = stale

    @property
    def generation(self) -> str:
        """Different for every build of the index (``index.refresh_index``)."""
        return str(self.meta.get("generation", ""))


def read_head(home: str) -> Head | None:
    """The index's meta and the stale guard's answer; None when there is no index yet."""
    meta = snapshot.read_meta(home)
    if meta is None:
        return None
    return Head(meta, *_guard(home, meta))


def present_tokens(home: str, tokens: Sequence[str]) -> list[str]:
    """The scopes among ``tokens`` that have a file (a session has one only with lessons of its own)."""
    return [token for token in tokens if lean_os.exists(lean_os.join(home, snapshot.FOLDER, snapshot.file_name(token)))]


def open_index(home: str, tokens: Sequence[str], head: Head | None = None) -> RecallIndex | None:
    """The lessons of these scopes, guarded against staleness; None when there is no index yet."""
    head = head or read_head(home)
    if head is None:
        return None
    scopes = [scope for token in tokens if (scope := snapshot.read_scope(home, token)) is not None]
    index = RecallIndex(head.meta, scopes)
    index.excluded, index.stale = head.excluded, head.stale
    return index


def cosine(shared_weight: float, query_mass: float, lesson_mass: float) -> float:
    """How much of both the query and the lesson the shared terms are (idf-weighted), in [0, 1]."""
    if shared_weight <= 0 or query_mass <= 0 or lesson_mass <= 0:
        return 0.0
    return min(1.0, shared_weight / float((query_mass * lesson_mass) ** 0.5))


def _guard(home: str, meta: dict[str, Any]) -> tuple[frozenset[str], bool]:
    source, watermark = str(meta.get("source", "")), meta.get("watermark")
    if not source or not isinstance(watermark, int):
        return frozenset(), False
    stamp = _stamp(source)
    if stamp is None:
        return frozenset(), False
    checked_path = lean_os.join(home, CHECKED_FILE)
    checked = _load(checked_path)
    if isinstance(checked, dict) and checked.get("stamp") == stamp and checked.get("watermark") == watermark:
        return frozenset(checked.get("excluded", ())), bool(checked.get("stale"))
    # Imported here, not above: only a store written since the last check pays for the read.
    from reverie.store.lesson_changes import changed_since

    excluded, stale = changed_since(source, watermark)
    try:
        record = {"stamp": stamp, "watermark": watermark, "excluded": sorted(excluded), "stale": stale}
        write_atomic(checked_path, marshal.dumps(record))
    except OSError:
        pass  # the next call checks again
    return excluded, stale


def _stamp(path: str) -> list[int] | None:
    """Sizes and modification times of the store and its write-ahead log: any write changes them."""
    stamp: list[int] = []
    for name in (path, path + "-wal"):
        try:
            info = lean_os.stat(name)
        except FileNotFoundError:
            if name == path:
                return None
            stamp.extend((0, 0))
            continue
        stamp.extend((info.st_size, info.st_mtime_ns))
    return stamp


def _load(path: str) -> object:
    try:
        with open(path, "rb") as file:
            return marshal.loads(file.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _items(column: str) -> list[str]:
    return column.split("\n") if column else []
