"""The sentences a person wrote in one turn, without what they pasted.

Pasted material (fenced code, ``>`` quotes, indented blocks, log and traceback lines, table rows,
lines without two letters in a row) is someone else's text: a person pastes an error to show it,
not to be told it. What is left is split into sentences, and a sentence into clauses before a new
instruction ("use uv, and never pip install globally").
"""

from __future__ import annotations

import re

from reverie.distill import cues
from reverie.distill.reading.grammar import DISCOURSE, NOT_VERBS
from reverie.domain.markers import HOOK_MARK, strip_injected

MAX_ANALYSED_CHARS = 6_000  # beyond this a prompt is a paste: its instructions are someone else's
MAX_LINE_CHARS = 600

# "ValueError: ...", "ERROR: ...", "WARN ...", "2024-05-01T10:00:00Z ...", "[12:00:01] ...": a log line.
_LOG_LINE = re.compile(
    r"^(?:[\w.]*(?:Error|Exception|Warning)\b:?|"
    r"(?:[\w.-]+ )?(?:ERR!|(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL|DEPRECATION)\b)"
    r"|\d{4}-\d\d-\d\d[T ]|\[\d)"
)
_BLOB = re.compile(r"\S{80}")  # base64, a minified line, a hash: nobody types a word that long
_LIST_MARKER = re.compile(r"^(?:[-*\u2022+]|\d{1,2}[.):])\s+")
_SENTENCE_END = re.compile(
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[A-Za-z`\"'])|(?<=[\u3002\uff01\uff1f])\s*(?=\S)"
)
# "X. not Y", "X. Rather than Y": the second sentence finishes the first.
_CONTINUES = re.compile(r"^(?:not|rather than|instead of)\s", re.I)
_VERBLESS = re.compile(
    r"^(?:and |but |so )?(?:don'?t|do not|never|always)\s+(?:in|on|at|for|with|to|the|a|an|from|by)\b", re.I
)
# "use pnpm, never npm", "colors come from the theme tokens, never hex literals": a few words after the
# negation are the other half of a contrast, not a new instruction.
_CONTRAST_TAIL = re.compile(r"^(?:and |but )?(?:never|not) (?:\S+ ){0,3}\S+[.!]?$", re.I)
# "... never edit a merged migration, always make a new one": "a new one" is the thing just named
_POINTS_BACK = re.compile(
    r"\b(?:it|them|that|this|those|these|(?:a new|another|a separate|the same) one|(?:new|old|other) ones)\b", re.I
)
_WORD = re.compile(r"[a-z0-9][a-z0-9_.+/'-]*", re.I)


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS = words_of(
    "a an the and or but so to of in on at for with by from is are be was were it its this that these those "
    "i we you me us my our your do does did not no don't i'm it's that's"
)
# A new instruction inside a sentence: split before a negation or an "always" that opens a clause.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:[;]|,(?=\s+(?:and |but |so )?(?:don'?t|do not|never|always)\b)|\s[-\u2013\u2014]\s)\s*"
    r"(?=(?:and |but |so |then )?(?:don'?t|do not|never|always|please|make sure|instead of)\b)",
    re.I,
)


def prose_sentences(text: str) -> list[str]:
    """Sentences the person wrote, in order, each on one line with single spaces."""
    text = strip_injected(text)[:MAX_ANALYSED_CHARS]
    text = re.sub(r"```.*?(```|$)", "\n", text, flags=re.S)
    sentences: list[str] = []
    for line in _unwrapped(text.splitlines()):
        if is_pasted(line) or HOOK_MARK in line:  # a compiled hook's message, however it reached the turn
            continue
        line = _emoji_ends(_LIST_MARKER.sub("", " ".join(_plain(line).split())))
        pieces: list[str] = []
        for piece in _sentence_pieces(line.strip()):
            if pieces and (_CONTINUES.match(piece) or _refers_back(piece)):
                pieces[-1] = f"{pieces[-1]} {piece}"  # "Leave out X. I don't like that."
            else:
                pieces.append(piece)
        for piece in pieces:
            sentences.extend(clauses(piece))
    return [sentence for sentence in sentences if sentence.strip()]


_CODE_SPAN = re.compile(r"`[^`]+`")


def _sentence_pieces(line: str) -> list[str]:
    """The line split where a sentence ends, never inside a code span ("give me `env X=.. cmd` from now on")."""
    code = [span.span() for span in _CODE_SPAN.finditer(line)]
    pieces: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(line):
        if not any(left < end.start() < right for left, right in code):
            pieces.append(line[start : end.start()])
            start = end.end()
    pieces.append(line[start:])
    return pieces


# A sentence does not end on an article, a preposition or a conjunction: a line that does was wrapped by a
# terminal, an editor or a hook's log ("users should be able to pick the sf symbols visually, from a" /
# "   popup menu that ..."), and its next line, however indented, is the rest of the sentence.
_WRAPPED = re.compile(
    r"\b(?:a|an|the|to|of|from|with|without|within|across|between|through|via|using|and|or|but|for|in|on|at|"
    r"by|into|than|because|which|whose|our|my|your|its|their)\s*$",
    re.I,
)


def _unwrapped(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and _WRAPPED.search(joined[-1]) and line.strip()[:1].isalpha() and not is_pasted(joined[-1]):
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
        else:
            joined.append(line)
    return joined


# A line that announces a list of rules: "Some ground rules for this repo:", "Conventions:", "Keep in mind:".
_RULES_HEADING = re.compile(
    r"\b(?:rules?|conventions?|guidelines?|standards?|polic(?:y|ies)|preferences|keep in mind|remember)\b"
    # close to the colon, or further when the line says they are to be followed ("... that I'd like you to follow
    # from now on whenever you commit:")
    r"(?:[^:]{0,40}|[^:]{0,100}\b(?:follow|from now on|going forward|in this (?:repo|repository|project|codebase))"
    r"\b[^:]{0,60}):$",
    re.I,
)


def listed_under_rules(text: str) -> frozenset[str]:
    """The sentences of the list items right under a line that announces rules ("Ground rules:" then
    "- use pnpm", "- tests go in tests/"): each is a rule, as if it opened with "As a rule,". A markdown
    heading is a document's, not a turn's (``is_pasted``)."""
    found: set[str] = set()
    under = False
    for line in strip_injected(text)[:MAX_ANALYSED_CHARS].splitlines():
        stripped = line.strip()
        if _LIST_MARKER.match(stripped) and under:
            found.update(prose_sentences(stripped))
        elif stripped:
            under = bool(_RULES_HEADING.search(stripped)) and not is_pasted(line)
    return frozenset(found)


def clauses(sentence: str) -> list[str]:
    """Split before a new instruction inside a sentence; a short lead-in stays with what follows."""
    parts = [part.strip() for part in _CLAUSE_BREAK.split(sentence) if part.strip()]
    merged: list[str] = []
    for part in parts:
        lead_in = merged and (
            (len(merged[-1].split()) <= 5 and not _opens_with_verb(merged[-1])) or _SUBORDINATE.fullmatch(merged[-1])
        )
        closing = _CLOSING_WORD.fullmatch(part)  # "controller must not call Repo, never."
        rejected = bool(merged) and _USE.match(merged[-1]) is not None and _USE_NOT_TAIL.match(part) is not None
        if merged and (
            lead_in
            or closing
            or rejected
            or _POINTS_BACK.search(_NOT_JUST_THIS.sub("", part))
            or _VERBLESS.match(part)
            or _CONTRAST_TAIL.match(part)
        ):
            # "Temporarily, don't ...", "I told you, never ...": a lead-in; "X lives in Y; never put it
            # in Z", "keep X in Y, never in Z": the second clause needs the first
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged


# "..., never push for me, in any repo not just this one": a scope, not a pointer back at the clause before
_NOT_JUST_THIS = re.compile(r"\bnot (?:just|only) (?:for |in )?this (?:one|\w+)\b", re.I)
# "use pixi run, do not use system python": what to use and what not to, one choice
_USE = re.compile(r"^(?:please )?use\b", re.I)
_USE_NOT_TAIL = re.compile(r"^(?:and |but )?(?:do not|don'?t|never) use (?:\S+ ){0,3}\S+[.!]?$", re.I)
_CLOSING_WORD = re.compile(r"(?:never|always|ever)(?: ever)?[.!]*", re.I)
# A condition cannot stand alone: "When working with the AI SDK, always use its skill" is one instruction.
_SUBORDINATE = re.compile(r"(?:when|whenever|if|unless|before|after|once|while)\b[^,;]{0,80}", re.I)


# Full-width punctuation between Latin words ("installed\uff0cso dont use ...", "decimal(12,2)\u3002 double"),
# as typed on a Chinese or Japanese keyboard: the ASCII mark, so English sentences split as they should.
_FULL_WIDTH = {"\uff0c": ", ", "\u3002": ". ", "\uff1b": "; ", "\uff1a": ": ", "\uff01": "! ", "\uff1f": "? "}
_FULL_WIDTH_IN_LATIN = re.compile(
    r"(?<=[A-Za-z0-9)\]`'\"])\s*([\uff0c\u3002\uff1b\uff1a\uff01\uff1f])(?=\s*[A-Za-z0-9(`'\"]|\s*$)"
)


# Markdown's strong emphasis, as people paste rules into a prompt ("Use **uv** (not pip)", "**NEVER** push"):
# the words are what is said. A whole sentence in bold keeps it ("**Keep diffs small.** Reviewers read ...":
# the rule and its explanation stay one); ``__`` goes only around words (``cues.UNDERLINED``, never
# ``__init__``), and single ``*`` and ``_`` stay: too often code (``a*b``, ``snake_case``).
_STRONG = re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=[^\s.!?:])\*\*(?![\w*])")


def _plain(line: str) -> str:
    """The line as words: typographic quotes (a phone or a word processor types a curly apostrophe in "don't")
    and full-width punctuation between Latin words as ASCII, without markdown's emphasis."""
    line = _FULL_WIDTH_IN_LATIN.sub(lambda mark: _FULL_WIDTH[mark.group(1)], line.translate(_TYPOGRAPHIC))
    return cues.UNDERLINED.sub(lambda mark: mark.group("words"), _STRONG.sub(lambda strong: strong.group(1), line))


_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _opens_with_verb(clause: str) -> bool:
    first = clause.split(maxsplit=1)[0].lower().strip(",.:;!") if clause.split() else ""
    return (
        first.isalpha()
        and first not in NOT_VERBS
        and first not in DISCOURSE
        and not first.endswith(("ly", "ing", "ed"))
    )


_BOX_DRAWING = frozenset(chr(code) for code in range(0x2500, 0x2580))


def is_pasted(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or len(stripped) > MAX_LINE_CHARS
        or line.startswith(("    ", "\t"))
        or stripped.startswith((">", "|", "$ ", "at ", 'File "', "Traceback", "#", "+", "@@"))
        or stripped[0] in _BOX_DRAWING  # a terminal UI's frame: "│ // No function calls, ...", "╭─── Claude Code"
        or not re.search(r"[^\W\d_]{2}", stripped)
        or bool(re.match(r"^[\w./\\-]+:\d+", stripped))
        or bool(_LOG_LINE.match(stripped))
        or _mostly_symbols(stripped)
        or bool(_BLOB.search(stripped))
    )


# Emoji between two sentences: "600 lines 🙈 We've been ...", "why does it? 😬 I'd rather ...".
_EMOJI_BETWEEN = re.compile(
    "(?P<end>[.!?])?(?<=[\\w.!?)])\\s*[\U0001f300-\U0001faff\u2600-\u27bf\ufe0f]+(?=\\s+[A-Za-z])"
)


def _emoji_ends(line: str) -> str:
    """An emoji between two words ends a sentence as a period would ("strings 😂 chat is the only place");
    the emoji itself says nothing."""
    return _EMOJI_BETWEEN.sub(lambda match: match.group("end") or ".", line)


def _mostly_symbols(line: str) -> bool:
    """Code and log lines: few letters among many brackets, operators and digits."""
    letters = sum(ch.isalpha() or ch.isspace() for ch in line)
    return len(line) >= 20 and letters / len(line) < 0.6


def _refers_back(sentence: str) -> bool:
    """A short sentence about "that" or "it" completes the sentence before it."""
    content = [word for word in _WORD.findall(sentence.lower()) if word not in _FUNCTION_WORDS]
    return bool(_POINTS_BACK.search(sentence)) and len(content) <= 2
