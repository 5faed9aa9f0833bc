"""Instructions in what a person typed: which sentences are standing instructions, and for where.

Whether a sentence is an instruction at all, and how long it is meant to last, is decided by the
reading model (``reading``): a small linear model over the sentence's words and shape, trained on
real people's sessions (``corpus/``), with thresholds calibrated there. Per sentence it says:

* **strength**: *explicit* (active at once) when it is confident that the sentence is a standing
  instruction or fact; *correction* (a candidate until seen again) when it is fairly sure;
  *one-off* (this session only) for an instruction bounded to now;
* **scope**: global when the person says it holds for them everywhere, the project otherwise.

This module then words what was found, so that a reviewer can accept it (``phrasing``): one clean
sentence in the person's terms, with a choice "use X, not Y" as its key when there is one
(``choices``), so that later contradictions are recognised. ``reverie remember`` passes
``explicit``: the whole text is meant as a lesson, so only its duration is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from reverie.distill import answers, changes, cues, frames, lasting, phrasing, redirects, replies, reviewable, wording
from reverie.distill.choices import choice, norm
from reverie.distill.lasting import Duration
from reverie.distill.reading.features import Context
from reverie.distill.reading.model import Reading, Verdict, in_use
from reverie.distill.reading.sentences import MAX_ANALYSED_CHARS, listed_under_rules, prose_sentences
from reverie.domain.lessons import LessonKind, ScopeLevel

__all__ = [
    "MAX_ANALYSED_CHARS",
    "ParsedStatement",
    "Strength",
    "content_words",
    "parse_statements",
    "prose_sentences",
    "read_answer",
]


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
    probability: float = 0.0  # the model's probability that the sentence is a standing instruction

    @property
    def durable(self) -> bool:
        return self.strength is not Strength.ONE_OFF


# A turn this long is a pasted specification or plan: in the dev split 3 of its 675 sentences are
# standing lessons (8% in shorter turns), so grammar alone does not make its rules active.
SPECIFICATION_SENTENCES = 30
# A turn with markdown headings is a document ("# Instructions", "## Endpoints"): an exercise's statement, an
# API reference, a spec. 22 of the 3,050 turns of the dev split and the seen written sets are one (5 of
# their 1,131 standing lessons), and of 103 turns of unlabelled real prompts whose grammar made a lesson
# active at once, 20 were; 15 of those were an exercise's facts ("1 is not a prime number").
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.M)

_STRENGTH = {
    Verdict.ACTIVE: Strength.EXPLICIT,
    Verdict.CANDIDATE: Strength.CORRECTION,
    Verdict.ONE_OFF: Strength.ONE_OFF,
}


def parse_statements(
    text: str,
    *,
    task_request: bool = False,
    explicit: bool = False,
    channel: str = "prompt",
    before: str = "",
    after_failure: bool = False,
) -> list[ParsedStatement]:
    """The instructions in one turn the person wrote, in order.

    ``task_request``: the turn opens the session (the task); ``channel``: how it was written
    (prompt, answer, denial, interrupt); ``before``: what happened just before (the agent's last
    words or a failing output); ``explicit`` is for ``reverie remember``: every sentence counts."""
    sentences = prose_sentences(text)
    specification = len(sentences) > SPECIFICATION_SENTENCES or bool(_HEADING.search(text))
    ruled = listed_under_rules(text) if ":" in text else frozenset()
    # "I work from WSL, in every project. Always give me linux commands": said once for the whole turn.
    # ("remember for this project: money is integer cents, everywhere" is this project's everywhere)
    turn_everywhere = any(_said_everywhere(sentence) for sentence in sentences) and not any(
        _said_here(sentence) for sentence in sentences
    )
    # "Paste the whole plan. That goes for any repo I work on: I read every line": the second says what the
    # first is, and why.
    back, only_framing = frames.pointed_at(sentences)
    # "No. Board files belong to the hw team": after a rejection of what the agent did, how the project is
    corrected = bool(sentences) and frames.rejects(sentences[0]) and bool(before or channel != "prompt")
    # "3 for sure. any number a designer might tune goes in a Resource": why the person picked, said of the
    # project, is how it is done there
    after_pick = channel == "answer" and bool(sentences) and reviewable.picks(sentences[0], before)
    read_at: dict[int, ParsedStatement] = {}
    for position, said in enumerate(sentences):
        if position in only_framing:
            continue
        lead_in = frames.lead_in(said)  # "One thing that's a hard rule here: X" is a rule, X
        sentence = lead_in.said if lead_in is not None else said
        framing = [frame for frame in (lead_in, back[position]) if frame is not None]
        everywhere = (turn_everywhere or any(frame.everywhere for frame in framing)) and not _said_here(said)
        context = Context(
            channel=channel,
            opening=task_request,
            after_failure=after_failure,
            before=before,
            position=position,
            sentences=len(sentences),
        )
        why_picked = after_pick and position > 0 and not reviewable.weighs_the_choice(sentence)
        announced = any(frame.rule for frame in framing) or said in ruled or why_picked
        parsed = read_sentence(
            sentence,
            context,
            explicit=explicit,
            ruled=announced,
            everywhere=everywhere,
            corrected=corrected,
            specification=specification,
        )
        if parsed is not None:
            read_at[position] = parsed
    found: list[ParsedStatement] = []
    joined: set[int] = set()
    for position, parsed in read_at.items():
        if position in joined:
            continue
        worded, took_next = _with_reason(parsed, sentences, position, back[position], read_at)
        found.append(worded)
        if took_next:
            joined.add(position + 1)
    return found


def _with_reason(
    parsed: ParsedStatement,
    sentences: list[str],
    position: int,
    pointer: frames.LeadIn | None,
    read_at: dict[int, ParsedStatement],
) -> tuple[ParsedStatement, bool]:
    """A standing lesson with the reason the person gave right after it: what a sentence pointing back at it
    gives as one, or the next sentence if that reads as a reason or, after a prohibition, as what to do
    instead. The next sentence is no lesson of its own then, unless it is one the grammar is sure of: "Don't
    commit public/build. It's in .gitignore on purpose" is one lesson, not a second about .gitignore.
    Also whether the next sentence went into this one."""
    if not parsed.durable:
        return parsed, False
    if pointer is not None and pointer.said:
        given = frames.with_reason(parsed.statement, parsed.clause, pointer.said, given=True)
        return replace(parsed, statement=given), False
    if pointer is not None or position + 1 >= len(sentences):
        return parsed, False
    following, after = read_at.get(position + 1), sentences[position + 1]
    ruled_out = _RULED_OUT.match(after)
    if ruled_out is not None and parsed.stance != "-":
        # "Use pathlib.Path for all filesystem operations. No os.path.": what the instruction rules out, the
        # other half of one lesson, not a second lesson that says only "avoid os.path"
        joined = f"{parsed.statement.rstrip('.!; ')}; no {ruled_out.group('what').rstrip('.!')}."
        return replace(parsed, statement=wording.code_paths(joined)), True
    # "Learnt that one the hard way when ...", "It's in .gitignore on purpose": why, never a lesson of its own
    explains = following is not None and following.durable and frames.only_explains(after)
    # "X. It's OK to have fun, but don't be snarky": a second lesson, not why; a sentence only the model reads
    # as one ("Never use print in library code. Use the logger.") may still be what to do instead
    second = following is not None and (
        following.strength is Strength.EXPLICIT or bool(following.preferred) or frames.asks(after)
    )  # a choice of its own ("`ubuntu-24.04`, not `ubuntu-latest`") is a second lesson too
    if second and not explains:
        return parsed, False
    worded = frames.with_reason(parsed.statement, parsed.clause, after, prohibits=parsed.stance == "-")
    return replace(parsed, statement=worded), explains or worded != parsed.statement


# "No print() statements.", "No hardcoded paths.": a thing ruled out, in four words at most, nothing else
_RULED_OUT = re.compile(
    r"^no (?!(?:problem|problems|worries|idea|way|need|thanks|more|longer|one|matter)\b)"
    r"(?P<what>[^\s,;:]+(?: [^\s,;:]+){0,3}?)[.!]*$",
    re.I,
)


def read_sentence(
    sentence: str,
    context: Context,
    *,
    explicit: bool = False,
    ruled: bool = False,
    everywhere: bool = False,
    corrected: bool = False,
    specification: bool = False,
) -> ParsedStatement | None:
    """One sentence as a lesson, or None when it is not an instruction (or cannot be worded cleanly).
    ``ruled``: an item of a list the person announced as rules (``listed_under_rules``), or what follows
    a lead-in that announces one (``frames``); ``everywhere``: the turn says it holds in every project;
    ``specification``: the turn is a pasted document (long, or with headings), whose rules are the task's."""
    if explicit and sentence.rstrip().endswith("?"):
        return None  # a question is not something to remember
    reading = in_use().read(sentence, context)
    # a prohibition typed while refusing the agent's tool call, or after stopping it, is a rule said once
    refused = context.channel in ("denial", "interrupt")
    said = lasting.duration(sentence, ruled=ruled, refused=refused, corrected=corrected)
    # "Rm the print — logging is structlog, kwargs not f-strings": the rule a remark or a task is joined to
    within = (
        frames.rule_within(sentence, ruled=ruled, refused=refused, corrected=corrected)
        if said is Duration.UNSAID
        else None
    )
    if within is not None:
        said = Duration.STANDING
    if said is Duration.STANDING and specification:
        said = Duration.UNSAID  # a rule amid a pasted specification is the task's: the model decides
    strength = _strength(reading, said, sentence, explicit=explicit)
    if strength is None:
        return None
    # Few people in the corpus say "in all my projects"; where they do, grammar says it, not the model.
    here = _said_here(sentence)  # "in this repo" outweighs the turn's "everywhere"
    # how the person wants replies, and their own machine, hold for them whatever the code
    theirs = replies.preference(sentence) or bool(cues.PERSONAL_SETUP.match(sentence))
    everywhere = (everywhere or _said_everywhere(sentence) or theirs) and not here
    # The model's read of "for the person everywhere" rests on few examples: it counts only where the person
    # speaks of themselves ("I never want ...", "my commits"); "we" and the codebase are the project's
    personal = reading.global_scope and bool(_I_MYSELF.search(sentence) or _I_ELSEWHERE.search(sentence)) and not here
    scope = ScopeLevel.GLOBAL if personal or everywhere else ScopeLevel.PROJECT
    if strength is Strength.ONE_OFF:
        scope = ScopeLevel.SESSION
    # "since yesterday we moved to atlas": the time of a change is wrong the day after
    worded_from = lasting.never_said_long(within or sentence)
    worded_from = changes.without_when(worded_from) if changes.announces_change(worded_from) else worded_from
    clause, repeated = phrasing.strip_lead(worded_from)
    repeated = repeated or bool(cues.REPEATED.search(sentence))
    pair = choice(wording.strip_asides(clause))
    if pair is not None:
        return _pair_statement(worded_from, pair, strength, scope, repeated, reading.standing, typed=sentence)
    return _directive_statement(sentence, clause, strength, scope, repeated, reading.standing)


def read_redirect(text: str, command: str | None) -> ParsedStatement | None:
    """A short turn naming another way to do what the agent just ran (``redirects``): a named choice,
    active at once like "use pnpm, not npm"."""
    pair = redirects.redirect(text, command)
    if pair is None:
        return None
    reading = in_use().read(text, Context())
    return _pair_statement(text, pair, Strength.EXPLICIT, ScopeLevel.PROJECT, False, reading.standing)


def read_prohibition(text: str, command: str | None) -> ParsedStatement | None:
    """A short prohibition of what the agent just ran (``redirects.forbids``): a correction, a candidate
    until it recurs, whatever the model made of the words alone."""
    if not redirects.forbids(text, command):
        return None
    reading = in_use().read(text, Context())
    return _directive_statement(text, text, Strength.CORRECTION, ScopeLevel.PROJECT, False, reading.standing)


def _said_here(sentence: str) -> bool:
    """ "In this repo", "for this project", but not "not just for this repo" (which is every project)."""
    return cues.PROJECT.search(_NOT_JUST_HERE.sub("", sentence)) is not None


_NOT_JUST_HERE = re.compile(rf"\b{cues.NOT_JUST_HERE}\b", re.I)
# "money is integer cents in the DB, everywhere": the codebase's everywhere, not every project
_I_MYSELF = re.compile(r"\b(?:i|me|my|i'm|i've|i'd)\b", re.I)
# the person in German, French, Spanish, Chinese and Japanese
_I_ELSEWHERE = re.compile(r"\b(?:ich|mein\w*|mir|mich|je|j'|moi|mon|mes|yo|mis?)\b|(?:\u6211|\u79c1|\u50d5)", re.I)
_OF_THE_CODEBASE = re.compile(r"\b(?:codebase|code base|project|repo|repository|app|db|database|schema)\b", re.I)


def _said_everywhere(sentence: str) -> bool:
    """ "In all my projects", "globally"; a bare "everywhere" only when the person speaks of themselves."""
    found = cues.GLOBAL.search(sentence)
    if found is None:
        return False
    if found.group(0).lower() != "everywhere":
        return True
    # "I write British English everywhere" is the person's; "the same bands everywhere" is this work's
    return bool(_I_MYSELF.search(sentence)) and not (cues.TEAM.search(sentence) or _OF_THE_CODEBASE.search(sentence))


def read_answer(question: str, answer: str) -> ParsedStatement | None:
    """An answer to the agent's question about the project's conventions (``answers``): the person said
    plainly how the project works, as plainly as "use pnpm", so it is active at once like that."""
    sentence = answers.convention(question, answer)
    if sentence is None:
        return None
    reading = in_use().read(sentence, Context(channel="answer"))
    parsed = _directive_statement(sentence, sentence, Strength.EXPLICIT, ScopeLevel.PROJECT, False, reading.standing)
    # the evidence is what the person typed, not the sentence worded from it (which the digest shows later: quoted
    # as evidence, it would read as learned from reverie's own text)
    return None if parsed is None else replace(parsed, clause=" ".join(answer.split()))


def _strength(reading: Reading, said: Duration, sentence: str, *, explicit: bool) -> Strength | None:
    """The model ranks; where grammar says plainly how long an instruction lasts (``lasting``), that
    decides: "always/never/before every commit/in this repo" with an instruction, a tool named for a
    kind of work, a corrected fact, a named choice are standing at once; "for now/this time" bound it."""
    if explicit:  # the person asked to remember it: only a clear one-off reading bounds it
        one_off = reading.probabilities["one_off"]
        bounded = said is Duration.BOUNDED or (one_off >= 0.5 and one_off > reading.standing)
        return Strength.ONE_OFF if bounded else Strength.EXPLICIT
    if said is Duration.BOUNDED:
        return Strength.ONE_OFF
    if said is Duration.STANDING:
        return Strength.EXPLICIT
    strength = _STRENGTH.get(reading.verdict)
    if strength is Strength.CORRECTION and not reviewable.worth_review(sentence):
        return None  # "Option 1.", "the CLI always exits 0", "now add a DAG": no lesson to review
    return strength


def _pair_statement(
    sentence: str,
    pair: tuple[str, str | None],
    strength: Strength,
    scope: ScopeLevel,
    repeated: bool,
    probability: float,
    *,
    typed: str | None = None,
) -> ParsedStatement | None:
    """``sentence`` is what the statement is worded from; ``typed``, when it differs, the sentence as typed."""
    preferred, rejected = pair
    text = phrasing.choice_statement(sentence, preferred, rejected)
    if text is None:
        return None
    key = f"use:{norm(preferred)}" + (f"|not:{norm(rejected)}" if rejected else "")
    topic = "choice:" + "|".join(sorted({norm(preferred), norm(rejected)})) if rejected else ""
    return ParsedStatement(
        statement=_scoped(text, scope),
        clause=typed or sentence,
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
        probability=probability,
    )


def _directive_statement(
    sentence: str, clause: str, strength: Strength, scope: ScopeLevel, repeated: bool, probability: float
) -> ParsedStatement | None:
    worded = phrasing.directive(clause)
    if worded is None:
        return None
    text, core, negative = worded
    canonical = wording.canonical_key(core, negative=negative)
    stance, _, subject = canonical.partition(":")
    return ParsedStatement(
        statement=_scoped(text, scope),
        clause=sentence,
        kind=phrasing.kind_of(clause, negative=negative),
        strength=strength,
        scope=scope,
        topic=f"say:{subject}" if subject else "",
        stance=stance,
        key=f"say:{canonical}",
        keywords=tuple(subject.split()[:6]),
        code=tuple(cues.CODE.findall(text)),
        repeated=repeated,
        probability=probability,
    )


def content_words(text: str) -> list[str]:
    """Lower-case word stems without stop words or cue words: what a statement is about."""
    return wording.content_stems(text)


def _scoped(statement: str, scope: ScopeLevel) -> str:
    """Project lessons say so in their text (recall strips it); global ones need no words for it."""
    if scope is ScopeLevel.PROJECT:
        return f"In this project: {statement}"
    return statement
