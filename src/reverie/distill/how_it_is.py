"""How the project is, said as a fact or as the team's way: a statement that lasts by what it says.

"The default branch is master, not main", "We use pnpm", "we're on node 20", "our CI runs on self-hosted
runners", "the team standard here is AssertJ", "nothing experimental goes in there", "In this repo, tests
live next to the code", "catchup is off on every DAG in this repo", "I write British English everywhere,
in all my projects". ``lasting`` asks, after it has read the sentence's frame (``framed``) and whether it
is an instruction; a statement of a plan, a wish, a trouble or a state of the moment is not how the
project is. Generic English only; the dev split, the rule files and unlabelled prompts decided each word
(docs/reading.md).
"""

from __future__ import annotations

import re

from reverie.distill import cues, environment

# Every project of the person's, said in so many words (not a bare "everywhere", which is often the codebase's).
_EVERY_PROJECT = re.compile(
    r"\b(?:in|for|across|to) (?:all|every|any) (?:of )?my (?:projects?|repos?|repositories|codebases?)\b"
    # the person's own habit, everywhere: "I write British English everywhere"
    r"|^i (?:always |only )?(?!(?:see|saw|get|got|have|had|tried|try|looked|searched|checked)\b)[a-z]+s? "
    r"[^,.;]{1,60}\beverywhere\b",
    re.I,
)
# The scope frames of a lead-in (``lasting``): what follows is about the project (or every project), not the moment.
_SCOPE_FRAME = re.compile(
    r"^(?:in|for|across) (?:this|the|our|all|every|any) (?:(?:of )?(?:my|our) )?"
    r"(?:repo|repos|repository|repositories|project|projects|codebase|codebases)[,:]\s+",
    re.I,
)
# How the project is, said of a place in it: "catchup is off on every DAG in this repo", "staging is views
# across the board here". Not a plan or a state of the moment.
_PROJECT_WIDE = re.compile(
    r"\b(?:in|across|within) (?:this|our) (?:repo|repository|project|codebase|app|application|system|team)\b|"
    r"\bacross the board\b|\bthroughout\b(?! (?:the|this|that) (?:day|week|session|conversation|file|function))|"
    # "amounts are int64 cents everywhere", "same everywhere": a present statement of the codebase
    r"\beverywhere(?=\s*(?:[,.;!]|$))",
    re.I,
)
# A state kept on purpose is how the project is: "there's no heap in this image, HEAP_SIZE=0 on purpose".
_ON_PURPOSE = re.compile(r"\b(?:on purpose|deliberately|by design|intentionally)\b", re.I)
_PRESENT_STATE = re.compile(
    r"\b(?:is|are|isn'?t|aren'?t|stays?|lives?|goes|belongs?|runs?|uses?|carries|has|have|gets|starts|ends|follows|"
    r"needs|there'?s)\b(?!.*\bwork)",
    re.I,
)
_PLANNED = re.compile(r"\b(?:now|let'?s|going to|gonna|will|would|following|want|wanted|try|trying|plan|need)\b", re.I)
# An obligation or a prohibition said with a modal: what a standing frame makes a rule.
_MODAL_RULE = re.compile(
    r"\b(?:(?:must|should|shall)(?:n'?t| not)?|(?:may|can)(?:n'?t| not| never| only)|cannot)"
    r"(?: (?:never|always|only))?\b",
    re.I,
)
# The frames that make what follows a rule, not a description ("usually", "by default", "according to").
_RULE_FRAME = re.compile(
    r"\b(?:as a (?:general )?rule|from now(?: on)?|going forward|moving forward|from here on|henceforth|next time|"
    r"in (?:the )?future|by (?:team )?(?:agreement|convention))\b",
    re.I,
)
# "In general" also opens a specification ("In general, all characters should be present"): only with a
# prohibition it says how to work.
_GENERAL_FRAME = re.compile(r"\b(?:in general|generally)\b", re.I)
_NEVER_MODAL = re.compile(r"\b(?:must|should|shall|may|can)(?:n'?t| not)? (?:never|not ever)\b|n'?t ever\b", re.I)
# The team's convention in the present simple: "We use pnpm.", "We only use Tailwind for styles."
_WE_USE = re.compile(
    r"^(?:(?:please|and|also|so|fyi|btw|note)[\s,:]+)*"
    r"we (?:only |just |now |do not |don'?t )?use (?!(?:it|this|that|them)\b)\S"
    # what the team never does: "we don't helm install anything", "nobody kubectl applies to prod by hand"
    r"|^(?:(?:and|also|so|fyi|btw|note)[\s,:]+)*we (?:do not|don'?t|dont) "
    r"(?!(?:know|have|see|need|want|get|understand|care|mind|like|think|remember|do|expect|use)\b)"
    r"[\w-]+(?: [\w-]+)? anything\b"
    r"|^(?:(?:and|also|so|fyi|btw|note)[\s,:]+)*(?:nobody|no one)(?: here)?(?: [\w-]+)? [\w-]+s\b.{0,60}"
    r"\b(?:by hand|manually|directly|to prod|in prod|on prod)\b"
    # the person's own tool for all of their work: "i use uv for everything"
    r"|^(?:(?:and|also|so|fyi|btw|note)[\s,:]+)*i (?:only |always )?use (?!(?:it|this|that|them)\b)\S+ for everything\b"
    # or another habit of how the team works: "We pin exact versions", "We treat warnings as errors"
    r"|^(?:(?:and|also|so|fyi|btw|note)[\s,:]+)*we (?:always |usually |generally |only )?"
    r"(?:pin|treat|validate|version|squash|rebase|tag|sign|host|deploy|publish|release|ship|lint|format|"
    r"document|follow|prefer|target|support|store|name) (?!(?:it|this|that|them)\b)\S"
    # what the team tries to keep to: "We try really hard to keep custom JS small"
    r"|^(?:(?:and|also|so|fyi|btw|note)[\s,:]+)*we (?:always )?(?:try|aim|strive) (?:\w+ )?(?:hard )?to "
    r"(?:keep|avoid|use|write|stick|stay|limit)\b",
    re.I,
)
# The platform the team is on, named with its version: "we're on node 20", "we are on aws-sdk-go-v2".
_WE_ARE_ON = re.compile(
    r"^(?:(?:so|and|also|fyi|btw|note|but)[\s,:]+)*we(?:'re| are) (?:now |still )?on "
    r"(?!(?:step|line|phase|part|track|iteration|attempt|round|day|ticket|pr|the|a|it)\b)"
    r"(?:[\w.]+ )?(?:v?\d[\w.]*|[a-z]+-[\w.-]+|`[^`]+`)(?=\s|[.,;!]|$)"
    # "we're on mocktail here, no mockito", "we're pinned to flutter 3.22 through fvm"
    r"|^(?:(?:so|and|also|fyi|btw|note|but|heads up)[\s,:]+)*we(?:'re| are) "
    r"(?:on [\w.`-]+(?: here| now)?, (?:no|not) \S|pinned to \S)",
    re.I,
)
# A setting of the project stated as a fact: "the default branch is master", "my build command is
# `make install`", "the dev server port is 5173". The value is one token (a name, a number, code), not a
# state ("the port is already in use").
_SETTING = re.compile(
    r"^(?:(?:so|and|also|fyi|btw|note)[\s,:]+)*(?:the|my|our) (?:[\w-]+ ){0,3}"
    r"(?:command|script|branch|port|url|host|database|db|version|package manager|runtime|registry|remote|env|"
    r"environment|folder|directory|entry ?point|model) (?:is|are) "
    r"(?!(?:already|not|still|now|currently|wrong|broken|missing|empty|down|behind|ahead|fine|ok|set|used|in)\b)"
    r"(?:`[^`]+`|[\w.:/@-]+)(?=\s*(?:$|[.,;!]|\band\b))|"
    # "the dev server runs on port 3000"
    r"^(?:the|my|our) (?:[\w-]+ ){0,2}(?:server|app|api|service|database|db|frontend|backend) "
    r"(?:runs|listens|is served|is available) on port \d+|"
    # the oldest version the project supports, named first: "Python 3.12 is the minimum version we support"
    r"^[\w.+#-]+ v?\d+(?:\.\d+)* (?:\([^)]*\) )?is (?:the|our) (?:minimum|min|oldest|lowest|earliest)"
    r"(?: supported)? (?:version|target|release|api level)\b",
    re.I,
)
_FACT_CONTRAST = re.compile(
    r"^(?!(?:it|this(?! (?:project|repo|repository|codebase|app)\b)|that|these|those|i|you|we|he|she|they|"
    r"since|because|if|when|as|although|so|later)\b)"
    r"(?:(?:the|our|this|my) )?[\w .-]{1,40}? "
    r"(?:is|are|lives?|runs?|uses?|go(?:es)?|sits?|belongs?|comes? from|gets? \w+ed) "
    r"(?!(?:for )?(?:it|this|that)\b)[^,]{1,80}, "
    r"(?:not|never|rather than) \S",
    re.I,
)
# "But these are in Ship.cs, not ...": a leading conjunction joins the sentence to what came before; the
# subject after it decides ("these" is the thing at hand).
_CONJUNCTION = re.compile(r"^(?:but|and|so|also|yet)[\s,]+", re.I)
_REMEMBER = re.compile(
    # after a short opener: "Before you start, please note that ..."
    "^" + cues.REMINDER_OPENER + r"(?:(?:please|pls)[\s,]+)?"
    r"(?:(?:remember|note|reminder|be aware) that|"
    r"(?:keep|bear) in mind(?: that)?) (?!to\b)\S",
    re.I,
)
# The standard named as one: "the team standard here is AssertJ", "our convention is snake_case".
_STANDARD = re.compile(
    r"^(?:the |our )?(?:team(?:'s)? |house |project(?:'s)? )?(?:standard|convention|rule|policy) "
    r"(?:here |in this \w+ |for (?:this|our) \w+ )?is\b(?! not\b)",
    re.I,
)
# "its pnpm btw. not npm": the one thing, not the other (two names, not two states)
_ITS_NOT = re.compile(
    r"^(?:it'?s|its) (?!(?:fine|ok|okay|good|bad|broken|done|working|not|a|an|the|just|only|still|now)\b)[\w.-]+"
    r"(?: btw| here)?[.,]? not (?!(?:working|a|an|the|just|only|that|what)\b)[\w.-]+[.!]?$",
    re.I,
)
# "Nothing experimental goes in there", "X is pinned at v2.6.1": where things may not go, what stays fixed.
_NOTHING_GOES = re.compile(
    r"(?:^|, )nothing (?:[\w-]+ ){0,2}(?:goes|gets|belongs|lives) (?:in|into|on|under)\b|"
    # "nothing gets deleted in this admin, ever"
    r"^nothing (?:[\w-]+ ){0,2}(?:gets|is|may be|should be) \w+ed\b.*,? ever\b|"
    r"^(?:(?:so|and|also|fyi|btw)[\s,:]+)*(?:the |our )?[\w .-]{1,40}? (?:is|are) pinned (?:in|at|to)\b",
    re.I,
)
# The codebase's own way: "whole codebase uses the auth() helper".
_CODEBASE_USES = re.compile(
    r"^(?:the |our )?(?:whole |entire )?(?:codebase|code ?base|project|repo|app) (?:\w+ )?(?:uses|is on|runs on) \w",
    re.I,
)
# The team's setup: "Our HPC uses SLURM", "our CI runs on self-hosted runners".
_OUR_SETUP = re.compile(r"^our (?:[\w-]+ ){0,2}(?:uses|runs on|lives in)\s+\w(?!.*\buntil\b)", re.I)
# "the service role key does NOT go anywhere near browser code": where a thing never goes
_NEVER_GOES = re.compile(
    r"^(?:the |our )?[\w .-]{1,40}? (?:does not|doesn'?t|do not|don'?t|never) (?:go|goes|belong|get|gets|live|end up) "
    r"(?:anywhere|in|into|near|on)\b",
    re.I,
)


def said(text: str, body: str, *, framed: bool, instruction: bool) -> bool:
    """A statement of how the project (or the person's every project) is: a setting, a corrected fact, the
    team's way, what is pinned or kept on purpose, where things go or never go."""
    unbounded = not cues.BOUNDED.search(text)
    if _EVERY_PROJECT.search(text) and unbounded and not cues.TROUBLE.search(text) and len(text.split()) >= 4:
        return True  # "I write British English everywhere, in all my projects"
    if _SCOPE_FRAME.match(text) and unbounded and not cues.TROUBLE.search(body) and len(body.split()) >= 3:
        return True  # "In this repo, tests live next to the code": how the project is, by its frame
    # With the project as its place ("X is off on every DAG in this repo"), after a standing frame ("As of
    # Monday, CI runs on our own runners"), or kept on purpose
    if (_PROJECT_WIDE.search(text) or framed or _ON_PURPOSE.search(text)) and present_state(body, instruction):
        return True
    frame = text[: len(text) - len(body)]
    ruling = _RULE_FRAME.search(frame) or (_GENERAL_FRAME.search(frame) and _NEVER_MODAL.search(body))
    if framed and ruling and _MODAL_RULE.search(body) and not cues.TROUBLE.search(body):
        return True  # "in general a debug build should never ever talk to kestrel-prod"
    return bool(
        ((_WE_USE.match(body) or _WE_ARE_ON.match(body)) and unbounded)
        or _SETTING.match(body)
        or _FACT_CONTRAST.match(_CONJUNCTION.sub("", text, count=1))
        or _REMEMBER.match(text)
        or _STANDARD.match(body)
        or _ITS_NOT.match(body)
        or _NOTHING_GOES.search(body)
        or _CODEBASE_USES.match(body)
        or _OUR_SETUP.match(body)
        or _NEVER_GOES.match(body)
        or (environment.describes_setup(text) and unbounded)  # "staging runs on Fly.io"
    )


def present_state(text: str, instruction: bool) -> bool:
    """A statement in the present of how things are, not an instruction, a plan, a wish or a trouble."""
    return (
        not instruction
        and bool(_PRESENT_STATE.search(text))
        and len(text.split()) >= 4
        and not re.search(r"\b(?:i|i'm|i've|my)\b", text, re.I)  # what the person sees or did, not the project
        and not re.search(r"\"(?:[^\"]+\s){4,}[^\"]*\"", text)  # quoting someone's sentence
        and not (cues.BOUNDED.search(text) or cues.TROUBLE.search(text) or _PLANNED.search(text))
        and not re.match(
            r"^(?:i|you|we|can|could|would|please|how|what|why|where|is|are|do|does|that'?s|this|that|it'?s|it)\b",
            text,
            re.I,
        )
    )
