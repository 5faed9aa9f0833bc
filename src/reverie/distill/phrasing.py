"""The statement a reviewer accepts, made from the sentence a person typed.

One clean sentence, imperative or factual, in the person's own terms and with their reason when
they gave one: "Use ruff for linting.", "The default branch is master, not main.", "Never edit
`src/gen/` because it is generated.". The person's exact words stay in the evidence excerpt; the
statement only tidies them:

* fillers and restatements that lead the sentence go ("ok so,", "again,", "I told you,"), as do
  politeness and scope asides (the scope is the lesson's, not its text's);
* a negative reads one way ("Do not ...", "Never ...", "Avoid ..."), through ``wording``;
* a short choice ("python3, not python") reads "Use `python3`, not `python`."; in a longer sentence
  the person's own sentence is kept, so two unrelated words are never paired up;
* a negative without a verb reads "Avoid ..." ("never bare pytest" is "Avoid bare pytest.");
* what cannot be a clean statement is dropped rather than stored: more than one sentence, more
  than three paths (a file list), mostly symbols (a pasted error), a pronoun with nothing to
  resolve it ("never edit it"), or longer than ``MAX_CHARS`` even when cut at a clause boundary.
"""

from __future__ import annotations

import re

from reverie.distill import cues, wording
from reverie.domain.lessons import LessonKind

MAX_CHARS = 140  # room for the scope prefix within the ~160 characters a reviewer reads at a glance
MAX_PATHS = 3

# Files attached to a prompt by name ("@src/app.py @README.md change X"): what the words are about, not
# part of them.
_ATTACHED = re.compile(r"^(?:@[\w./-]+[,\s]+)+")
_NEGATIVE_OPENING = re.compile(r"^(?:do not|never|avoid|stop)\b", re.I)
_YOU_SHOULD = re.compile(r"^(?:(?:i want|i'd like|i need) you to|you (?:should|must|need to|have to|will))\s+", re.I)
_URL_ONLY = re.compile(r"https?://\S+|\b(?:see|here|at|link)\b", re.I)
# What the lesson's duration says already: "From now on, ...", "... from now on"; "Remember that X": X.
_FROM_NOW_ON = re.compile(r"^from now on\b[\s,:-]*|[\s,]*\bfrom now on(?=[\s.!]*$)|^(?:remember|note) that\s+", re.I)
_COPULA = re.compile(r"^(?!(?:do|does|please|always|never|make)\b)[\w`'\"./@ -]{1,60}?\b(?:is|are|lives?|goes)\b", re.I)
_PROCEDURE = re.compile(r"\b(?:before|after|then|first|once)\b", re.I)
_ANY_PATH = re.compile(
    r"(?<![\w/])[\w.@-]*/[\w.@*-][\w.@*/-]*|\b[\w-]+\.(?:py|js|ts|tsx|jsx|rs|go|rb|ex|exs|md|json|toml|ya?ml|sh|css|html|java|kt|c|h|cpp)\b"
)
_CLAUSE_END = re.compile(r"[,;:]\s|\s[-\u2013\u2014]\s")


def strip_lead(sentence: str) -> tuple[str, bool]:
    """Drop fillers ("no,", "ok", "please"), files attached by name ("@README.md") and restatements
    ("again,", "I told you"), which say the person had to correct this before; "could you not X" is
    "do not X"."""
    clause, restated = sentence.strip(), False
    for _ in range(8):
        before = clause
        clause = cues.FILLER.sub("", clause).strip()
        clause = _ATTACHED.sub("", clause).strip()
        if match := cues.RESTATED.match(clause):
            clause, restated = clause[match.end() :].strip(), True
        if told := cues.TOLD_YOU.match(clause):
            clause = ("do not " if (told.group(1) or "").lower() == "not to" else "") + clause[told.end() :]
            restated = True
        if polite := cues.POLITE.match(clause):
            rest = clause[polite.start("rest") :]
            clause = "do " + rest if rest.lower().startswith("not") else rest
        if clause == before:
            break
    return clause, restated


def choice_statement(sentence: str, preferred: str, rejected: str | None) -> str | None:
    """ "Use `X`, not `Y`." for a short choice; the person's own sentence for a longer one."""
    short = len(cues.WORDS.findall(sentence)) <= 8 and all(
        len((side or "").split()) <= 3 for side in (preferred, rejected)
    )
    preferred, rejected = preferred.strip(" ,.;:"), (rejected or "").strip(" ,.;:") or None
    if short:
        return _accepted(f"Use {_code(preferred)}, not {_code(rejected)}." if rejected else f"Use {_code(preferred)}.")
    clause, _ = strip_lead(sentence)
    return _accepted(tidy(clause))


def directive(clause: str) -> tuple[str, str, bool] | None:
    """(statement, core, negative): the core is what the key is made from."""
    if clause.rstrip().endswith(":") or not _URL_ONLY.sub("", clause).strip(" .,:;!?"):
        return None  # "The usage will be:" introduces a paste; a bare link says nothing to do
    worded = wording.phrase_directive(clause)
    if worded is not None and _NEGATIVE_OPENING.match(worded[0]):
        text, core = worded
    elif worded is None and _opens_negative(wording.strip_asides(clause)):
        return None  # "never edit it": a fragment of something said before
    else:
        text = tidy(clause)
        core = text
    accepted = _accepted(text)
    if accepted is None:
        return None
    return accepted, core, bool(_NEGATIVE_OPENING.match(core))


def _opens_negative(clause: str) -> bool:
    return bool(cues.NEGATIVE.match(clause) or cues.UNWANTED.match(clause) or cues.STOP.match(clause))


def tidy(clause: str) -> str:
    """The clause as one sentence: asides and politeness gone, capitalised, ending with a period."""
    sentences = re.split(r"(?<=[.!?])\s+", wording.strip_asides(clause))
    while len(sentences) > 1 and wording.is_commentary(sentences[-1].rstrip(".!? ")):
        sentences.pop()  # "Strip the banners. We don't do that.": the aside says why, not what
    text = _YOU_SHOULD.sub("", _FROM_NOW_ON.sub("", " ".join(sentences)))
    text = re.sub(r"\bdont\b", "don't", text, flags=re.I)
    text = re.sub(r"[\s!?.,;:-]+$", "", re.sub(r"^[#*>\-\u2013\u2014\u2022\s]+", "", text.strip()))
    if text[:1].isalpha():
        text = text[0].upper() + text[1:]
    return wording.code_paths(text) + "." if text else ""


def kind_of(clause: str, *, negative: bool) -> LessonKind:
    body = wording.strip_asides(clause)
    if cues.STOP.match(body) or cues.UNWORKABLE.match(body):
        return LessonKind.FAILED_APPROACH
    if cues.UNWANTED.match(body):
        return LessonKind.PREFERENCE
    if _COPULA.match(body) and not negative:
        return LessonKind.FACT
    return LessonKind.PROCEDURE if _PROCEDURE.search(body) else LessonKind.RULE


def _accepted(text: str) -> str | None:
    """The statement when a reviewer could accept it as it stands, else None."""
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = _shortened(text)
    words = [word.strip(".") for word in cues.WORDS.findall(text.lower())]
    if not text or len(text) > MAX_CHARS or len(words) < 2 or not [w for w in words if w not in cues.STOPWORDS]:
        return None
    if path_count(text) > MAX_PATHS or re.search(r"[.!?]\s+[A-Z]", text.rstrip(".")):
        return None
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return text if letters / len(text) >= 0.7 else None


def path_count(text: str) -> int:
    """Paths and file names, in code spans or not: more than a few make a file list, not a lesson."""
    return len(_ANY_PATH.findall(text.replace("`", " ")))


def _shortened(text: str) -> str:
    """Cut at the last clause boundary that fits: the instruction comes first, the detail after. A
    sentence that opens with a subordinate clause ("Although the database is read-only, you can ...",
    "When writing AL code, follow ...") keeps at least its main clause: cut before it, what is left is
    a fragment, not a lesson."""
    subordinate = _SUBORDINATE.match(text)
    floor = text.find(",") + 1 if subordinate else 20
    if subordinate and not floor:
        return ""
    cuts = [match.start() for match in _CLAUSE_END.finditer(text) if max(20, floor) <= match.start() <= MAX_CHARS - 1]
    return text[: cuts[-1]].rstrip(" ,;:-") + "." if cuts else ""


_SUBORDINATE = re.compile(
    r"^(?:although|though|even though|even if|when|whenever|while|if|unless|because|since|as|after|before|once)\b", re.I
)


def _code(phrase: str | None) -> str:
    phrase = (phrase or "").strip()
    if phrase.startswith("`") or re.match(r"^(?:the|a|an|my|our|this|that)\b", phrase, re.I):
        return phrase
    return f"`{phrase}`"
