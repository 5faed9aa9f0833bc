"""Which produced lesson states which labelled one, on real phrasing.

A labelled lesson has the person's exact ``quote`` and a reviewer's clean ``statement``. A produced
lesson can word it in any way, so matching looks at content only, never at sentence shape:

* **tokens**: lower case, code markup dropped, split on anything that is not a letter, digit or one
  of ``. / _ - @ + # = ~ :`` inside a word; words of four letters or more lose a plural, an ``-ing``,
  ``-ed`` or ``-ation`` ending and a final ``e`` (so "linting" meets "lint", "indentation" "indent",
  "spaces" "space");
* **content words**: tokens that are not in ``_FUNCTION_WORDS`` (articles, pronouns, auxiliaries, and
  the words every instruction shares: "use", "always", "never", "please", "project" ...): they carry no
  content, and counting them would reward sentence shape;
* **key words** of a label: the content words of its statement that the person also typed (they are
  in the quote); when that leaves fewer than two (the person said it in other words or in another
  language), the content words of the statement;
* **code tokens**: key words that look like code (one of ``. / _ - @ + # = ~ :``, or written in
  backticks): commands, flags, paths.

A produced statement **matches** a label when it contains at least half of the label's key words (at
least two when the label has two or more: one shared word is weak evidence), and at least one of its
code tokens when it has any (a lesson about ``--force-with-lease`` must name the flag, not only "push").
A label quoted in Chinese or Japanese is also matched by a produced statement in the person's own words:
written without spaces, such text has no words to count, so both are compared as runs of two characters
(``_ideographic_pairs``), and the statement must hold at least half of the quote's pairs (or be a clause
of it: four fifths of its own pairs, six or more, are the quote's).
Negation is not read: "use yarn, not pnpm" matches a label about
pnpm over yarn as well as the right one. That is an honest limit, shown in the audit output
(``unmatched`` and ``matched`` pairs in ``--json``) so that a person can check the pairs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from reverie.evals.corpus import LabelledLesson

_BACKTICKED = re.compile(r"`([^`\n]+)`")
_TOKEN = re.compile(r"[\w][\w./@+#=~:-]*[\w]|[\w]", re.UNICODE)
_CODE_MARK = re.compile(r"[./_@+#=~:-]")
_ENDINGS = ("ation", "ing", "ed")
_FUNCTION_WORDS = frozenset(
    """a an the this that these those it its it's is are was were be been being am do does did done doing
    have has had having i me my mine we us our you your yours he she they them their there here what which who
    whom whose when where why how all any both each few more most other some such no nor not only own same so
    than too very can could will would shall should may might must of at by for with about against between
    into through during before after above below to from up down in out on off over under again further then
    once and but if or because as until while also just please pls dont don't never always use using used
    instead rather project projects repo repos repository code make sure want like need one thing things get
    let lets let's ok okay yes yeah uses""".split()  # noqa: SIM905 (a word list reads better as prose)
)


@dataclass(frozen=True, slots=True)
class Key:
    words: frozenset[str]
    code: frozenset[str]

    @property
    def needed(self) -> int:
        return min(len(self.words), max(2, math.ceil(len(self.words) / 2)))


def stem(token: str) -> str:
    """A light, rule-based stem: plurals, ``-ing``, ``-ed``, ``-ation`` and a final ``e`` go."""
    if len(token) < 4 or not token.isalpha():
        return token
    if token.endswith("ies"):
        token = token[:-3] + "y"
    elif token.endswith("s") and not token.endswith(("ss", "us")):
        token = token[:-1]
    for ending in _ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 3:
            token = token[: -len(ending)]
            break
    token = token[:-1] if token.endswith("e") and len(token) > 3 else token
    return token[:-1] + "y" if token.endswith("i") else token  # "modified" meets "modifying"


def tokens(text: str) -> list[str]:
    text = text.casefold().replace("\u2019", "'")
    return [stem(t) for t in _TOKEN.findall(text)]


def content(text: str) -> set[str]:
    """Content words, stemmed. A hyphenated compound counts whole and by its parts ("no-cheat-control")."""
    words = _TOKEN.findall(text.casefold().replace("\u2019", "'"))
    words += [part for word in words if "-" in word.strip("-") for part in word.split("-") if part]
    found = {(t, stem(t)) for t in words if len(t) > 1 or t.isdigit()}  # "user's" leaves an "s"
    return {stemmed for t, stemmed in found if t not in _FUNCTION_WORDS and stemmed not in _FUNCTION_WORDS}


def _code_like(token: str, backticked: set[str]) -> bool:
    return token in backticked or bool(_CODE_MARK.search(token))


@lru_cache(maxsize=8192)
def key(statement: str, quote: str) -> Key:
    said, kept = content(quote), content(statement)
    words = kept & said
    if len(words) < 2:  # reworded, or said in another language: the reviewer's sentence is the reference
        words = kept or said
    backticked = {t for span in _BACKTICKED.findall(f"{statement} {quote}") for t in tokens(span)}
    return Key(frozenset(words), frozenset(t for t in words if _code_like(t, backticked)))


def label_key(lesson: LabelledLesson) -> Key:
    return key(lesson.statement, lesson.quote)


@lru_cache(maxsize=65536)
def _produced(statement: str) -> frozenset[str]:
    return frozenset(content(statement))


# Han, kana and hangul: scripts written without spaces between words.
_IDEOGRAPHIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_MIN_IDEOGRAPHIC_PAIRS = 3


def _ideographic_pairs(text: str) -> frozenset[str]:
    return frozenset(run[index : index + 2] for run in _IDEOGRAPHIC.findall(text) for index in range(len(run) - 1))


def _restates_in_own_words(produced: str, quote: str) -> bool:
    said, stated = _ideographic_pairs(quote), _ideographic_pairs(produced)
    if len(said) < _MIN_IDEOGRAPHIC_PAIRS or len(stated) < _MIN_IDEOGRAPHIC_PAIRS:
        return False
    shared = len(said & stated)
    return shared >= len(said) / 2 or (len(stated) >= 6 and shared >= 0.8 * len(stated))


def matches(produced: str, lesson: LabelledLesson) -> bool:
    if _restates_in_own_words(produced, lesson.quote):
        return True
    found = _produced(produced)
    wanted = label_key(lesson)
    if not wanted.words or (wanted.code and not wanted.code & found):
        return False
    return len(found & wanted.words) >= wanted.needed
