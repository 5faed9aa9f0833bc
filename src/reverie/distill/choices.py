"""A choice between two things in a sentence, as the key of a lesson: "use X, not Y", "X instead of Y",
"prefer X to Y", "`X`, not `Y`".

Whether the sentence is an instruction at all is the reading model's decision; a choice only names
what the lesson is about, so that a later "use Y, not X" is recognised as contradicting it. The
grammar is the bare one of a contrast (a verb of choosing, or none, then the chosen thing, then a
negation or "instead of" and the rejected one), and each side is cut down to the thing named (at
most six words, or one code span): "use pnpm instead of npm for installs" chooses ``pnpm`` over
``npm``.
"""

from __future__ import annotations

import re

from reverie.distill import cues

MAX_OBJECT_WORDS = 6
_CODE = re.compile(r"`([^`]+)`")
_QUOTED = re.compile(r'"([^"]+)"')
_ANCHOR = r"(?:^|[,;:]\s+|\b(?:always|just|only|to|and|then|so|but)\s+)"
_SPAN = r"(?:`[^`]+`|\"[^\"]+\")"  # a code span or a quoted string
_BARE = r"[\w.+/=:-]+(?:\s[\w.+/=:-]+){0,3}"
_NOT = r"(?:not|instead of|rather than|over|(?:do not|don'?t|never) use)"  # "use X, do not use Y"
_PAIRS = (
    # "use X, not Y", "to X rather than Y", "we use X instead of Y"
    re.compile(_ANCHOR + r"(?:(?:we |i )?use|run|call|prefer)\s+(?P<x>.+?)\s*,?\s+" + _NOT + r"\s+(?P<y>.+)", re.I),
    re.compile(_ANCHOR + r"prefer\s+(?P<x>.+?)\s+to\s+(?P<y>.+)", re.I),
    # "instead of Y, use X"
    re.compile(r"^(?:instead of|rather than)\s+(?P<y>.+?)\s*,\s*(?:use|run|call)\s+(?P<x>.+)", re.I),
    # "don't use Y, use X"
    re.compile(
        r"^(?:don'?t|do not|never)\s+(?:use|run|call)\s+(?P<y>.+?)\s*[,;]\s*(?:(?:we|i)\s+)?"
        r"(?:(?:just|simply|always)\s+)?(?:use|run|call)\s+(?P<x>.+)",
        re.I,
    ),
    # "don't use `Y` use X": a code span ends the refused side even without a comma
    re.compile(r"^(?:don'?t|do not|never)\s+(?:use|run|call)\s+(?P<y>`[^`]+`)\s*(?:use|run|call)\s+(?P<x>.+)", re.I),
    # "we moved from Y to X", "switched over from Y to X"
    re.compile(r"\b(?:moved|switched|migrated|changed|went)(?: over)?\s+from\s+(?P<y>.+?)\s+to\s+(?P<x>.+)", re.I),
    # "we moved to X rather than Y"
    re.compile(r"\bto\s+(?P<x>.+?)\s+(?:rather than|instead of)\s+(?P<y>.+)", re.I),
    # "`X`, not `Y`", "`X` instead of npm"
    re.compile(rf"(?P<x>{_SPAN})\s*(?:[,;.]|\s-)?\s*{_NOT}\s+(?P<y>{_SPAN}|{_BARE})", re.I),
    # "python3, not python"
    re.compile(r"^(?P<x>[\w.+/-]+)\s*(?:,|\s-)?\s+not\s+(?P<y>[\w.+/-]+)(?:[.!]*$|\s*[(,])", re.I),
    # "X rather than `Y`"
    re.compile(r"^(?P<x>[^,;]+?)\s+(?:rather than|instead of)\s+(?P<y>" + _SPAN + r")", re.I),
)
# Where the name of a thing ends: a preposition, a conjunction, a pointer, punctuation.
_OBJECT_END = re.compile(
    r"\s+(?:for|in|on|at|when|whenever|here|there|because|since|as|so|to|if|unless|please|from|this|that|and|but|"
    r"or|which|with|instead|rather|over|now)\b|[,.;:!?](?=\s|$)|[()]",
    re.I,
)


def choice(clause: str) -> tuple[str, str | None] | None:
    """``(preferred, rejected)`` when the clause states a choice between two things."""
    for pattern in _PAIRS:
        match = pattern.search(clause)
        if match is None:
            continue
        preferred, rejected = _object(_instrument(match.group("x"))), _object(match.group("y"))
        if preferred and rejected and norm(rejected) != norm(preferred) and not _function_word(preferred):
            return preferred, rejected
    return None


# "run the tests with pypy3 instead of python3": what is chosen is the instrument, not the work it does
_WITH = re.compile(r"^(?!`)[^`]*?\s(?:with|using|via|through)\s+(?=\S)", re.I)


def _instrument(phrase: str) -> str:
    found = _WITH.match(phrase)
    return phrase[found.end() :] if found else phrase


def _function_word(phrase: str) -> bool:
    """ "do not fabricate", "is not needed": a negated verb, not a thing chosen over another."""
    return phrase.lower() in cues.NOT_VERBS


def _object(phrase: str) -> str:
    phrase = phrase.strip()
    code = _CODE.match(phrase) or _QUOTED.match(phrase)
    if code:
        return code.group(1).strip()
    phrase = re.sub(r"^(?:always|just|only)\s+", "", phrase, flags=re.I)
    phrase = _OBJECT_END.split(phrase, maxsplit=1)[0].strip()
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I).strip(" '\"")
    words = phrase.split()
    return " ".join(words) if 0 < len(words) <= MAX_OBJECT_WORDS else ""


def norm(phrase: str | None) -> str:
    return " ".join((phrase or "").strip("`'\" ").lower().split())
