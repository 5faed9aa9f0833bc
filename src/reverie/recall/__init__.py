"""Recall: the right lessons reach the agent at the right moment, within a budget.

Context is exposure; memory is selection. Recall decides what an agent sees, when, and how much:

* at **session start**, a compact digest of the active lessons for this project and this user,
  strongest first, phrased as facts with their scope and confidence, under a token budget;
* when the person **submits a prompt**, the few lessons relevant to it;
* **before a tool call**, the lesson whose trigger matches the exact call (the pnpm lesson before
  ``npm test``, the migrations lesson before an edit under ``migrations/``).

The table of contents, hot path first:

* ``hook``          the entry point agents run synchronously (stdlib only, fails open)
* ``inject``        what each hook event answers: digest, prompt lessons, tool-call lessons
* ``lookup``        reads the recall index (``<home>/recall.db``), and guards against a stale one
* ``rank``          relevance (idf-weighted term overlap), trigger strength, confidence, recency
* ``terms``         words to index terms: tokens, a light stemmer, stop words
* ``calls``         what a tool call puts in play: shell command prefixes, paths; glob matching
* ``render``        the injected text, wrapped in the marker that capture recognises
* ``session_state`` per-session memory of what was shown, the turn, the budget spent
* ``wire``          JSON in and out without importing ``json`` (see its docstring for why)
* ``config``        budgets from ``<home>/config.toml`` and the environment
* ``index``         builds the recall index from the lesson store: ``refresh_index(workspace)``
* ``search``        ``reverie recall`` / ``reverie context``: the same ranking, explained
* ``outcomes``      was an injected lesson followed, ignored or contradicted afterwards?
* ``proposals``     lessons and forgets that agents propose (never applied without review)

Nothing is imported here: the hook imports ``reverie.recall.*`` on the agent's critical path. The
library entry point, ``session_start_digest(workspace, cwd=...)``, is imported on first use.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reverie.recall.search import session_start_digest

__all__ = ["session_start_digest"]


def __getattr__(name: str) -> object:
    """The library API, imported on first use so that the hook's ``import reverie.recall.*`` stays free."""
    if name == "session_start_digest":
        from reverie.recall.search import session_start_digest

        return session_start_digest
    raise AttributeError(f"module 'reverie.recall' has no attribute {name!r}")
