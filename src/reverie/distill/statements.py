"""Instructions in what a person typed: which sentences are standing instructions, and for where.

People phrase corrections in endless ways, so the parser looks for the *shape* of an instruction
rather than particular words (the vocabulary is in ``cues``, choices in ``choices``):

* an imperative that opens a clause: ``don't``/``never``/``always``/``stop …ing``/``make sure to``,
  after fillers ("no,", "ugh", "please"), restatements ("again,", "like I said,", "we've been over
  this"), polite forms ("could you stop …", "can you not …") and frames ("from now on,", "in this
  repo,", "whenever you …,");
* something not wanted: "leave out X", "hands off X", "I don't want X", "no `X`";
* a choice between two things: "use X, not Y", "instead of Y, use X", "X over Y", "we moved to X",
  "Y is deprecated; use X", "`X`, not `Y`";
* an approach that cannot work: "upgrading X won't work".

Questions, pasted text (fenced code, ``>`` quotes, indented blocks, log lines), bug reports ("the
button doesn't work") and third-person text ("AI agents must …") are not instructions. A short
sentence about "that" completes the sentence before it ("Leave out emojis. I don't like that.").

Each instruction then gets:

* **strength**: *explicit* when a cue says it is meant to last (``always``, ``never``, ``from now
  on``, a scope phrase, a restatement, a stated choice); *correction* otherwise; *one-off* when a
  qualifier bounds it ("just this once", "for now", "today", "this time", "until …") or when it is
  part of the session's opening task request without any cue of permanence;
* **scope**: global for "everywhere"/"in all my projects"/"in any repo", the project otherwise;
* a **topic**, **stance** and **against**, so "indent with 2 spaces" and, later, "indent with 4
  spaces", or "use tabs, not 4 spaces" after "use 4 spaces", are recognised as contradicting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from reverie.distill import cues, wording
from reverie.distill.choices import choice, norm
from reverie.domain.lessons import LessonKind, ScopeLevel
from reverie.domain.markers import strip_injected

MAX_ANALYSED_CHARS = 6_000  # beyond this a prompt is a paste: its instructions are someone else's
MAX_LINE_CHARS = 600


class Strength(StrEnum):
    EXPLICIT = "explicit"  # meant to last: may become active at once
    CORRECTION = "correction"  # a durable-looking correction: a candidate until seen again
    ONE_OFF = "one_off"  # for this session only


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    statement: str
    clause: str  # the sentence as typed
    kind: LessonKind
    strength: Strength
    scope: ScopeLevel
    topic: str
    stance: str
    key: str
    against: str = ""
    preferred: str | None = None
    rejected: str | None = None
    keywords: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    repeated: bool = False  # "I told you", "again": the person had to say it before

    @property
    def durable(self) -> bool:
        return self.strength is not Strength.ONE_OFF


def parse_statements(text: str, *, task_request: bool = False, explicit: bool = False) -> list[ParsedStatement]:
    """The instructions in one typed prompt, in order. ``explicit`` is for ``reverie remember``:
    the whole text is meant as a lesson, so a sentence without any cue still counts."""
    found: list[ParsedStatement] = []
    for sentence in prose_sentences(text):
        parsed = _parse_sentence(sentence, task_request=task_request, explicit=explicit)
        if parsed is not None:
            found.append(parsed)
    return found


def prose_sentences(text: str) -> list[str]:
    """Sentences the person wrote, without pasted material: code blocks, quotes, logs, blobs."""
    text = strip_injected(text)[:MAX_ANALYSED_CHARS]
    text = re.sub(r"```.*?(```|$)", "\n", text, flags=re.S)
    sentences: list[str] = []
    for line in text.splitlines():
        if _is_pasted(line):
            continue
        line = " ".join(line.split())  # one space between words keeps every pattern below linear enough
        pieces: list[str] = []
        for piece in re.split(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Za-z`\"'])", line.strip()):
            if pieces and (cues.CONTINUES.match(piece) or _refers_back(piece)):
                pieces[-1] = f"{pieces[-1]} {piece}"  # "X. not Y", "Leave out X. I don't like that."
            else:
                pieces.append(piece)
        for piece in pieces:
            sentences.extend(_clauses(piece))
    return sentences


def _refers_back(sentence: str) -> bool:
    """A short sentence about "that" or "it" completes the sentence before it."""
    return bool(cues.POINTS_BACK.search(sentence)) and len(content_words(sentence)) <= 2


def _clauses(sentence: str) -> list[str]:
    """Split before a new instruction inside a sentence; a short lead-in ("Temporarily,") stays
    with the instruction it qualifies."""
    clauses: list[str] = []
    carry = ""
    for clause in (c.strip() for c in cues.CLAUSE_BREAK.split(sentence) if c.strip()):
        if len(clause.split()) <= 4 and not clauses and not carry and not _opens_directive(clause):
            carry = clause + ", "
            continue
        if clauses and (
            cues.POINTS_BACK.search(clause) or cues.VERBLESS.match(clause)
        ):  # "never commit it", "never in X"
            clauses[-1] = f"{clauses[-1]}, {clause}"
            continue
        clauses.append(carry + clause)
        carry = ""
    return clauses or ([carry.rstrip(", ")] if carry else [])


def _is_pasted(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or len(stripped) > MAX_LINE_CHARS
        or line.startswith(("    ", "\t"))
        or stripped.startswith((">", "|", "$ ", "at ", 'File "', "Traceback", "#"))
        or not re.search(r"[A-Za-z]{2}", stripped)
        or bool(re.match(r"^[\w./\\-]+:\d+", stripped))
    )


def _parse_sentence(sentence: str, *, task_request: bool, explicit: bool) -> ParsedStatement | None:
    clause, restated = _strip_lead(sentence)
    body, framed = _strip_frame(clause)
    if cues.QUESTION.match(clause) or (sentence.rstrip().endswith("?") and not _opens_directive(body)):
        return None
    pair = choice(wording.strip_asides(clause)) or choice(wording.strip_asides(body))
    if pair is None and (framed or restated or cues.EXPLICIT.search(sentence)):
        pair = choice(wording.strip_asides(body), weak=True)
    if pair is None and _reports_or_asks(clause):
        return None
    lasting = framed or restated or bool(cues.GLOBAL.search(sentence) or cues.EXPLICIT.search(sentence))
    kind = _directive_kind(body, framed or restated)
    if kind is None and lasting and cues.BARE_UNWANTED.match(wording.strip_asides(body)):
        kind = LessonKind.PREFERENCE  # "everywhere: no signed-off-by lines"
    if kind is None and (embedded := cues.EMBEDDED.search(body)):  # "the key goes in .env, never commit it"
        kind = _directive_kind(embedded.group("directive"), framed or restated)
    if pair is None and kind is None:
        if not explicit or not body:
            return None
        kind = LessonKind.FACT if cues.REMEMBER_FACT.match(body) else LessonKind.RULE
    strength = _strength(sentence, pair is not None or framed or restated, task_request, explicit)
    scope = ScopeLevel.GLOBAL if cues.GLOBAL.search(sentence) else ScopeLevel.PROJECT
    if strength is Strength.ONE_OFF:
        scope = ScopeLevel.SESSION
    repeated = restated or bool(cues.REPEATED.search(sentence))
    if pair is not None:
        return _pair_statement(sentence, pair, strength, scope, repeated)
    assert kind is not None
    return _directive_statement(sentence, clause, kind, strength, scope, repeated)  # None for a fragment


def _strip_lead(sentence: str) -> tuple[str, bool]:
    """Drop fillers ("no,", "ugh", "please") and restatements ("again,", "like I said,"), which
    say the person had to correct this before; "could you not X" is "do not X"."""
    clause, restated = sentence.strip(), False
    for _ in range(8):
        before = clause
        clause = cues.FILLER.sub("", clause).strip()
        if match := cues.RESTATED.match(clause):
            clause, restated = clause[match.end() :].strip(), True
        if told := cues.TOLD_YOU.match(clause):
            clause = ("do not " if (told.group(1) or "").lower() == "not to" else "") + clause[told.end() :]
            restated = True
        if polite := cues.POLITE.match(clause):
            rest = clause[polite.start("rest") :]
            clause = "do " + rest if rest.lower().startswith("not") else rest
        clause = wording.fix_cue_typos(cues.I_SAID.sub("", clause).strip())
        if clause == before:
            break
    return clause, restated


def _opens_directive(body: str) -> bool:
    return bool(
        cues.NEGATIVE.match(body) or cues.STOP.match(body) or cues.POSITIVE.match(body) or cues.UNWANTED.match(body)
    )


def _strip_frame(clause: str) -> tuple[str, bool]:
    """Drop framing phrases; report whether one said the instruction is meant to last."""
    lasting = False
    while True:
        if match := cues.LASTING_FRAME.match(clause) or cues.TEMPORAL.match(clause):
            clause, lasting = cues.FILLER.sub("", clause[match.end() :].strip()).strip(), True
        elif match := cues.CONDITION_FRAME.match(clause):
            clause = clause[match.end() :].strip()
        else:
            return clause, lasting


def _directive_kind(body: str, framed: bool) -> LessonKind | None:
    negative = cues.NEGATIVE.match(body)
    if negative and negative.group("verb").lower() not in cues.NOT_DIRECTIVES:
        return LessonKind.PROCEDURE if cues.PROCEDURE.search(body) else LessonKind.RULE
    if cues.STOP.match(body):
        return LessonKind.FAILED_APPROACH
    if cues.REMOVAL_DISLIKED.match(body):
        return LessonKind.PREFERENCE
    if (unwanted := cues.UNWANTED.match(body)) and not cues.ONLY_POINTERS.match(body[unwanted.end() - 1 :]):
        return LessonKind.PREFERENCE
    if cues.REMEMBER_FACT.match(body) and not cues.POSITIVE.match(body):
        return LessonKind.FACT
    if (positive := cues.POSITIVE.match(body)) and positive.group("verb").lower() in cues.NOT_VERBS:
        return None  # "always the same timeout": a remark, not an instruction
    if cues.POSITIVE.match(body) or (framed and _starts_with_verb(body) and len(content_words(body)) >= 2):
        return LessonKind.PROCEDURE if cues.PROCEDURE.search(body) else LessonKind.RULE
    if (unworkable := cues.UNWORKABLE.match(body)) and _names_an_action(unworkable.group("action")):
        return LessonKind.FAILED_APPROACH  # "upgrading numpy to 2.x won't work"
    return None


def _names_an_action(phrase: str) -> bool:
    """ "upgrade numpy", "switching to ESM": a verb (or gerund) first, not "the login button"."""
    first = phrase.split(maxsplit=1)[0].lower()
    return first.isalpha() and first not in cues.NOT_VERBS


def _starts_with_verb(body: str) -> bool:
    first = body.split(maxsplit=1)[0].lower() if body.split() else ""
    return bool(first) and first.isalpha() and not first.endswith("ing") and first not in cues.NOT_VERBS


def _strength(sentence: str, strong_form: bool, task_request: bool, explicit: bool) -> Strength:
    if cues.ONE_OFF.search(sentence):
        return Strength.ONE_OFF
    if (
        explicit
        or strong_form
        or cues.EXPLICIT.search(sentence)
        or cues.PROJECT.search(sentence)
        or cues.GLOBAL.search(sentence)
    ):
        return Strength.EXPLICIT
    return Strength.ONE_OFF if task_request else Strength.CORRECTION


def _pair_statement(
    sentence: str, pair: tuple[str, str | None], strength: Strength, scope: ScopeLevel, repeated: bool
) -> ParsedStatement:
    preferred, rejected = pair
    text = f"Use {_code(preferred)}, not {_code(rejected)}." if rejected else f"Use {_code(preferred)}."
    key = f"use:{norm(preferred)}" + (f"|not:{norm(rejected)}" if rejected else "")
    topic = "choice:" + "|".join(sorted({norm(preferred), norm(rejected)})) if rejected else ""
    return ParsedStatement(
        statement=_scoped(text, scope),
        clause=sentence,
        kind=LessonKind.PREFERENCE,
        strength=strength,
        scope=scope,
        topic=topic,
        stance=norm(preferred),
        against=norm(rejected),
        key=key,
        preferred=preferred,
        rejected=rejected,
        keywords=tuple(w for w in (norm(preferred), norm(rejected or "")) if w),
        code=tuple(c for c in (preferred, rejected) if c),
        repeated=repeated,
    )


def _directive_statement(
    sentence: str, clause: str, kind: LessonKind, strength: Strength, scope: ScopeLevel, repeated: bool
) -> ParsedStatement | None:
    body = _strip_frame(clause)[0]
    if disliked := cues.REMOVAL_DISLIKED.match(body):  # "Remove X. We don't do that": X is unwanted
        body = f"no {disliked.group('object')}"
    if kind is LessonKind.FACT and cues.REMEMBER_FACT.match(body):
        worded = wording.phrase_directive(cues.REMEMBER_FACT.sub("", body))
    else:
        worded = wording.phrase_directive(body)
    if worded is None:
        return None
    phrased, core = worded
    negative = bool(_NEGATIVE_STATEMENT.match(core))
    canonical = wording.canonical_key(core, negative=negative)
    stance, _, subject = canonical.partition(":")
    return ParsedStatement(
        statement=_scoped(phrased, scope),
        clause=sentence,
        kind=kind,
        strength=strength,
        scope=scope,
        topic=f"say:{subject}" if subject else "",
        stance=stance,
        key=f"say:{canonical}",
        keywords=tuple(subject.split()[:6]),
        code=tuple(cues.CODE.findall(phrased)),
        repeated=repeated,
    )


_NEGATIVE_STATEMENT = re.compile(r"^(?:do not|never|avoid|stop|leave out|stay out of)\b", re.I)


def _reports_or_asks(clause: str) -> bool:
    """A bug report or a request for help, not an instruction: "CI is failing again: can you look"."""
    return bool(cues.REPORT.search(clause)) and not _opens_directive(clause)


def content_words(text: str) -> list[str]:
    """Lower-case word stems without stop words or cue words: what a statement is about."""
    return wording.content_stems(text)


def _code(phrase: str | None) -> str:
    phrase = (phrase or "").strip()
    if phrase.startswith("`") or re.match(r"^(?:the|a|an|my|our|this|that)\b", phrase, re.I):
        return phrase
    return f"`{phrase}`"


def _scoped(statement: str, scope: ScopeLevel) -> str:
    """Project lessons say so in their text (recall strips it); global ones need no words for it."""
    if scope is ScopeLevel.PROJECT:
        return f"In this project: {statement}"
    return statement
