"""A fresh session's digest, kept per project folder and agent while nothing it was built from changed.

Every new session in a project asks for the same session-start digest: the same lessons in scope,
ranked the same way, checked against the same workspace. Building it unpacks every lesson in scope
(a thousand at 10,000 lessons), checks their premises against the Makefile, ``package.json``, lockfiles
and the paths they name, and rates and renders them: three interpreter starts of work to print what the
previous session printed. So the answer is kept in ``<home>/cache/digest/<hash>.bin`` (one file per
project folder, agent and set of scopes) and used again only when all of this still holds:

* the **key**: the index build (``generation``: every rebuild after a lesson changes makes a new one),
  the scopes that have lessons, what the stale guard took out, the budget, the agent, the project folder;
* the **workspace**: a stamp of every path the premise checks looked at (``file_stamps``): a Makefile
  edited, a named path deleted or created, a lockfile replaced, each make the digest be built afresh;
* **time**: until the first lesson in scope expires, and at most ``TTL_SECONDS`` (recency moves scores
  by at most 0.05% in six hours: only near-ties could be ordered otherwise);
* a **fresh** session: nothing shown yet and nothing spent (``startup``, ``clear``, ``compact``) and no
  lessons scoped to the session itself; a resumed session's digest depends on what it has seen and is
  always built.

A stale index (lessons changed since the build) is never cached: its rebuild is on the way. Written
atomically, 0600: it holds lesson text, as the index does.

**Built ahead.** A new index build (after every distill that changed a lesson) makes every kept digest
old, so the first session after it would pay for the whole digest again. ``prewarm``, run by the build
(``index.refresh_index``, in the background after a session ends), builds again each digest kept in the
last ``PREWARM_DAYS`` days, for the same folder, agent, budget and scopes, as a fresh session would;
older ones are removed.
"""

from __future__ import annotations

import marshal
import time

from reverie import lean_os
from reverie.atomic import make_private_dir, write_atomic
from reverie.capture import file_stamps
from reverie.recall import config, inject, lookup
from reverie.recall import session_state as states

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


FORMAT = 2  # 2: the key holds the search path
FOLDER = ("cache", "digest")
TTL_SECONDS = 6 * 3600.0
PREWARM_DAYS = 7


class Kept:
    """A digest as it was shown: its text, the lessons in it, what they cost, the unmet premises."""

    __slots__ = ("shown", "text", "tokens", "unmet")

    def __init__(self, text: str, shown: list[str], tokens: int, unmet: dict[str, str]) -> None:
        self.text = text
        self.shown = shown
        self.tokens = tokens
        self.unmet = unmet


class Slot:
    """Where one session's digest is kept, and the key it must match."""

    __slots__ = ("key", "path", "scopes")

    def __init__(self, path: str, key: tuple[object, ...], scopes: list[str]) -> None:
        self.path = path
        self.key = key
        self.scopes = scopes  # the scopes a session of this project asks for, but its own

    @classmethod
    def of(
        cls,
        home: str,
        head: lookup.Head,
        tokens: Sequence[str],
        state: states.SessionState,
        budget: config.Budget,
        agent: str,
        folder: str,
        search_path: str,
    ) -> Slot | None:
        """The slot for this session's digest; None when its digest must be built (see the module docstring)."""
        if head.stale or not head.generation or state.shown or state.spent_total:
            return None
        present = tuple(lookup.present_tokens(home, tokens))
        if any(token.startswith("s") for token in present):
            return None  # lessons of this session's own: its digest is its own, not the project's
        name = file_stamps.name_of("\0".join((agent, folder, *present)))
        excluded = tuple(sorted(head.excluded))
        # the search path too: where a program said missing may have appeared (``premises``)
        key = (
            FORMAT,
            head.generation,
            present,
            excluded,
            tuple(sorted(budget.values.items())),
            agent,
            folder,
            search_path,
        )
        scopes = [token for token in tokens if not token.startswith("s")]
        return cls(lean_os.join(home, *FOLDER, name + ".bin"), key, scopes)

    def load(self, now: float) -> Kept | None:
        try:
            with open(self.path, "rb") as file:
                cached = marshal.loads(file.read())
            if not (isinstance(cached, dict) and cached.get("key") == self.key and now < cached["until"]):
                return None
            if not file_stamps.holds(cached["stamps"]):
                return None
            return Kept(cached["text"], list(cached["shown"]), int(cached["tokens"]), dict(cached["unmet"]))
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            return None

    def store(self, now: float, stamps: file_stamps.Stamps, kept: Kept, rows: Sequence[lookup.IndexRow]) -> None:
        """Keep the digest, unless a file it read changed too recently to be told apart from a later change."""
        listed = stamps.listed()
        if not file_stamps.settled(listed, now):
            return
        until = min([now + TTL_SECONDS, *(row.valid_to for row in rows if row.valid_to and row.valid_to > now)])
        record = {
            "key": self.key,
            "scopes": self.scopes,
            "until": until,
            "stamps": listed,
            "text": kept.text,
            "shown": kept.shown,
            "tokens": kept.tokens,
            "unmet": kept.unmet,
        }
        try:
            make_private_dir(lean_os.dirname(self.path))
            write_atomic(self.path, marshal.dumps(record))
        except OSError:
            pass  # a read-only home: built afresh next time


def answer(
    home: str,
    head: lookup.Head,
    tokens: list[str],
    state: states.SessionState,
    budget: config.Budget,
    agent: str,
    folder: str,
    now: float | None = None,
    search_path: str | None = None,
) -> tuple[str, list[str]]:
    """The session-start digest and the lessons in it, kept or built; the state learns what was shown
    and which premises failed, as with a digest built here. ``search_path``: the PATH programs are found
    on (the process's when None)."""
    now = time.time() if now is None else now
    if search_path is None:
        search_path = lean_os.getenv("PATH") or ""
    slot = Slot.of(home, head, tokens, state, budget, agent, folder, search_path)
    kept = slot.load(now) if slot is not None else None
    if kept is not None:
        state.unmet = kept.unmet
        if kept.shown:
            state.mark_shown(kept.shown, states.DIGEST, kept.tokens)
        return kept.text, kept.shown
    index = lookup.open_index(home, tokens, head)
    if index is None:
        return "", []
    stamps = file_stamps.Stamps() if slot is not None else None
    inject.check_premises(index, state, folder, stamps, search_path.split(lean_os.pathsep))
    result = inject.digest(index, state, budget, agent, now)
    shown = inject.lesson_ids(result.shown)
    if slot is not None and stamps is not None:
        spent = sum(hit.tokens for hit in result.shown)
        slot.store(now, stamps, Kept(result.text, shown, spent, dict(state.unmet)), index.in_scope())
    return result.text, shown


def prewarm(home: str) -> int:
    """After an index build: build each digest kept in the last ``PREWARM_DAYS`` days again, as the next
    fresh session of its folder would; remove older ones. Returns how many were built."""
    folder = lean_os.join(home, *FOLDER)
    try:
        names = sorted(lean_os.listdir(folder))
    except OSError:
        return 0
    head = lookup.read_head(home)
    if head is None or head.stale or not head.generation:
        return 0
    now, built = time.time(), 0
    for name in names:
        path = lean_os.join(folder, name)
        try:
            recent = now - lean_os.getmtime(path) < PREWARM_DAYS * 86_400
            with open(path, "rb") as file:
                cached = marshal.loads(file.read())
            _, _, _, _, budget, agent, where, search_path = cached["key"]
            scopes = [str(token) for token in cached["scopes"]]
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            recent = False
        if not recent:
            _remove(path)
            continue
        state, budget_now = states.SessionState(None), config.Budget(dict(budget))
        answer(home, head, scopes, state, budget_now, str(agent), str(where), now, str(search_path))
        built += 1
    return built


def _remove(path: str) -> None:
    try:  # noqa: SIM105 - contextlib would cost the hook an import
        lean_os.unlink(path)
    except OSError:
        pass
