"""Choices between two things in a sentence: "use X, not Y", "instead of Y, use X", "prefer X over
Y", "we use X", "we switched from Y to X", "X, not Y".

The verb that introduces a choice must open a clause (or follow "always", "just", "please", ...), so
"since we are using the same API there should not be ..." is not read as a choice, and each side is
cut down to the thing named (at most four words, or one code span): "use pnpm instead of npm for
installs" chooses ``pnpm`` over ``npm``.
"""

from __future__ import annotations

import re

MAX_OBJECT_WORDS = 6
_CODE = re.compile(r"`([^`]+)`")
_QUOTED = re.compile(r'"([^"]+)"')
_ANCHOR = r"(?:^|[,;:]\s+|\b(?:always|just|only|please|pls|should|must|to|and|then|so|but|let's|lets)\s+)"
_SPAN = r"(?:`[^`]+`|\"[^\"]+\")"  # a code span or a quoted string
_BARE = r"[\w.+/=:-]+(?:\s[\w.+/=:-]+){0,3}"
_RATHER = r"(?:not|no|rath+er than|instead of|over)"
_BAD = (
    r"(?:(?:does not|doesn't|do not|don't|won't|will not|no longer) work|fails|breaks|is (?:dead|legacy|deprecated|"
    r"broken|gone|wrong|outdated|obsolete|not (?:used|supported)))"
)
_PAIRS = (
    re.compile(
        _ANCHOR + r"(?:use|run|call|it's|it is|(?:we|i) (?:use|like|want)|switch to)\s+"
        r"(?P<x>.+?)\s*,?\s+(?:and\s+)?(?:not|instead of|rath+er than|over)\s+(?P<y>.+)",
        re.I,
    ),
    re.compile(_ANCHOR + r"(?:i )?prefer\s+(?P<x>.+?)\s+(?:over|to|rather than|instead of)\s+(?P<y>.+)", re.I),
    re.compile(r"\b(?:i'd|i would|we'd|we would) rather(?: use)?\s+(?P<x>.+?)\s+(?:to|than|over)\s+(?P<y>.+)", re.I),
    re.compile(
        _ANCHOR
        + r"(?:instead of|rath+er than)\s+(?P<y>.+?)\s*,\s*(?:please\s+)?(?:use|run|call|try|prefer)\s+(?P<x>.+)",
        re.I,
    ),
    re.compile(
        _ANCHOR + r"(?:don'?t|do not|never|stop|no)\s+(?:use|using|run|running|call)\s+(?P<y>.+?)\s*[,;]\s*"
        r"(?:(?:we|i)\s+)?(?:use|run|call)\s+(?P<x>.+)",
        re.I,
    ),
    re.compile(
        r"^(?P<y>" + _SPAN + r"|" + _BARE + r")\s+" + _BAD + r"\b[^;.]*[;,.]\s*(?:(?:we |just )?use|it's|it is|run|"
        r"switch to)\s+(?P<x>.+)",
        re.I,
    ),
    re.compile(
        rf"(?P<x>{_SPAN})(?:\s+(?:please|pls|now|these days|here|instead))*\s*(?:[,;.]|\s-)?\s*{_RATHER}"
        rf"\s+(?P<y>{_SPAN}|{_BARE})",
        re.I,
    ),
    re.compile(r"^(?P<x>" + _BARE + r")\s*(?:please|pls)?\s*(?:[,;.]|\s-)\s*(?:not|no)\s+(?P<y>" + _SPAN + r")", re.I),
    re.compile(
        r"^(?:we|i|the (?:repo|project|codebase|team)|this (?:repo|project|codebase)|it)(?: have|'ve| has)? "
        r"(?:switched|moved|migrated|changed)\s+(?:from\s+(?P<y>.+?)\s+)?to\s+(?P<x>.+)",
        re.I,
    ),
    re.compile(r"^(?:we|i) (?:always |only )?use\s+(?P<x>.+)", re.I),
    re.compile(r"^this (?:repo|repository|project|codebase) uses\s+(?P<x>.+)", re.I),
    re.compile(r"^(?P<x>[\w.+/-]+)\s*(?:,|\s-)?\s+not\s+(?P<y>[\w.+/-]+)(?:[.!]*$|\s*[(,])", re.I),
    re.compile(r"^(?P<x>[^,;]+?)\s+(?:rath+er than|instead of)\s+(?P<y>" + _SPAN + r")", re.I),
)
_RATHER_TAIL = re.compile(
    r"[,;]?\s+(?:(?:not|no more|rather than|instead of)\s+(?P<y>.+)|(?P<gone>" + _SPAN + r")\s+(?:was|is|has been|got)"
    r" (?:removed|dropped|deleted|retired))",
    re.I,
)
# A choice stated only this way is a request for the task at hand unless a cue says it lasts.
_WEAK = re.compile(r"^(?:please\s+)?replace\s+(?P<y>.+?)\s+with\s+(?P<x>.+)", re.I)
_OBJECT_END = re.compile(
    r"\s+(?:for|in|on|when|whenever|here|there|because|since|as|so|to|if|unless|please|anymore|again|"
    r"from|going|ever|everywhere|every|each|this|that|and|but|or|which|with|instead|rather|over|"
    r"last|yesterday|recently|ago|now|later|earlier|already|these|pls|ty|thanks|thx|ok)\b|"
    r"[,.;:!?](?=\s|$)|[()]",
    re.I,
)


def choice(clause: str, *, weak: bool = False) -> tuple[str, str | None] | None:
    """``(preferred, rejected)`` when the clause states a choice; ``rejected`` may be unknown.
    ``weak`` also reads forms that are usually a task ("replace X with Y")."""
    for pattern in (*_PAIRS, _WEAK) if weak else _PAIRS:
        match = pattern.search(clause)
        if match is None:
            continue
        preferred = _object(match.group("x"))
        rejected = _object(match.group("y")) if match.groupdict().get("y") else None
        if rejected is None and (tail := _RATHER_TAIL.search(match.group("x"))):  # "moved to X, no more Y"
            rejected = _object(tail.group("y") or tail.group("gone"))
        if preferred and (rejected is None or (rejected and norm(rejected) != norm(preferred))):
            return preferred, rejected
    return None


def _object(phrase: str) -> str:
    phrase = phrase.strip()
    code = _CODE.match(phrase) or _QUOTED.match(phrase)
    if code:
        return code.group(1).strip()
    phrase = re.sub(r"^(?:always|just|only|please|pls)\s+", "", phrase, flags=re.I)
    phrase = _OBJECT_END.split(phrase, maxsplit=1)[0].strip()
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I).strip(" '\"")
    words = phrase.split()
    return " ".join(words) if 0 < len(words) <= MAX_OBJECT_WORDS else ""


def norm(phrase: str | None) -> str:
    return " ".join((phrase or "").strip("`'\" ").lower().split())
