"""The statement a reviewer accepts, made from the sentence a person typed.

One clean sentence, imperative or factual, in the person's own terms and with their reason when
they gave one: "Use ruff for linting.", "The default branch is master, not main.", "Never edit
`src/gen/` because it is generated.". The person's exact words stay in the evidence excerpt; the
statement only tidies them:

* fillers and restatements that lead the sentence go ("ok so,", "again,", "I told you,"), as do
  politeness and scope asides (the scope is the lesson's, not its text's);
* a negative reads one way ("Do not ...", "Never ...", "Avoid ..."), through ``wording``;
* a short choice ("python3, not python") reads "Use `python3`, not `python`." with only code in
  backticks ("Use early returns, not nested ifs."); a preference keeps its verb ("Prefer X over
  Y."); in a longer sentence the person's own sentence is kept, so two unrelated words are never
  paired up;
* a negative without a verb reads "Avoid ..." ("never bare pytest" is "Avoid bare pytest.");
* markdown is not part of it (bold, a bold label before an instruction, links, list numbers), nor
  shouting ("ALWAYS" is "Always"); code spans, names and URLs keep their case and characters;
* a question is the request it makes ("Can you always X?" is "Always X.") or nothing;
* what cannot be a clean statement is dropped rather than stored: more than one sentence, more
  than three paths (a file list), mostly symbols (a pasted error), a pronoun with nothing to
  resolve it ("never edit it"), a question that asks rather than requests, or longer than
  ``MAX_CHARS`` even when cut where a whole sentence is left (not inside brackets, quotes or a
  list, not after "because").
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
_FROM_NOW_ON = re.compile(
    r"^from now on\b[\s,:-]*|[\s,]*\bfrom now on(?=[\s.!]*$)|"
    "^" + cues.REMINDER_OPENER + r"(?:please\s+)?"
    r"(?:remember|note|reminder|keep in mind|bear in mind|be aware) that\s+|"
    # what only pointed at the rule, once its scope is gone: "..., that goes."
    r"[\s,]+(?:that|this) (?:goes|applies|holds)(?: for)?(?=[\s.!]*$)",
    re.I,
)
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
    clause, restated = _bold_lead(_unbracketed(sentence.strip())), False
    for _ in range(8):
        before = clause
        if not _WORD_LIST.match(clause):  # "modern, idiomatic, concise code": a list, not a filler
            clause = cues.FILLER.sub("", cues.INTERJECTION.sub("", clause)).strip()
        clause = _LETS.sub("", cues.MODE_COMMAND.sub("", clause))
        clause = _ATTACHED.sub("", _YES.sub("", clause)).strip()
        if match := cues.RESTATED.match(clause):
            clause, restated = clause[match.end() :].strip(), True
        if (told := cues.without_told_you(clause)) is not None:
            clause, restated = told, True
        if polite := cues.POLITE.match(clause):
            rest = clause[polite.start("rest") :]
            clause = "do " + rest if rest.lower().startswith("not") else rest
        if clause == before:
            break
    return clause, restated


_LETS = re.compile(r"^let'?s\s+(?=(?:keep|use|stick|avoid|stay|not|always|never)\b)", re.I)  # "let's keep X out of Y"
_WORD_LIST = re.compile(r"^[\w-]+\s*,\s*[\w-]+\s*,")
# "Yes please update the docs": the assent answers the agent; what follows is the instruction.
_YES = re.compile(r"^(?:yes|yeah|yep|sure)\b[\s,!.]*(?=\w)", re.I)
# Markdown's bold lead: "**Fix causes, not symptoms.** When a PR ..." (the rule, then why), "**Testing**:
# Always run X" (a label, then the rule).
_BOLD_SENTENCE = re.compile(r"^\*\*(?P<bold>[^*]{3,}?[.!])\*\*\s+\S")
_BOLD_LABEL = re.compile(r"^\*\*(?P<label>[^*:]{1,40}?)(?::\*\*|\*\*\s*:)\s*(?P<rest>\S.*)$")


def _unbracketed(sentence: str) -> str:
    """ "(But keep the old endpoint working.)": a sentence set in brackets is still the sentence."""
    bracketed = re.fullmatch(r"\((?P<inner>[^()]+)\)[.!]?", sentence)
    return bracketed.group("inner").strip() if bracketed else sentence


def _bold_lead(sentence: str) -> str:
    """The sentence a writer set in bold is the rule; a label, bold or not, goes when an instruction follows
    it ("**Testing**: Always run X" is "Always run X") and stays otherwise."""
    if bold := _BOLD_SENTENCE.match(sentence):
        return bold.group("bold")
    if labelled := _BOLD_LABEL.match(sentence):
        label, rest = labelled.group("label"), labelled.group("rest")
        if (filled := _with_object(label, rest)) is not None:
            return filled
        return rest if wording.opens_instruction(rest) else f"{label}: {rest}"
    if plain := cues.LABEL.match(sentence):
        rest = sentence[plain.end() :]
        if (filled := _with_object(sentence[: plain.end()], rest)) is not None:
            return filled
        if wording.opens_instruction(rest):
            return rest  # "Type Hints: Use type hints for all public functions"
    return sentence


# "**Dependencies**: Manage with uv": the instruction leaves its object to the label ("Manage dependencies
# with uv"); "Use type hints" has its own.
_NO_OBJECT = re.compile(r"^(?P<verb>[A-Z][a-z]+) (?=(?:with|in|via|using|through|into|under)\b)")
_PLAIN_LABEL = re.compile(
    r"(?!(?i:note|notes|nb|important|tip|tips|hint|warning|caution|rule|rules|reminder|remember|todo|fyi|update|"
    r"edit|step|goal|context|example|also|then|now|next|first|finally)\b)[A-Z]?[a-z]+(?: [a-z]+)?"
)


def _with_object(label: str, rest: str) -> str | None:
    label = label.strip().rstrip(":").strip()
    if (verb := _NO_OBJECT.match(rest)) is None or not _PLAIN_LABEL.fullmatch(label):
        return None
    return f"{verb.group('verb')} {label.lower()} {rest[verb.end() :]}"


def choice_statement(sentence: str, preferred: str, rejected: str | None) -> str | None:
    """ "Use `X`, not `Y`." for a short choice of tools; the person's own sentence for a longer one,
    and for a preference ("Prefer early returns over nested ifs."), whose verb says more than "use"."""
    short = len(cues.WORDS.findall(sentence)) <= 8 and all(
        len((side or "").split()) <= 3 for side in (preferred, rejected)
    )
    preferred, rejected = preferred.strip(" ,.;:"), (rejected or "").strip(" ,.;:") or None
    clause, _ = strip_lead(sentence)
    if short and not _PREFERENCE.match(wording.strip_asides(clause)):
        sides = [side for side in (preferred, rejected) if side]
        code = any(_looks_like_code(side) for side in sides) or all(len(side.split()) == 1 for side in sides)
        chosen = _code(preferred, code=code)
        return _accepted(f"Use {chosen}, not {_code(rejected, code=code)}." if rejected else f"Use {chosen}.")
    request = as_request(clause)
    return _accepted(tidy(request)) if request else None


# A preference in the person's own words ("Prefer X over Y", "We prefer X to Y") is already a statement.
_PREFERENCE = re.compile(r"^(?:(?:i|we) (?:\w+ )?)?(?:prefer|favou?r)\b", re.I)


def as_request(clause: str) -> str | None:
    """A question as the request it makes ("Can you also keep X sorted?" is "keep X sorted", "Did you
    remember to update X?" is "remember to update X"); None for a question that asks, not requests
    ("Is that clear?", "Am I right?"): a statement made of it would say what the person never said."""
    if not clause.rstrip().endswith("?"):
        return clause
    if tagged := _TAG_QUESTION.match(clause.strip()):
        return tagged.group("body")
    if asked := _REQUEST.match(clause.strip()):
        return (asked.group("frame") or "") + (asked.group("remember") or "") + asked.group("rest")
    return None


# "..., is that clear?", "..., right?": the statement before the tag is what was said.
_TAG_QUESTION = re.compile(
    r"^(?P<body>.+?),\s*(?:is that clear|got it|understood|right|ok(?:ay)?|correct|agreed)\s*\?+$", re.I
)
_REQUEST = re.compile(
    r"^(?P<frame>(?:for|in|when|before|after) [^,?]{1,60},\s*)?"
    r"(?:(?:and )?(?:can|could|would|will) (?:you|u|we) (?:please |also |just |now )*|"
    r"did you (?P<remember>remember to ))"
    r"(?P<rest>[a-z].*?)[?\s]*$",
    re.I,
)


def directive(clause: str) -> tuple[str, str, bool] | None:
    """(statement, core, negative): the core is what the key is made from."""
    if clause.rstrip().endswith(":") or not _URL_ONLY.sub("", clause).strip(" .,:;!?"):
        return None  # "The usage will be:" introduces a paste; a bare link says nothing to do
    request = as_request(clause)
    if request is None:
        return None
    clause = _REMINDED.sub("", request)  # "don't forget to use the venv" asks to use the venv
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
    text = _USING.sub("use ", text)
    text = _RATHER_NOT.sub("do not ", text)
    text = re.sub(r"\bdont\b", "don't", text, flags=re.I)
    text = _MARKDOWN_LEAD.sub("", text.strip())
    return wording.as_sentence(text, paths=True)


# "I'd rather you didn't use X": do not use X.
_RATHER_NOT = re.compile(r"^(?:i'?d|i would) rather (?:you )?(?:didn'?t|did not|not)\s+", re.I)
# "Don't forget to X", "remember to X", "make sure you X": the instruction is X.
_REMINDED = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:(?:don'?t|do not|never) forget|remember|make sure) (?:to |you )(?=\w)", re.I
)
# A heading, bullet or quote mark before the sentence, but not a flag ("--once") or an issue ("#271").
_MARKDOWN_LEAD = re.compile(r"^(?:[*>\u2022\s]|#+(?![\w#])|[-\u2013\u2014]+(?![\w-])|\(?\d{1,2}[.)](?!\d))+")
# "Using X instead of Y" (a note's heading style) is the instruction "Use X instead of Y", unless a verb
# follows that makes it a sentence about using X ("Using X is slow").
_USING = re.compile(
    r"^using\s+(?!.*\b(?:is|are|was|were|will|would|should|must|can|could|has|have|had|does|did|"
    r"makes?|breaks?|causes?)\b)",
    re.I,
)


def kind_of(clause: str, *, negative: bool) -> LessonKind:
    body = wording.strip_asides(clause)
    if cues.STOP.match(body) or cues.UNWORKABLE.match(body):
        return LessonKind.FAILED_APPROACH
    if cues.UNWANTED.match(body):
        return LessonKind.PREFERENCE
    if _COPULA.match(body) and not negative:
        return LessonKind.FACT
    return LessonKind.PROCEDURE if _PROCEDURE.search(body) else LessonKind.RULE


# A word of letters; one with a letter outside ASCII ("vérifie", "für", "змінюй") counts as a word of its own,
# since cues.WORDS reads Latin words only (Han and kana are counted by the character, below).
_ALPHABETIC = re.compile(rf"[^\W\d_{cues.IDEOGRAPHS}]+")


def _accepted(text: str) -> str | None:
    """The statement when a reviewer could accept it as it stands, else None."""
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = _shortened(text)
    words = [word.strip(".") for word in cues.WORDS.findall(text.lower())]
    words += [word for word in _ALPHABETIC.findall(text.lower()) if not word.isascii()]
    words += [""] * (len(cues.IDEOGRAPHIC.findall(text)) // 2)  # about two characters to a word, no spaces
    if not text or len(text) > MAX_CHARS or len(words) < 2 or not [w for w in words if w not in cues.STOPWORDS]:
        return None
    if path_count(text) > MAX_PATHS or _SECOND_SENTENCE.search(text.rstrip(".")):
        return None
    prose = re.sub(r"`[^`]+`", "code", text)  # a code span is one word of the sentence, whatever it holds
    letters = sum(ch.isalpha() or ch.isspace() for ch in prose)
    return text if letters / len(prose) >= 0.7 else None


# Where a second sentence starts: "Do X. Then Y", "... (But after that, Y)", "done... @file I have",
# "not a good name. it is actually X" (not after "e.g." or "etc.").
_SECOND_SENTENCE = re.compile(
    r"[.!?]\s+[(\[\"'@]?[A-Z]|(?:\.\.\.|\u2026)\s+\S|"
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?]\s+(?:it|i|we|you|they|this|that)\b"
)


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
    cuts = [
        match.start()
        for match in _CLAUSE_END.finditer(text)
        if max(20, floor) <= match.start() <= MAX_CHARS - 1 and _clean_cut(text, match)
    ]
    return text[: cuts[-1]].rstrip(" ,;:-") + "." if cuts else ""


def _clean_cut(text: str, boundary: re.Match[str]) -> bool:
    """A cut that leaves a whole sentence: not inside brackets, quotes or code ("(current and future."),
    not after a word that needs more ("... because."), not between the items of a list ("X, Y, or Z",
    where a comma is followed by another item rather than a new clause)."""
    head = text[: boundary.start()]
    if any(head.count(opening) != head.count(closing) for opening, closing in ("()", "[]", "{}")):
        return False
    if head.count('"') % 2 or head.count("`") % 2:
        return False
    if any(_DANGLING.search(head[:end]) for end in [*(b.start() for b in _CLAUSE_END.finditer(head)), len(head)]):
        return False  # "... because, strictly speaking." waits for what the "because" was about
    if boundary.group(0).strip() != ",":
        return True
    after = text[boundary.end() :]
    segment = _CLAUSE_END.split(after, maxsplit=1)[0]
    if _CLAUSE_OPENER.match(after) or _FINITE.search(segment) or wording.opens_instruction(after):
        return True
    # "..., linked from X", "..., favoring Y": a participle adds to a whole clause, unless a colon opened a
    # list of items that may start with one ("bugs first: failing tests, broken imports").
    previous = _CLAUSE_END.split(head)[-1]
    return bool(_PARTICIPLE.match(after)) and ":" not in head and len(previous.split()) > 3


_DANGLING = re.compile(
    r"\b(?:because|such that|that|namely|and|or|but|so(?: from now on| going forward| now| then)?|with|to|of|for|"
    r"like|e\.g|i\.e|as|than|the|a|an)\W*$",
    re.I,
)
# What opens a new clause after a comma, as opposed to the next item of a list.
_CLAUSE_OPENER = re.compile(
    r"(?:as|because|since|so|which|who|where|when|whenever|while|unless|otherwise|then|but|yet|though|although|"
    r"whereas|e\.g|i\.e|including|especially|even|not|rather|instead|except|if|or else|and then|it|its|this|that|"
    r"these|those|they|we|you|i|there|currently|now|also|still|later|first|finally|however|meanwhile)\b",
    re.I,
)
_PARTICIPLE = re.compile(r"[a-z]{3,}(?:ed|ing)\b", re.I)
# A verb that makes what follows a comma a clause of its own ("..., rules should be modular").
_FINITE = re.compile(r"\b(?:should|must|is|are|was|were|will|would|can|could|has|have|needs?|does|do)\b", re.I)


_SUBORDINATE = re.compile(
    r"^(?:although|though|even though|even if|when|whenever|while|if|unless|because|since|as|after|before|once|"
    r"whatever|wherever|whichever)\b",
    re.I,
)


def _code(phrase: str | None, *, code: bool) -> str:
    """A side of a choice in backticks when it names a tool or a command ("`pnpm`", "`make check`");
    plain words ("early returns") stay words. ``code``: the other side is code, so this one is too."""
    phrase = (phrase or "").strip()
    if phrase.startswith("`") or re.match(r"^(?:the|a|an|my|our|this|that)\b", phrase, re.I):
        return phrase
    return f"`{phrase}`" if code else phrase


# Programs that run a task by name ("make check", "go test", "uv run pytest"): a command, not a phrase.
_RUNNERS_TEXT = (
    "make go cargo npm npx pnpm yarn bun deno node uv uvx pip pipx python python3 poetry pdm hatch tox "
    "nox just mix rake bundle gradle mvn dotnet git docker kubectl terraform bazel cmake ninja pytest "
    "ruff"
)
_RUNNERS = frozenset(_RUNNERS_TEXT.split())


def _looks_like_code(phrase: str) -> bool:
    """Typed as code, a name with code characters ("python3", "ruff check .", "4 spaces"), or a command
    ("make check"). A plain word ("pnpm", "mocks") could be either: the other side decides."""
    phrase = phrase.strip()
    words = phrase.split()
    return (
        phrase.startswith("`")
        or bool(words and words[0].lower() in _RUNNERS)
        or bool(re.search(r"[\d./_=:@+<>-]|[a-z][A-Z]", phrase))
    )
