"""What a lesson says, with the way it was said taken out: the lexical core that dedupe compares.

People say one thing many ways ("Never Co-Authored-By trailers ok (in all my projects)", "Stop
adding `Co-Authored-By trailers` please in any repo", "Remove `Co-Authored-By trailers`. we do not
want that in any repo."). Three things are separated here:

* the **core**: the statement's terms (``reverie.normal``, the normal form distill keys and recall
  indexes by), so without scope cues ("in any repo"), politeness ("pls", "ok"), filler and the
  verbs that only carry polarity ("remove", "stop adding");
* the **polarity**: ``-`` when the statement tells the agent not to do something, else ``+``;
* the **code**: spans in backticks and command-like tokens, which must agree exactly, because
  "use `pnpm test`" and "use `pnpm lint`" differ in the one place that matters.

Only lexical evidence: nothing here knows any fixture's wording, and no model is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reverie import normal
from reverie.domain.lessons import Lesson

_SCOPE_PREFIXES = ("in this project:", "in every project:")


@dataclass(frozen=True, slots=True)
class Wording:
    core: frozenset[str]
    polarity: str  # "+" or "-"
    code: frozenset[str]

    def similarity(self, other: Wording) -> float:
        if not self.core or not other.core:
            return 0.0
        return len(self.core & other.core) / len(self.core | other.core)


def read(lesson: Lesson) -> Wording:
    return read_text(lesson.statement)


@lru_cache(maxsize=65536)
def read_text(statement: str) -> Wording:
    text = _unscoped(statement)
    code = frozenset(" ".join(span.lower().split()) for span in normal.code_spans(text) if _looks_like_command(span))
    core = frozenset(term for term in normal.terms(text) if len(term) > 1)
    return Wording(core=core, polarity=normal.polarity(text), code=code)


def words(text: str) -> frozenset[str]:
    """The terms of any text, normalised the way cores are (for "does this sentence mention it")."""
    return frozenset(normal.terms(text))


def stance(lesson: Lesson) -> str:
    """The value a lesson takes a side for ("pnpm"), or "" for a free statement, whose ``stance`` is
    only its polarity ("+" / "-")."""
    return lesson.stance if len(lesson.stance) > 1 else ""


def exact(first: Lesson, second: Lesson) -> bool:
    """The same words, up to case, punctuation and the scope prefix: a copy, not a paraphrase."""
    return _plain(first.statement) == _plain(second.statement)


def _plain(text: str) -> str:
    return " ".join(normal.words(_unscoped(text)))


def _unscoped(statement: str) -> str:
    lowered = statement.strip().lower()
    for prefix in _SCOPE_PREFIXES:
        if lowered.startswith(prefix):
            return statement.strip()[len(prefix) :]
    return statement


def _looks_like_command(span: str) -> bool:
    """A backticked span that is a command or path, not an emphasised phrase ("`Co-Authored-By trailers`")."""
    words = span.split()
    if not words:
        return False
    return any(mark in span for mark in "/=_.$") or (len(words) <= 3 and words[0].islower())
