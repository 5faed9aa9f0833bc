"""What a lesson says, with the way it was said taken out: the lexical core that dedupe compares.

People say one thing many ways ("Never Co-Authored-By trailers ok (in all my projects)", "Stop
adding `Co-Authored-By trailers` please in any repo", "Remove `Co-Authored-By trailers`. we do not
want that in any repo."). Three things are separated here:

* the **core**: content words, lower case, crude singular, without scope cues ("in any repo"),
  politeness ("pls", "ok"), filler and the verbs that only carry polarity ("remove", "stop adding");
* the **polarity**: ``-`` when the statement tells the agent not to do something, else ``+``;
* the **code**: spans in backticks and command-like tokens, which must agree exactly, because
  "use `pnpm test`" and "use `pnpm lint`" differ in the one place that matters.

Only lexical evidence: nothing here knows any fixture's wording, and no model is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reverie.domain.lessons import Lesson


def _words(text: str) -> list[str]:
    return text.split()


_WORD = re.compile(r"[a-z0-9][a-z0-9_./:+-]*[a-z0-9]|[a-z0-9]")
_CODE = re.compile(r"`([^`]+)`")

# Words that carry only "don't": the polarity, not the content.
_NEGATIVE_WORDS = frozenset(
    _words("never don't dont not no stop avoid remove drop without quit nope nothing neither nor cannot")
)
_POLARITY_VERBS = frozenset(_words("add adding put putting include including use using want leave keep make"))
# Where the lesson applies is its scope, not its content.
_SCOPE_WORDS = frozenset(
    _words(
        """in this that the project projects repo repos repository repositories codebase codebases every all
        any across everywhere anywhere matter general generally always my our of for here"""
    )
)
_FILLER = frozenset(
    _words(
        """a an and or to it its is are be been i we you me us pls please plz ok okay thx thanks thank just
        these those them they there then so do does did doing done with on at by as from again ever really
        also still even very would should must need"""
    )
)
_STOP = _SCOPE_WORDS | _FILLER | _POLARITY_VERBS | _NEGATIVE_WORDS | {"don", "t", "s"}


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
    text = statement.lower().replace("\u2019", "'")
    text = re.sub(r"^in (this|every) project:\s*", "", text)
    code = frozenset(" ".join(span.split()) for span in _CODE.findall(text) if _looks_like_command(span))
    words = [_singular(word) for word in _WORD.findall(text.replace("`", " "))]
    core = frozenset(word for word in words if word not in _STOP and len(word) > 1)
    return Wording(core=core, polarity=polarity(text), code=code)


def words(text: str) -> frozenset[str]:
    """The words of any text, normalised the way cores are (for "does this sentence mention it")."""
    return frozenset(_singular(word) for word in _WORD.findall(text.lower().replace("`", " ")))


def polarity(text: str) -> str:
    lowered = f" {text.lower()} "
    if re.search(r"\b(?:never|don'?t|do not|no|stop|avoid|remove|drop|without|quit)\b", lowered):
        # "use X, not Y" recommends X: a "not" after a recommendation is a choice, not a prohibition.
        if re.search(r"\b(?:use|prefer|run|switch to)\b[^.]*,?\s+not\b", lowered) and not re.search(
            r"\b(?:never|don'?t|do not|stop|avoid)\b", lowered
        ):
            return "+"
        return "-"
    return "+"


def stance(lesson: Lesson) -> str:
    """The value a lesson takes a side for ("pnpm"), or "" for a free statement, whose ``stance`` is
    only its polarity ("+" / "-")."""
    return lesson.stance if len(lesson.stance) > 1 else ""


def exact(first: Lesson, second: Lesson) -> bool:
    """The same words, up to case, punctuation and the scope prefix: a copy, not a paraphrase."""
    return _plain(first.statement) == _plain(second.statement)


def _plain(text: str) -> str:
    text = re.sub(r"^in (this|every) project:\s*", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _looks_like_command(span: str) -> bool:
    """A backticked span that is a command or path, not an emphasised phrase ("`Co-Authored-By trailers`")."""
    words = span.split()
    if not words:
        return False
    return any(mark in span for mark in "/=_.$") or (len(words) <= 3 and words[0].islower())


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isalpha():
        return word[:-1]
    return word
