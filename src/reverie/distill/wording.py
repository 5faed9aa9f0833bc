"""How a lesson is worded: a clean instruction a future session can act on, never a log line.

People type corrections with scope cues, politeness, asides and pronouns ("Never Co-Authored-By
trailers ok (everywhere).", "src/gen/ is generated, never edit it."). The lesson keeps what the
person meant in their own key terms and code spans, and drops the rest:

* **Asides go.** Scope cues ("everywhere", "(in this repo)") are kept as the lesson's scope, not in
  its text; politeness ("pls", "thanks", "ok", emoji) and trailing commentary ("- we don't do
  that", "I don't like that") carry no instruction.
* **Negation reads one way.** "don't"/"dont"/"you shouldn't"/"we don't" + verb become "Do not
  <verb>"; "never" stays "Never"; a negative without a verb ("never X", "no X", "without X", "I
  don't want X") becomes "Avoid X"; keeping away from a path becomes "Do not edit `path`".
* **Pronouns are resolved or the statement is dropped.** "X is generated, never edit it" becomes
  "Never edit X because it is generated". An instruction whose only object is "it" or "that", with
  nothing to resolve it from, is a fragment: it is not a lesson.
* **Paths are code.** A bare path (``src/gen/``) is put in backticks and never capitalised.
* **Commas stay commas.** The clauses after the instruction are the person's own words, as typed.

``canonical_key`` is what phrasings of one instruction share: its polarity, and its terms and code
spans in the one normal form (``reverie.normal``: no generic verbs such as "add", "use", "put", no
asides), so "No Co-Authored-By trailers" and "don't add Co-Authored-By trailers, please" are one
lesson, and dedupe and recall read them as one too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reverie import normal
from reverie.distill import cues

# "in the project root", "in this repo's CI": a place in the project, named, not the lesson's scope.
_PLACE_IN_IT = r"(?:root|directory|dir|folder|tree|level|settings|config\w*)\b"
_SCOPE_ASIDE = re.compile(
    r"\s*[(\[]\s*(?:" + cues.GLOBAL.pattern + "|" + cues.PROJECT.pattern + r"|for \w[\w.-]*)\s*[)\]]"
    # "the raw files are not in the repository", "never in the repo": there the place is what is said, not the
    # lesson's scope
    r"|\s*(?<!\bnot )(?<!\bnever )(?<!\bonly )(?<!\bare )(?<!\bis )"
    r"(?<!\blive )(?<!\blives )(?<!\bstay )(?<!\bstays )(?<!\bbelong )"
    r"\b(?:(?:" + cues.GLOBAL.pattern + r")|(?:in|for|within) (?:this|the|our) "
    r"(?:repo|repository|project|codebase|code base|workspace)\b(?!['\u2019]s|\s+" + _PLACE_IN_IT + r")"
    r"|(?<!from )(?<!of )(?<!to )(?<!in )\bhere(?! (?:is|are)\b)\b)"
    r"(?:,? (?:too|also|as well)\b)?",  # "..., in my own projects too": the "too" goes with the scope
    re.I,
)
# a hyphen counts only as a dash between words: "release-please" is a name, not a filler
_POLITE = re.compile(
    r"(?:^|(?<=[\s,.;:!])|(?<=\s-))(?:please|pls|thanks|thx|ok(?:ay)?|lol|lmao|haha)(?=[\s,.;:!?)]|$)",
    re.I,
)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\ufe0f]+")
_LEADING_NEGATIVE = re.compile(
    r"^(?:don'?t|dont|do not|you (?:should|must|shall|need to) not|you (?:shouldn'?t|mustn'?t|can'?t|cannot)|"
    r"(?:we|i|you) (?:don'?t|do not))\s+(?=[\w`\"'])",
    re.I,
)
_LEADING_NEVER = re.compile(r"^(?:you (?:should|must) never|(?:we|i) never|never(?: ever)?)\s+", re.I)
_VERBLESS_UNWANTED = re.compile(
    r"^(?:(?:we|i) (?:really |just )?(?:don'?t|do not) (?:like|want)|no|never|without)\s+(?P<object>.+)$",
    re.I,
)
# "No code path may bypass it", "Nothing may be written": a sentence with its own verb, said as it is.
_FINITE_AFTER_NO = re.compile(r"\b(?:may|must|can|cannot|can't|shall|should|is|are|gets|goes)\b", re.I)
_HANDS_OFF = re.compile(r"^(?:keep out of|stay away from)\s+(?P<object>.+)$", re.I)
_DESCRIBED = re.compile(
    r"^(?P<named>[`\"']?[\w./@-]+(?:\s[\w./@-]+){0,3}[`\"']?) (?P<verb>is|are) (?P<what>[\w -]{2,30})$", re.I
)
_POINTER_OBJECT = re.compile(r"\b(?:it|them|that|this|those|these)\b(?=[\s.,;!?]*$|\s+(?:by|with|in|manually)\b)", re.I)
_COMMENTARY = re.compile(r"^(?:and |but |so )?(?:we|i)\b", re.I)
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:]|\s[-\u2013\u2014]+)\s+|(?<=[.!?])\s+")
PATH = re.compile(
    r"(?<![`\w/~])(?:~?/|\.{1,2}/)?[\w.@-]+/(?:[\w.@*-]+/?)*(?<!\.)(?::\d+)?(?![`\w/])|(?<![`\w])\.[\w-]+(?:\.\w+)+(?![`\w])"
)
# A verb with nothing but a pronoun or an adverb after it ("never edit it", "don't touch manually").
_OBJECTLESS = re.compile(r"^[a-z]+(?:\s+(?:it|them|that|this))?(?:\s+(?:manually|directly|ever))*\s*$", re.I)
_URL = re.compile(r"https?://", re.I)
# Verbs that open an instruction without saying what it is about ("add X", "use X"): read as verbs when
# deciding whether a clause starts with one (their place in keys is ``reverie.normal.STOP_WORDS``).
_GENERIC_VERBS_TEXT = "add adding use using put putting include including have do like want avoid stop no make sure let"
_GENERIC_VERBS = frozenset(_GENERIC_VERBS_TEXT.split())
_EDIT_VERB_TEXT = "edit editing"
_EDIT_VERBS = frozenset(_EDIT_VERB_TEXT.split())


def strip_asides(text: str) -> str:
    """The clause without scope cues, politeness or emoji; whitespace and dangling commas tidied. Code
    spans stay exactly as typed (`open()`, `echo ok`)."""
    parts = re.split(r"(`[^`]*`)", " ".join(_LINK.sub(_link_text, text).split()))
    for index in range(0, len(parts), 2):
        prose = _EMPHASIS.sub(lambda mark: mark.group("words") or "", _EMOJI.sub(" ", parts[index]))
        prose = _SCOPE_ASIDE.sub(" ", prose)
        prose = _POLITE.sub(_unless_predicate, prose)
        prose = re.sub(r"(?<![\w.])\(\s*\)", " ", prose)  # what an aside left; `print()` keeps its call
        prose = re.sub(r"\s+([,.;:!?])(?=\s|$)", r"\1", re.sub(r"\s+", " ", prose))
        # "British spelling, please — ...": no comma left before a dash
        prose = re.sub(r",\s*(?=[\u2013\u2014]\s)", " ", prose)
        parts[index] = re.sub(r"([,;])(?:\s*[,;])+", r"\1", prose)
    return re.sub(r"^(?:[\s,.;:!?]|-+(?![\w-]))+|[\s,;:-]+$", "", "".join(parts))


# Markdown that only decorates: "**must**", "__Note__"; the words stay. A name with underscores stays whole
# ("@__init__.py", "__main__": no capital or space inside).
_EMPHASIS = re.compile(r"\*\*|" + cues.UNDERLINED.pattern)
_LINK = re.compile(r"\[(?P<label>[^\]\n]{1,80})\]\((?P<target>[^)\s]{1,200})\)")


def _link_text(match: re.Match[str]) -> str:
    """A markdown link reads as its label and where it points: "[guide](docs/guide.md)" is "guide
    (`docs/guide.md`)", "[`README.md`](README.md)" is "`README.md`", a skill is its name."""
    label, target = match.group("label"), match.group("target")
    if re.fullmatch(r"\$[\w.-]+", label):  # Codex's mention of a skill, "[$rust-skills](.../SKILL.md)": its name
        return f"`{label}`"
    if label.strip("`") == target or target.endswith("/" + label.strip("`")):
        return f"`{target}`" if not _URL.match(target) else target
    return f"{label} ({target if _URL.match(target) else f'`{target}`'})"


# "it's OK to ...", "that is ok": "ok" says what is allowed, not how politely it is asked.
_PREDICATE = re.compile(r"(?:\b(?:is|it's|that's|be|are|was|were|seems?|looks?|not|all)|'s)\s+$", re.I)


def _unless_predicate(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.lower().startswith("ok") and _PREDICATE.search(match.string[: match.start()]):
        return word
    return " "


def phrase_directive(clause: str) -> tuple[str, str] | None:
    """The instruction in ``clause`` (already without lead fillers and lasting frames), worded cleanly,
    and its core (the instruction alone, without context or reasons: what its key is made from);
    None when what is left is a fragment (an instruction about "it" with nothing to say what it is).
    Only the sentence the instruction is in is kept: "Drop X now that it is fixed. Yank it." is not
    one sentence, and joining them with a comma would make it read as one."""
    clause = _NO_LIST.sub(r"\g<first> and ", clause)  # "no pip, no poetry": one thing ruled out, not two clauses
    split = [(p.strip().rstrip(".!? "), sentence) for p, sentence in _split_clauses(strip_asides(clause))]
    split = [(p, sentence) for p, sentence in split if p]
    while len(split) > 1 and is_commentary(split[-1][0]):
        split.pop()
    if not split:
        return None
    pieces = [piece for piece, _ in split]
    directive = next((index for index, piece in enumerate(pieces) if _opens_instruction(piece)), None)
    if directive is None:  # framed or explicit: the first piece that says something
        directive = next((i for i, piece in enumerate(pieces) if len(content_stems(piece)) >= 2), 0)
    resolved = _resolve_subject(pieces, directive)
    reason = None
    if resolved is not None:
        reason, described = resolved
        del split[described]
        directive -= described < directive
    own_sentence = split[directive][1]
    rendered: list[str] = []
    core = None
    for index, piece in enumerate(pieces):
        if split[index][1] != own_sentence:
            continue
        worded = _normalise_negation(piece) if index == directive or _opens_instruction(piece) else piece
        if worded is None and index == directive:
            return None
        if rendered:  # inside the sentence the person's own words read best
            worded = piece
        rendered.append(code_paths(worded or piece))
        if index == directive:
            core = _finish(rendered[-1])
    text = _finish(", ".join(rendered) + (f" because {reason}" if reason else ""))
    return (text, core) if text and core else None


_NO_LIST = re.compile(r"^(?P<first>no\s+[^,;.]{1,40}),\s*(?:and |or |nor )?no\s+(?=\w)", re.I)
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|approx|no)\.$", re.I)


def _split_clauses(text: str) -> list[tuple[str, int]]:
    """Clauses with the number of the sentence each is in, split at commas, semicolons, colons, dashes
    and sentence ends, but never inside brackets, quotes or code spans ("conventional prefixes (feat:,
    fix:)" is one clause)."""
    protected = re.sub(r"`[^`]*`|\([^()]*\)|\[[^\]]*\]|\"[^\"]*\"", lambda m: "\x00" * len(m.group(0)), text)
    pieces: list[tuple[str, int]] = []
    start, sentence = 0, 0
    for match in _CLAUSE_SPLIT.finditer(protected):
        ends = not match.group(0).strip()
        if ends and _ABBREVIATION.search(protected[: match.start()]):
            continue  # "e.g. X" goes on
        pieces.append((text[start : match.start()], sentence))
        sentence += ends
        start = match.end()
    return [*pieces, (text[start:], sentence)]


def is_commentary(piece: str) -> bool:
    """ "we don't do that", "I do not like that": the person's aside about the instruction before it."""
    content = normal.terms(piece)
    return bool(_COMMENTARY.match(piece)) and len(content) <= 2 and bool(cues.POINTS_BACK.search(piece))


def _resolve_subject(pieces: list[str], directive: int) -> tuple[str, int] | None:
    """ "X is generated, never edit it": the directive becomes about X (in place, in ``pieces``), and
    "it is generated" is returned as its reason, with the index of the piece that said it (deleted)."""
    nearest_first = [*range(directive - 1, -1, -1), *range(directive + 1, len(pieces))]
    for index in nearest_first:
        piece = pieces[index]
        described = _DESCRIBED.match(piece)
        if index == directive or described is None or not _POINTER_OBJECT.search(pieces[directive]):
            continue
        subject = _mid_sentence(described.group("named"))
        pieces[directive] = _POINTER_OBJECT.sub(_literal(subject), pieces[directive], count=1)
        del pieces[index]
        pronoun = "they are" if described.group("verb").lower() == "are" else "it is"
        return f"{pronoun} {described.group('what').strip()}", index
    return None


def _mid_sentence(subject: str) -> str:
    """ "The staging database" moved inside a sentence reads "the staging database"; a name keeps its
    capitals ("README.md", "Postgres")."""
    return re.sub(r"^(?:The|A|An|This|That|These|Those|Our|My|Your|Its|Their)\b", lambda m: m.group(0).lower(), subject)


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _opens_instruction(piece: str) -> bool:
    lowered = piece.lower()
    return bool(
        _LEADING_NEGATIVE.match(lowered)
        or _LEADING_NEVER.match(lowered)
        or cues.POSITIVE.match(piece)
        or cues.STOP.match(piece)
        or cues.UNWANTED.match(piece)
        or lowered.startswith("avoid ")
    )


def opens_instruction(text: str) -> bool:
    """Whether ``text`` opens with an instruction: a negative, "always ...", or a verb of doing work."""
    first = text.split(maxsplit=1)[0].lower() if text.split() else ""
    return _opens_instruction(text) or first in _IMPERATIVE_VERBS


_IMPERATIVE_VERBS = frozenset(
    (
        _GENERIC_VERBS_TEXT
        + " "
        + _EDIT_VERB_TEXT
        + " follow keep write place focus prefer ensure check read update test verify name format document "
        "review work act run commit push install call import export delete skip pin fix prefix mark treat"
    ).split()
) - {"have", "like", "want", "no", "using", "adding", "putting", "including", "editing"}


def _normalise_negation(head: str) -> str | None:
    head = head.strip()
    if hands_off := _HANDS_OFF.match(head):
        target = hands_off.group("object")
        return f"Do not edit {target}" if PATH.search(target) or "`" in target else f"Stay away from {target}"
    if match := _LEADING_NEGATIVE.match(head):
        rest = head[match.end() :]
        if unwanted := re.match(r"^(?:like|want)\s+(?P<object>.+)$", rest, re.I):
            return _avoid(unwanted.group("object"))
        if needless := re.match(r"^(?:need|wish) to\s+(?P<action>\w.*)$", rest, re.I):
            return _with_object(f"Do not {needless.group('action')}", needless.group("action"))
        if re.match(r"^(?:need|have)\b", rest, re.I):
            return head  # "We don't need a table", "you don't have to": optional, not forbidden; as typed
        return _with_object(f"Do not {rest}", rest)
    if match := _LEADING_NEVER.match(head):
        rest = head[match.end() :]
        if not _starts_with_verb(rest):
            return _avoid(rest)
        return _with_object(f"Never {rest}", rest)
    if (unwanted := _VERBLESS_UNWANTED.match(head)) and not _FINITE_AFTER_NO.search(unwanted.group("object")):
        return _avoid(unwanted.group("object"))  # "No emojis in commits": avoid them; "No code may ...": as said
    if _POINTER_OBJECT.fullmatch(head.split(maxsplit=1)[-1]) and len(head.split()) <= 2:
        return None  # "fix it": nothing durable is named
    return head


_NO_LONGER = re.compile(
    r"\s+(?:(?:in|from) (?:there|here)\s+)?(?:anymore|any more|any longer)(?:\s+now that\b.*)?(?=\s*(?:$|[.,;!]))",
    re.I,
)


def _avoid(target: str) -> str | None:
    """ "Avoid X" for a thing not wanted; "Do not X" for an action ("I don't want to rely on X", "no
    need to X"), "Avoid X" for "no need for X"."""
    target = re.sub(r"^need (?:for (?=\w))?(?=to |\w)", "", target.strip(), flags=re.I)
    # "I don't want UX5 in there anymore": the time word says it was there until now, not what to avoid
    target = re.sub(_NO_LONGER, "", target)
    # "Avoid any emojis", "no more withDefaults" say no more than "Avoid emojis", "Avoid withDefaults"
    target = re.sub(r"^(?:any|more)\s+(?=\w)", "", target, flags=re.I)
    if seen := re.match(r"^to\s+(?:see|have|find|get)\s+(?P<thing>\w.*)$", target, re.I):
        target = seen.group("thing")  # "I don't want to see TODO comments in PRs": the comments are unwanted
    elif wanted := re.match(r"^(?:you )?to\s+(?P<action>\w.*)$", target, re.I):
        return _with_object(f"Do not {wanted.group('action')}", wanted.group("action"))
    elif doing := re.match(r"^you\s+(?P<action>\w+ing\b.*)$", target, re.I):
        return f"Avoid {doing.group('action')}"  # "I don't want you touching X": "Avoid touching X"
    elif made := re.match(r"^(?P<who>(?:the|our|any|all)\s+[\w .-]{1,40}?)\s+to\s+(?P<action>\w.*)$", target, re.I):
        who = re.sub(r"^any\s+", "", made.group("who"), flags=re.I)  # "the tests to hit the network"
        return f"{who[0].upper()}{who[1:]} should not {made.group('action')}"
    if not target or _POINTER_OBJECT.fullmatch(target):
        return None
    spanned = re.match(r"^(`[^`]+`)\s+(?P<next>\w+)", target)
    if spanned and spanned.group("next").lower() in _COMMON_VERBS:  # "no `X` update the version": a new request
        target = spanned.group(1)
    if alternative := re.match(r"^(?P<unwanted>[^,;]+?)[,;]?\s+only\s+(?P<wanted>\w[^,;]*)$", target, re.I):
        return f"Avoid {alternative.group('unwanted')}; use only {alternative.group('wanted')}"  # "no X only Y"
    return f"Avoid {target}"


def _with_object(text: str, rest: str) -> str | None:
    """A negative instruction whose only object is a pronoun ("never edit it"), or that has none
    ("never edit by hand"), is a fragment of something said before."""
    if len(normal.terms(rest)) <= 1 and _POINTER_OBJECT.search(rest):
        return None
    if _OBJECTLESS.match(rest):
        return None
    return text


def _starts_with_verb(text: str) -> bool:
    words = text.lower().split()
    first = words[0] if words else ""
    # "never fetch directly": a word before an adverb of manner is a verb
    manner = len(words) == 2 and words[1].endswith("ly")
    return (
        first.replace("-", "").isalpha()
        and first not in cues.NOT_VERBS
        and (first in _GENERIC_VERBS or first in _EDIT_VERBS or first in _COMMON_VERBS or len(words) >= 3 or manner)
    )


_COMMON_VERBS_TEXT = (
    "run push pull commit merge install upgrade call import export edit delete skip ship use set pin fix"
)
_COMMON_VERBS = frozenset(_COMMON_VERBS_TEXT.split())


def code_paths(text: str) -> str:
    """Bare paths and calls ("print()", "Log.debug()") into code spans, outside existing code spans and URLs."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(
        part if part.startswith("`") or _URL.search(part) else _CALL.sub(r"`\g<0>`", PATH.sub(_as_code, part))
        for part in parts
    )


# A function named with its empty call parentheses, as people write one in prose.
_CALL = re.compile(r"(?:(?<=[)`]/)|(?<![\w`./$-]))[A-Za-z_$][\w.:$]*\(\)(?![\w`])")  # "feat()/fix()" too


def _as_code(match: re.Match[str]) -> str:
    """ "src/gen/", "db/migrations", ".env.local" are paths; "and/or" and "input/output" are words."""
    token = match.group(0)
    looks_like_path = token.endswith("/") or token.count("/") >= 2 or bool(re.search(r"[._@-]", token))
    return f"`{token}`" if looks_like_path and not _alternatives(token) else token


# Folders found in most projects: "docs/api/guides" is a path although every part is a word.
_FOLDERS_TEXT = (
    "src lib libs docs doc test tests spec specs app apps pkg cmd internal packages components config db "
    "scripts bin build dist public assets static templates vendor modules crates api utils tools examples"
)
_FOLDERS = frozenset(_FOLDERS_TEXT.split())


def _alternatives(token: str) -> bool:
    """ "imports/variables/functions", "pre-commit/CI", "title/body": words offered as alternatives."""
    parts = token.split("/")
    return all(re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*", part) for part in parts) and not any(
        part.lower() in _FOLDERS for part in parts
    )


def _finish(text: str) -> str | None:
    text = re.sub(r"\bdont\b", "don't", text, flags=re.I)
    if len(cues.WORDS.findall(text)) < 2:
        return None
    return as_sentence(text) or None


_TRAILING = re.compile(r"[\s!?.,;:\-\u3002\uff01\uff1f\uff1b\uff0c\u3001]+$")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# A first word that is a plain word ("never", "use"), not a name written in its own case ("rawData",
# "npm-run-all", "src/app.py", "https://...").
_PLAIN_FIRST_WORD = re.compile(r"^(?P<word>[a-z]+(?:['-][a-z]+)*(?:/[a-z]+(?:-[a-z]+)*)*)(?=[\s,.;:!?)]|$)(?!:/)")


# Words typed in capitals for emphasis ("ALWAYS", "you MUST", "do NOT"); never acronyms.
_SHOUTED = re.compile(
    r"\b(?:ALWAYS|NEVER|EVER|MUST|SHOULD|SHALL|NOT|DO|DON'T|DOESN'T|CANNOT|CAN'T|WON'T|ALL|ONLY|ANY|EVERY|EACH|"
    r"YOU|ARE|IS|BE|AND|OR|BUT|JUST|EXACTLY|PLEASE|NOTHING|NO|BEFORE|AFTER|WITHOUT|FIRST)\b"
)


def _unshouted(text: str) -> str:
    """Emphasis in capitals, in lower case: the statement is read, not shouted. Code and quotes stay."""
    parts = re.split(r"(`[^`]*`|\"[^\"]*\")", text)
    return "".join(part if index % 2 else _SHOUTED.sub(_lower, part) for index, part in enumerate(parts))


def _lower(match: re.Match[str]) -> str:
    return match.group(0).lower()


def as_sentence(text: str, *, paths: bool = False) -> str:
    """One sentence: a plain first word capitalised, one full stop at the end (a Chinese one after
    Chinese), trailing punctuation and dashes gone; ``paths``: bare paths put in code spans. Empty
    when nothing is left."""
    text = text.strip()
    if quoted := re.fullmatch(r"[\"\u201c]\s*(?P<inner>[^\"\u201c\u201d]+?)\s*[\"\u201d]", text):
        text = quoted.group("inner")  # the whole sentence in quotes: the quotes say nothing
    elif text.endswith('"') and text.count('"') % 2:
        text = text[:-1].rstrip()  # the close of a quotation the sentence was cut from
    trailing = _TRAILING.search(text)
    ending = trailing.group(0) if trailing else ""
    text = text[: len(text) - len(ending)]
    if not text:
        return ""
    text = _unshouted(code_paths(text) if paths else text)
    text = _capital_i(text)
    text = re.sub(r"^(--?[a-z][\w-]*)(?=[\s,.;:]|$)", r"`\1`", text)  # "--once is active": a flag is code
    first = _PLAIN_FIRST_WORD.match(text)
    if first and ("/" not in first.group("word") or _alternatives(first.group("word"))):
        text = text[0].upper() + text[1:]
    if re.search(r"[.!?][\"'\u201d]$", text):
        return text  # 'says "Done."': the quotation already ends the sentence
    return text + ("\u3002" if _CJK.match(text[-1]) or _CJK.search(ending) else ".")


def _capital_i(text: str) -> str:
    """ "i read the diffs" as "I read the diffs", outside code spans."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(part if part.startswith("`") else re.sub(r"\bi\b(?=['\u2019\s]|$)", "I", part) for part in parts)


def canonical_key(text: str, *, negative: bool) -> str:
    """What phrasings of one instruction share: polarity, numbers, its terms and exact code spans, in
    the one normal form (``reverie.normal``) that dedupe and recall read too."""
    numbers = sorted(set(normal.numbers(normal.prose(text))))
    subject = {w for w in content_stems(text) if not w.isdigit()} | set(normal.exact_spans(text))
    polarity = "-" if negative else "+"
    return f"{polarity}{','.join(numbers)}:{' '.join(sorted(subject))}"


def content_stems(text: str) -> list[str]:
    """What a statement is about: its terms (``reverie.normal``), in order."""
    return normal.terms(text)
