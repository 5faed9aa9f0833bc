"""The cues of instructions in typed text: the vocabulary that ``statements`` reads.

Kept apart from the parser so that the grammar reads in one place: fillers and restatements that
lead a sentence, frames that say an instruction lasts (or only conditions it), the shapes of
negative, positive and "stop doing" instructions, scope and one-off qualifiers, and the words that
are never verbs. Patterns assume single spaces between words (``statements`` normalises them), so
that none of them backtracks badly on long lines.
"""

from __future__ import annotations

import re

FILLER = re.compile(
    r"^(?:(?:no+|nope|nah)(?=\s*[,.!:;-]|\s*$)|ok(?:ay)?|alright|hey|hi|hm+|ugh+|sigh|well|so|and|also|but|"
    r"actually|wait|look|listen|sorry|wrong|oops|hmm|please|pls|btw|fyi|note|i mean|quick one|change of plan)"
    r"\b[\s,!.:;?-]*",
    re.I,
)
# Saying that it was said before: the instruction that follows is a repeated correction.
RESTATED = re.compile(
    r"^(?:again|once again|(?:as|like) i (?:said|told you|mentioned)(?: before| last time| earlier| already)?|"
    r"we(?:'ve| have) been over this|i(?:'ve| have)? already (?:said|told you)(?: this| that)?(?: before)?|"
    r"how many times(?: do i (?:have|need) to (?:tell|say|ask)(?: you)?(?: this)?)?|for the (?:last|\w+) time|"
    r"(?:this is the )?last time(?=\s*[,:;!-])|once more)"
    r"\b[\s,!.:;?-]*",
    re.I,
)
POLITE = re.compile(r"^(?:can|could|would|will) you (?:please |pls )?(?P<rest>(?:not|stop|quit|always|never)\b)", re.I)
TOLD_YOU = re.compile(
    r"^i(?:'ve| have| had)?\s*(?:already |just )?(?:told|asked) you(?: (?:twice|before|already|repeatedly|last time))?"
    r"[,:]?\s*(not to|to|that)?\s*",
    re.I,
)
TEMPORAL = re.compile(
    r"^(?:from now on|going forward|in (?:the )?future|next time|for future reference|as a rule|by default)"
    r"(?:\s*[,:]\s*|\s+)",
    re.I,
)
I_SAID = re.compile(r"^i (?:already )?said(?: (?:before|earlier|last time))?\s*[,:-]?\s*", re.I)
LASTING_FRAME = re.compile(
    r"^(?:(?:from now on|going forward|in (?:the )?future|next time|for future reference|as a rule|by default|"
    r"(?:whenever|every ?time|each time) [^,]{1,80}|"
    r"(?:in|for|within) (?:this|the|our) (?:repo|repository|project|codebase|code base|workspace)|here|in general)"
    r"\s*(?:[,:]|\s-)\s*|"
    r"(?:everywhere|globally|in (?:all|every|any) (?:of )?(?:my |our )?(?:projects?|repos?|repositories|codebases?)|"
    r"no matter (?:the|which|what) (?:project|repo))\s*(?:[,:]|\s-)?\s*)",
    re.I,
)
CONDITION_FRAME = re.compile(
    r"^(?:(?:when|if|before|after|once|while|unless) [^,]{1,80}|for now|today|this time|just this once|[a-z]+ly)"
    r"\s*[,:]\s*",
    re.I,
)
QUESTION = re.compile(
    r"^(?:should|shall|can|could|would|will|do|does|did|is|are|was|were|what|why|how|where|which|who|"
    r"may|might|have|has)\s+(?:we|i|you|it|there|this|that|they)\b",
    re.I,
)
NEGATIVE = re.compile(
    r"^(?:please\s+)?(?:don'?t|do not|never|avoid|no more|you (?:should|must|shall|need to) (?:not|never)|"
    r"you (?:shouldn'?t|mustn'?t|can'?t|cannot)|(?:we|i) (?:don'?t|do not|never))\s+(?P<verb>[\w-]+)(?![.\w/])",
    re.I,
)
# Negative preferences: not doing something, but not wanting something.
UNWANTED = re.compile(
    r"^(?:please\s+)?(?:(?:we|i) (?:really |just )?(?:don'?t|do not) (?:like|want|use)|leave out|hands off|"
    r"stay out of|keep out of|stay away from|keep away from|no more|"
    r"(?:no|without)(?=\s+[`\"'])|never(?=\s+[`\"']))\s+\S",
    re.I,
)
STOP = re.compile(r"^(?:please\s+)?(?:stop|quit)\s+(?P<verb>\w+ing)\b", re.I)
POSITIVE = re.compile(
    r"^(?:please\s+)?(?:always|make sure (?:to|you)|be sure to|remember to|don'?t forget to|"
    r"you (?:should|must|need to) always|(?:we|i) always)\s+(?P<verb>[\w-]+)",
    re.I,
)
# An approach that cannot work: "upgrade numpy to 2.x won't work, it breaks pandas"; "we can't <do X>".
UNWORKABLE = re.compile(
    r"^(?P<action>\S+(?:\s+\S+){1,8}?)\s+(?:won't|will not|doesn't|does not|can't|cannot) work\b", re.I
)
REMEMBER_FACT = re.compile(
    r"^(?:please\s+)?(?:remember|keep in mind|for future reference)\s*[,:]?\s+(?:that\s+)?", re.I
)
NOT_DIRECTIVE_TEXT = (
    "worry know think understand mind bother panic care get see like want "  # "don't worry", "never mind"
    "in on at for with to the a an from by into than of about"  # "never in .env files": no verb at all
)
NOT_DIRECTIVES = frozenset(NOT_DIRECTIVE_TEXT.split())
EXPLICIT = re.compile(
    r"\b(?:always|never|ever|any ?more|from now on|going forward|in (?:the )?future|next time|every ?time|"
    r"whenever|each time|by default|as a rule|remember|keep in mind|no matter what|at all times|"
    r"under no circumstances)\b",
    re.I,
)
PROJECT = re.compile(
    r"\b(?:in|for|within) (?:this|the|our) (?:repo|repository|project|codebase|code base|workspace)\b|"
    r"\bhere\b|\bthis (?:repo|repository|project|codebase)\b",
    re.I,
)
GLOBAL = re.compile(
    r"\b(?:everywhere|globally|in general|(?:in|for|across) (?:all|every|any) (?:of )?(?:my |our )?"
    r"(?:projects?|repos?|repositories|codebases?)|whatever the project|"
    r"no matter (?:the|which|what) (?:project|repo))\b",
    re.I,
)
ONE_OFF = re.compile(
    r"\b(?:(?:just |only )?this (?:once|time)|just once|only once|for now|(?:just )?for today|today|tonight|"
    r"right now|temporarily|for the (?:moment|time being)|in this session|"
    r"for this (?:task|session|pr|commit|change|run|branch|one|ticket|demo)|until|for a (?:bit|while)|"
    r"for the next)\b",
    re.I,
)
REPEATED = re.compile(
    r"\b(?:i(?:'ve| have| had)?\s*(?:already |just )?(?:told|asked) you|i said|how many times|"
    r"(?:the )?(?:second|third|\d+(?:st|nd|rd|th)) time)\b",
    re.I,
)
PROCEDURE = re.compile(r"\b(?:before|after|then|first|once you)\b", re.I)
CODE = re.compile(r"`([^`]+)`")
WORDS = re.compile(r"[a-z0-9][a-z0-9_.+/'-]*", re.I)
STOPWORD_TEXT = (
    "a an the and or but if then than to of in on at for with by from as is are be been was were it its this that "
    "these those you your we our i me my us he she they them their there here do does did don't dont not no never "
    "doesn't can't won't shouldn't i've we've you've it's "
    "always ever please just use using should must shall need needs can could would will any all every each "
    "anymore again from now on going forward future next time whenever when so also stop quit avoid make sure "
    "remember keep mind note told said said, repo repository project codebase everywhere globally instead rather "
    "over prefer ok okay only once today until be have has had get got"
)
STOPWORDS = frozenset(STOPWORD_TEXT.split())
NOT_VERB_TEXT = (
    "a an the this that these those it its there here i we you he she they my our your their what why how "
    "which who is are was were be been am do does did can could would will should shall may might must has "
    "have had not no yes ok okay so and but or if then for in on at with to from by of about into since until "
    "because as like"
)
NOT_VERBS = frozenset(NOT_VERB_TEXT.split())
CONTINUES = re.compile(r"^(?:not|rather than|instead of)\s", re.I)
CLAUSE_BREAK = re.compile(
    r"\s*(?:[,;]|\s[-\u2013\u2014])\s+(?=(?:and |but |so |then )?(?:don'?t|do not|never|always|please|stop|make sure|"
    r"from now on|going forward|instead of)\b)",
    re.I,
)


ONLY_POINTERS = re.compile(r"^(?:it|them|that|this|those|these|one)\b[\s.!?]*(?:please|pls)?[\s.!?]*$", re.I)
EMBEDDED = re.compile(r"[,;]\s+(?:and\s+|but\s+|so\s+)?(?P<directive>(?:don'?t|do not|never|always)\b.*)$", re.I)
VERBLESS = re.compile(
    r"^(?:and |but |so |then )?(?:don'?t|do not|never|always)\s+(?:in|on|at|for|with|to|the|a|an|from|by|into)\b", re.I
)
POINTS_BACK = re.compile(r"\b(?:it|them|that|this|those|these)\b", re.I)
# A report of something broken, or a request for help with it: never a standing instruction.
REPORT = re.compile(
    r"\b(?:(?:can|could|would|will) you (?:please |pls )?(?:look|check|see|help|fix|investigate|take a look|debug)|"
    r"(?:is|are|keeps?|kept) (?:failing|broken|crashing|erroring|timing out|red)|"
    r"(?:fails|failed|failing|broke|broken|crashe[sd]|crashing) again|not working|doesn'?t work anymore)\b",
    re.I,
)
# "Remove the emojis. I don't do that.": a task whose reason says the thing removed is unwanted.
REMOVAL_DISLIKED = re.compile(
    r"^(?:remove|drop|strip|delete|take out|get rid of)\s+(?P<object>[^.!?]{2,80}?)[.!]?\s+(?:i|we)\s+"
    r"(?:really\s+)?(?:don'?t|do not|never)\s+(?:do|like|want|use|add)\s+(?:that|this|it|them|those)\b",
    re.I,
)
# "no X" / "without X" with a bare noun: an instruction only when a cue says it lasts ("no idea" is not).
BARE_UNWANTED = re.compile(r"^(?:no|without)\s+[\w`\"'][\w.-]*(?:\s+[\w.-]+){0,5}\s*[.!]*$", re.I)
