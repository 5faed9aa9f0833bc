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
"""

from __future__ import annotations

import marshal

from reverie import lean_os
from reverie.atomic import make_private_dir, write_atomic
from reverie.capture import file_stamps
from reverie.recall import lookup

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from reverie.recall.config import Budget
    from reverie.recall.session_state import SessionState

FORMAT = 1
FOLDER = ("cache", "digest")
TTL_SECONDS = 6 * 3600.0


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

    __slots__ = ("key", "path")

    def __init__(self, path: str, key: tuple[object, ...]) -> None:
        self.path = path
        self.key = key

    @classmethod
    def of(
        cls,
        home: str,
        head: lookup.Head,
        tokens: Sequence[str],
        state: SessionState,
        budget: Budget,
        agent: str,
        folder: str,
    ) -> Slot | None:
        """The slot for this session's digest; None when its digest must be built (see the module docstring)."""
        if head.stale or not head.generation or state.shown or state.spent_total:
            return None
        present = tuple(lookup.present_tokens(home, tokens))
        if any(token.startswith("s") for token in present):
            return None  # lessons of this session's own: its digest is its own, not the project's
        name = file_stamps.name_of("\0".join((agent, folder, *present)))
        excluded = tuple(sorted(head.excluded))
        key = (FORMAT, head.generation, present, excluded, tuple(sorted(budget.values.items())), agent, folder)
        return cls(lean_os.join(home, *FOLDER, name + ".bin"), key)

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
