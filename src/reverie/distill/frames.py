"""How a rule is framed in a turn that explains a project: what announces it, points back at it, or
says why.

People who brief an agent in full sentences rarely say a rule bare:

* **a lead-in before a colon** announces it ("One thing that's a hard rule in this system: reservations
  are never hard-deleted", "Going forward: ...") and may say whom it is for ("A general point about how
  I like to work, in any project: ..."); a lead-in that only introduces context ("A bit of context: X")
  leaves X to be read on its own. "Note:" or "Important:" alone open a task's details as often as a
  rule (most of the unlabelled prompts that use them), a request ("Please fix the following:") is the
  task, and a heading ("Data Fetching:") or a quoted error is neither;
* **a sentence that points back** says what the one before it was ("That goes for all my repos",
  "Same in every repo I work in", "Period."), skipping over a reason to the rule before it;
* **the reason** follows in the next sentence ("... The workers run with a concurrency of 4") and joins
  the statement;
* **a rejection** of what the agent just did ("No.", "wrong board.", "revert that.") opens a turn whose
  statements about the project say why (``lasting`` reads them).

Real sessions in the public corpora rarely talk so (2 announced lead-ins in the dev split, 8 among
15,515 unlabelled prompt sentences); people explaining their project in full sentences do
(``corpus/written/session-g`` to ``-t``, docs/reading.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reverie.distill import cues, lasting, wording

_MAX_LEAD_IN_WORDS = 25

_ANNOUNCES = re.compile(
    # a rule named as one: "a hard rule in this system", "one convention I should have told you about"
    # (not "Rule 2" or "**Rule 1**" of a specification)
    r"\b(?:rules?|conventions?|guidelines?)\b(?!\.\w|\s*#?\d)|"
    r"\b(?:my|personal|quick|general|one more|team) pref(?:erence)?s?\b|"
    r"\b(?:in general|generally|more generally|for the record|for (?:the )?future(?: reference)?|reminder)\b|"
    r"\bgeneral (?:thing|preference)\b|\bdefinition of done\b|\bimportant for (?:every|all|any)\w*\b|"
    r"\bremember for this (?:project|repo)\b|\b(?:requirement|standard) for (?:any|every|all)\b|"
    # for whom or where it holds: "applies to me everywhere", "goes for every export we build"
    r"\b(?:applies|apply|goes|go|holds|hold) (?:to|for) (?:me|us|all|every|any|everything|everyone)\b|"
    r"\beverywhere\b|\bnot (?:only|just) (?:this|here|for this|in this|now)\b|"
    r"\b(?:about|for) me\b|"
    r"\bhow (?:i|we) (?:like to |want to |usually |always )?(?:work|do things|write|handle|name|structure)\b|"
    r"\bhow i (?:like|want) it\b|"
    r"\b(?:in|for|across) (?:any|every|all) (?:of )?(?:my |our )?(?:projects?|repos?|codebases?)\b",
    re.I,
)
# A lead-in that asks for something opens the task: "Please fix the following in every repo:".
_REQUEST = re.compile(
    r"^(?:\W*(?:please|pls|(?:can|could|would) you|now|then|let'?s)\b|.*\bfollowing\b)|\*\*|\bhere (?:is|are)\b|"
    # or weighs something against rules: "Follows all the rules: ...", "Per the guidelines: ..."
    r"^(?:follows?|broke|breaks?|violates?|per|see|check|read|about|against)\b|"
    # or quotes an error or a file: "Access to 'file:///...' has been blocked by CORS policy:"
    r"\"|(?<!\w)'[^']+'(?!\w)|://",
    re.I,
)
# A lead-in that introduces what the agent should know: "A bit of context before we start: ...".
_INTRODUCES = re.compile(
    r"\b(?:context|background|heads[- ]up|fyi|btw|by the way|remark|side note|for the record|one more thing|"
    r"small thing|quick thing|while i think of it|before i forget|(?:i )?should have (?:told|mentioned|said)|"
    r"moved|changed|update|news)\b",
    re.I,
)
# Whom the rule is for, said in the lead-in: the person, in every project.
_PERSONAL = re.compile(
    r"\b(?:(?:about|for) me|applies to me|how i (?:like to |want to |usually |always )?work|whatever project|"
    r"just me|a me[- ]thing|every (?:project|repo))\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class LeadIn:
    said: str  # what follows the lead-in
    rule: bool  # the lead-in announces a rule: what follows is one
    everywhere: bool  # the lead-in says it holds for the person in every project


def lead_in(sentence: str) -> LeadIn | None:
    """What follows a short lead-in before a colon ("A bit of context: X", "One thing that's a hard rule
    here: X"), read on its own; a rule when the lead-in announces one. None without such a lead-in, or
    when the lead-in asks for something ("Please fix the following:")."""
    opening, colon, said = sentence.partition(": ")
    said = said.strip()
    if not colon or len(opening.split()) > _MAX_LEAD_IN_WORDS or len(said.split()) < 2 or _REQUEST.search(opening):
        return None
    if (wording.opens_instruction(opening) or _is_rule(opening)) and not _PERSONAL.search(opening):
        # "Fix correctness bugs first: broken imports, ...", "We format with ruff, not black: reformatting
        # everything makes the PR unreadable": the rule, then its list or its reason
        return None
    everywhere = bool(_PERSONAL.search(opening) or cues.GLOBAL.search(opening)) and not cues.TEAM.search(opening)
    rule = bool(_ANNOUNCES.search(opening)) or lasting.standing_frame(opening)  # "Going forward: ..."
    if not (rule or _INTRODUCES.search(opening)):
        return None  # "Data Fetching: use X", "excerpt: ...": a heading or a label, not a lead-in
    return LeadIn(said, rule=rule, everywhere=everywhere)


# "goes for everything, not just this board": every context of the person's
_EVERYTHING = re.compile(r"\bfor everything\b(?! (?:in|on|under) )", re.I)
_CLOSES = re.compile(
    r"same|keep|period|full stop|no exceptions|not negotiable|non-negotiable|(?:that|this) (?:must|has to|should)", re.I
)
_RULE_WORDS = re.compile(r"\b(?:may|must|should|never|always|not|no|don'?t)\b", re.I)


def _is_rule(opening: str) -> bool:
    """The opening is a rule of its own (a prohibition, an obligation), not only the announcement of one."""
    return bool(_RULE_WORDS.search(opening)) and lasting.duration(opening) is lasting.Duration.STANDING


# "That goes for any repo I work on: ...", "That's a general preference, not just for this repo": a sentence
# that says what the one before it was.
_POINTS_BACK = re.compile(
    r"^(?:and |but |also |so )?(?:(?:that|this)(?:'?s| is| goes| applies| holds| counts)|(?:goes|applies|holds) for|"
    r"same (?:goes )?(?:for|in|across) (?:every|all|any)|keep (?:that|this) in mind|"
    r"i (?:want|like|need|prefer) (?:that|it that way|it like that)|"
    r"(?:that|this) (?:must|has to|should) (?:hold|stay|apply)|"
    # said after a rule to close it: "HIL tests hit real hardware. Period."
    r"period|full stop|no exceptions|(?:not|non)[- ]negotiable)\b",
    re.I,
)


# A sentence that is only the person's scope: "all my projects, not just this one", "in none of my projects".
_SCOPE_ONLY = re.compile(
    r"^(?:and |also |same |that'?s |this is |it'?s |goes )?(?:for |in |across |to )?"
    r"(?:all|every|any|none) (?:of )?my (?:projects?|repos?|repositories|codebases?|code|stuff|work)"
    r"(?:,? (?:too|also|as well|not (?:just|only) (?:this|here)(?: one)?))?[.!]*$",
    re.I,
)


def points_back(sentence: str) -> LeadIn | None:
    """The sentence says the one before it is a rule, and perhaps for every project; what it says after a
    colon is the reason (``said``, empty when there is none)."""
    if _SCOPE_ONLY.match(sentence.strip()):
        return LeadIn("", rule=True, everywhere=True)
    pointer = _POINTS_BACK.match(sentence)
    if pointer is None:
        return None
    opening, _, said = sentence.partition(": ")
    if not (_ANNOUNCES.search(opening) or _CLOSES.match(pointer.group(0))):
        return None
    here = cues.TEAM.search(opening) or cues.PROJECT.search(opening)
    everywhere = bool(_PERSONAL.search(opening) or cues.GLOBAL.search(opening) or _EVERYTHING.search(opening))
    return LeadIn(said.strip(), rule=True, everywhere=everywhere and not here)


# The reason said in the sentence after a rule: "Don't put sleeps in Celery tasks. The workers run with a
# concurrency of 4 and a sleeping task blocks a slot." It opens with what a reason opens with, or it
# speaks of what the rule speaks of, and it is no instruction or question of its own.
_REASON_OPENS = re.compile(
    r"^(?:because|since|otherwise|it'?s|its|it is|it \w+s|this is|that'?s|that is|the reason)\b", re.I
)
# What the person went through, told as why: "Learnt that one the hard way when ...", "returning orm
# objects has bitten me before".
_EXPERIENCE = re.compile(
    r"^(?:i )?(?:learnt|learned) (?:that|this) (?:one )?the hard way\b|"
    r"\b(?:has|have|had) (?:bitten|burned|burnt|lied to) (?:me|us)\b",
    re.I,
)
_NOT_A_REASON = re.compile(
    r"^(?:thanks?|thank you|ok(?:ay)?|yes|yeah|yep|great|nice|cool|good|looks|sorry|also|then|now|next|after that|"
    r"but|so|e\.g|i\.e|for example|let me|let'?s)\b|\?\s*$",
    re.I,
)
_MAX_REASON_WORDS = 30
_MAX_STATEMENT_CHARS = 160  # what a reviewer reads at a glance (``reading.evaluate.acceptable``)


def _instruction(sentence: str) -> bool:
    """An instruction, or a polite request for one ("can you drop the emoji checklists")."""
    request = cues.ASKING.sub("", sentence.strip(), count=1)
    return wording.opens_instruction(request) or lasting.is_instruction(request)


def reason_of(rule: str, after: str, *, given: bool = False) -> str | None:
    """``after``, worded to follow a colon, when it gives the reason for ``rule``; None otherwise.
    ``given``: the structure of the turn already says it is the reason (``pointed_at``)."""
    after = _without_task_at_hand(after.strip())
    words = after.split()
    if not words or len(words) > _MAX_REASON_WORDS or _NOT_A_REASON.search(after) or _instruction(after):
        return None
    shared = set(wording.content_stems(rule)) & set(wording.content_stems(after))
    if not (given or _REASON_OPENS.match(after) or _EXPERIENCE.search(after) or len(shared) >= 2):
        return None
    return _continued(after.rstrip(".!; "))


def with_reason(statement: str, rule: str, after: str, *, given: bool = False, prohibits: bool = False) -> str:
    """The statement with the reason the person gave right after the rule, when ``after`` is one; after a
    prohibition (``prohibits``), also with what to do instead ("Don't touch schema.rb by hand. Generate a
    migration with `bin/rails g migration`")."""
    reason = reason_of(rule, after, given=given)
    instead = alternative_of(rule, after) if prohibits and reason is None else None
    said = reason or instead or ""
    # "Task: generate the invoice PDF ..." (worded to follow a colon, so in lower case): a new item, not why
    if not said or cues.LABEL.match(said[:1].upper() + said[1:]) or cues.TASK_LABEL.match(said):
        return statement
    mark = ":" if reason else ";"
    # Within the length a reviewer reads, a long reason keeps its first clauses ("that's Tavi's folder, she
    # has her own structure ..."); how things are, said after a prohibition, is a reason too; what to do
    # instead is whole or nothing. Code spans added for paths and calls are formatting.
    for part in [said] if instead and _instruction(instead) else _shortened(said):
        joined = f"{statement.rstrip('.!; ')}{mark} {part}."
        if len(joined) <= _MAX_STATEMENT_CHARS:
            return wording.code_paths(joined)
    return statement


def _shortened(said: str) -> list[str]:
    """``said`` whole, then up to each of its clause breaks, longest first. A part of fewer than three
    words says too little; one that stops inside a condition ("... last year; if you need X") is wrong."""
    cuts = [match.start() for match in _CLAUSE_END.finditer(said)]
    parts = [part for cut in reversed(cuts) if not _OPEN_CONDITION.search(part := said[:cut].rstrip(",;: "))]
    return [part for part in (said, *parts) if len(part.split()) >= 3]


# a comma ends a clause only before what opens one: "Releases, OTA or store, go through ..." cut at its first
# comma is a list without its verb
_CLAUSE_END = re.compile(
    r"[;:](?=\s)|,(?=\s+(?:and|but|so|which|because|since|it|it'?s|they|we|i|you|that|this|otherwise)\b)|"
    r"\s(?:and|but|so|which|because)\s|\s[-\u2013\u2014]\s",
    re.I,
)
_OPEN_CONDITION = re.compile(r"(?:^|[,;:]\s)(?:if|when|unless|while|although|though|since|as)\b[^,;:]*$", re.I)


def only_explains(said: str) -> bool:
    """The sentence opens as a reason does ("It's in .gitignore on purpose") and asks nothing: no
    prohibition, obligation or wish in it."""
    opens = _REASON_OPENS.match(said.strip()) or _EXPERIENCE.search(said)
    return bool(opens) and not asks(said)


def asks(said: str) -> bool:
    """A prohibition, an obligation or a wish is in the sentence ("don't", "must", "please", "I want")."""
    return bool(_ASKS.search(said))


_ASKS = re.compile(
    r"\b(?:don'?t|do not|never|always|must|mustn'?t|should|shouldn'?t|have to|has to|need to|please|pls|"
    r"make sure|avoid|prefer|want|wanna|rather)\b",
    re.I,
)


# What an instruction says to do in place of another: "only use X", "use the logger", "go through X".
_INSTEAD = re.compile(
    r"\b(?:instead|only|rather|just use|use (?:the|our|a|an)|stick (?:to|with)|go(?:es)? through|via|"
    r"actual|real|proper(?:ly)?)\b",
    re.I,
)
# Not a statement of its own: it opens with a preposition or a bare "no" ("for each proposed change.", "no
# history tracking needed").
_FRAGMENT = re.compile(r"^(?:for|with|in|on|at|by|from|to|of|no|each|every|and|or)\b", re.I)


def _without_task_at_hand(said: str) -> str:
    """What was said, without a last sentence about the task at hand that was joined to it because it
    points back ("... builds the assets on deploy. I removed it from the commit")."""
    head, stop, tail = said.rpartition(". ")
    return head + "." if stop and _TASK_AT_HAND.search(tail) else said


def alternative_of(rule: str, after: str) -> str | None:
    """``after``, worded to follow a semicolon, when it says what to do instead of what ``rule`` just forbade:
    an instruction on the same thing or with a word of contrast ("Do not use Chart.js. Only use vanilla
    Canvas"), or a plain statement of how things are done ("Amounts are i64 minor units"); not the next
    step of a task ("Do not use withdrawn documents. Generate a lean PRD"), nor what was just done ("I
    removed it from the commit")."""
    after = _without_task_at_hand(after.strip())
    words = after.split()
    if not words or len(words) > _MAX_REASON_WORDS or _NOT_A_REASON.search(after) or _TASK_AT_HAND.search(after):
        return None
    if lasting.duration(after) is lasting.Duration.BOUNDED:
        return None
    if _instruction(after):
        related = set(wording.content_stems(rule)) & set(wording.content_stems(after))
        if not (related or _INSTEAD.search(after)):
            return None
    elif _FRAGMENT.match(after) or len(words) < 4:
        return None
    said = wording.strip_asides(cues.ASKING.sub("", after, count=1)).rstrip(".!; ")
    return _continued(said) or None


def _continued(said: str) -> str:
    """A sentence worded to go on after a colon or semicolon: its first word lower-cased, unless it is "I"
    or a name that is all capitals ("PRs")."""
    if said[:1].isupper() and not said[1:2].isupper() and not re.match(r"I\b", said):
        return said[0].lower() + said[1:]
    return said


# What points at the task at hand, not at how things are done: what the agent or the person just did,
# "it"/"that" as what is acted on, "now", "here".
_TASK_AT_HAND = re.compile(
    r"\b(?:u|you|i|we)(?:'ve| have)? (?:just |already )?(?:made|did|added|wrote|created|removed|deleted|reverted|"
    r"changed|fixed|put|ran|pushed|committed)\b|"
    r"\b(?:fix|revert|undo|delete|remove|redo|drop|move|rename|change|update|try) (?:it|that|this|them|those)\b|"
    r"\b(?:right )?now\b|\bhere'?s\b|\bfor this\b|\bthis (?:time|one|PR|branch|bug)\b",
    re.I,
)


def _reason_after_rule(rule: str, said: str) -> bool:
    """``said`` explains ``rule`` rather than being one: a reason by its words, or a statement after an
    instruction ("Say you don't know. A confident guess costs me an afternoon.")."""
    if reason_of(rule, said):
        return True
    condition, comma, then = rule.partition(", ")
    commands = _instruction(rule) or (
        bool(comma) and condition.lower().startswith(("if ", "when ")) and _instruction(then)
    )
    return commands and not _instruction(said) and not said.rstrip().endswith("?")


# A turn that opens by rejecting what the agent just did: "No.", "Nope.", "wrong board.", "revert that.",
# "why URLSession??", "absolutely not."; what it then says of the project is why.
_REJECTS = re.compile(
    r"^(?:no+|nope|nah|absolutely not|wrong\b[^.?!]{0,30}|why\b[^.?!]{0,60}\?|[\w.`()-]{1,30}\?\?+|"
    r"(?:please )?(?:revert|undo) (?:that|this|it)\b[^.?!]{0,20}|lol no|not like that)[.!?]*$",
    re.I,
)


# Where one sentence joins a remark or a task to a rule: "Rm the print — logging is structlog, kwargs not
# f-strings", "Our technicians wear gloves, so every touch target has to be at least 48dp".
_JOIN = re.compile(r"\s[-\u2013\u2014]+\s|;\s+|(?P<so>,\s+so\s+)(?!that\b|far\b|much\b|many\b|yeah\b)", re.I)
_MIN_RULE_WORDS = 4
_UNFIT_PART = re.compile(r"^[^(]*\)|\([^)]*$|\bin (?:this|that|which) case\b", re.I)


def rule_within(sentence: str, *, ruled: bool = False, refused: bool = False, corrected: bool = False) -> str | None:
    """The rule inside a sentence that grammar does not read as one whole, worded with its reason: one of its
    parts, joined by a dash, a semicolon or ", so", that grammar reads as standing on its own. A reason said
    before "so" follows it as "because ..."; a reason after it, after a colon. None when no part is one."""
    pieces = _JOIN.split(sentence)
    # re.split with a group interleaves what the group caught: the "so" joins, or None for the others
    parts, joins = [piece.strip(" ,;") for piece in pieces[::2]], [bool(join) for join in pieces[1::2]]
    for position, part in enumerate(parts):
        # only a part that asks something: "X is Y, not Z" in a part is how the person explains, not a rule, and a
        # part cut inside brackets or a case at hand is no sentence of its own
        if len(part.split()) < _MIN_RULE_WORDS or not (asks(part) or _instruction(part)) or _UNFIT_PART.search(part):
            continue
        read = lasting.duration(part, ruled=ruled, refused=refused, corrected=corrected)
        if read is not lasting.Duration.STANDING:
            continue
        before = parts[position - 1] if position else ""
        if position and joins[position - 1] and not _instruction(before):
            because = f"{part.rstrip('.!; ')}, because {_continued(before)}."
            return because if len(because) <= _MAX_STATEMENT_CHARS else part
        after = " ".join(parts[position + 1 :])
        reason = reason_of(part, after) if after else None
        with_why = f"{part.rstrip('.!; ')}: {reason}." if reason else part
        return with_why if len(with_why) <= _MAX_STATEMENT_CHARS else part
    return None


def rejects(sentence: str) -> bool:
    """The sentence rejects what the agent just did."""
    return bool(_REJECTS.match(sentence.strip()))


def pointed_at(sentences: Sequence[str]) -> tuple[list[LeadIn | None], frozenset[int]]:
    """For each sentence, what a later sentence says of it ("That goes for all my repos"), and the sentences
    that only frame another. "Ask when you don't know. A confident guess costs me an afternoon. Goes for
    everything": the pointer skips the reason and lands on the rule before it."""
    framing: list[LeadIn | None] = [None] * len(sentences)
    only_framing: set[int] = set()
    for position in range(1, len(sentences)):
        pointer = points_back(sentences[position])
        if pointer is None:
            continue
        only_framing.add(position)
        target = position - 1
        if target and framing[target - 1] is None and _reason_after_rule(sentences[target - 1], sentences[target]):
            only_framing.add(target)  # the sentence pointed at is the reason of the one before it
            pointer = LeadIn(pointer.said or sentences[target], rule=True, everywhere=pointer.everywhere)
            target -= 1
        framing[target] = pointer
    return framing, frozenset(only_framing)
