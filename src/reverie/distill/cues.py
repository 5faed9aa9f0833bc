"""The few word patterns that more than one reader shares.

Whether a sentence is an instruction, and for how long, is decided by grammar (``lasting``) and the
reading model (``reading``). What is here is shared vocabulary: the fillers and restatements to drop from
a lesson's start, the forms of a negative ("don't", "never", "no more"), "stop ...ing", "X won't work",
the scope asides that the lesson's scope replaces, interjections, the words that bound a sentence to
now ("for now", "this time") or make it a trouble of the moment ("broken", "failing"), and the marks of
what is no rule however it reads (a topic label before one, a label announcing work, a tool's report,
markdown's emphasis). They are generic
English, kept short on purpose; none is a phrasing copied from the eval generator (a test compares the
two). Patterns assume single spaces between words.
"""

from __future__ import annotations

import re

from reverie import normal


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word that leads a sentence without being part of the instruction: "no,", "so", "please", or any
# one word set off by a comma or colon ("Nah,", "Hmm:", "Again,"); "no .env files" is not "no.".
FILLER = re.compile(
    r"^(?:(?:no+[\s,!.]+)*no+(?=\s*[,.!:;-]+(?:\s|$)|\s*$|\s+(?:dont|don'?t|do not|never|stop)\b)|"
    r"(?:ok(?:ay)?|so|and|also|but|please|pls|fyi|btw|"
    r"honestly|frankly|generally|in general|personally|tbh|fwiw|heads[- ]up)\b|[a-z]+(?=\s*[,:!]\s))[\s,!.:;?-]*",
    re.I,
)
# An interjection before the instruction says nothing of how long it lasts or what it says: "wait, always
# run the linter first", "hold on, we deploy with fly, not heroku". Closed words; those that also open a
# sentence of their own ("no tests", "so we...") count only with punctuation.
INTERJECTION = re.compile(
    r"^(?:(?:(?:wait|hmm+|m+|hold on|o+h+|a+h+|whoa|woah|ugh|oops|nope|nah|well|no|yes|yeah|right|sorry|also|and|"
    r"but|so|actually|btw|fyi|sorry to (?:interrupt|jump in|butt in|bother you)|hold up|stop(?: stop)?)[,:;!.]|"
    r"(?:actually|wait|hmm+|o+h+|whoa|sorry)(?=\s)|"
    # a refusal set off by a dash before what it refuses or why: "Stop — no moment please", "Please don't — we're
    # on the managed workflow"
    r"(?:stop|no+|nope|(?:please )?(?:don'?t|do not))(?:,? please)?\s+[-\u2013\u2014]+(?=\s)|"
    # an acknowledgement before the correction: "That works, but ...", "Looks good, but ..."
    r"(?:(?:that|this|it) (?:\w+s \w+|\w+s|is \w+)|looks \w+|good|nice|great|thanks),? but(?=\s))"
    r"\s*(?:[-\u2013\u2014]+\s+)?)+",  # "wait - leave X alone"
    re.I,
)
# The person says they said it before: the instruction that follows is a repeated correction.
RESTATED = re.compile(r"^again\b[\s,!.:;?-]*", re.I)
POLITE = re.compile(r"^(?:can|could|would|will) you (?:please )?(?P<rest>(?:not|stop|always|never)\b)", re.I)
TOLD_YOU = re.compile(r"^i(?:'ve| have)?\s*(?:already )?told you\b(?:[^,:]{0,20}[,:])?\s*(not to|to|that)?\s*", re.I)
REPEATED = re.compile(r"\b(?:told you|again)\b", re.I)


# Aider's chat modes typed before the message ("/ask we can just skip ...", "/architect add a cache"): the
# person's words are what follows; the command is the tool's.
MODE_COMMAND = re.compile(r"^/(?:ask|code|architect|context)\s+(?=\S)", re.I)


def without_told_you(clause: str) -> str | None:
    """ "I told you: use pnpm" -> "use pnpm", "I told you not to X" -> "do not X"; None without that lead."""
    told = TOLD_YOU.match(clause)
    if told is None:
        return None
    return ("do not " if (told.group(1) or "").lower() == "not to" else "") + clause[told.end() :]


NEGATIVE = re.compile(
    r"^(?:please\s+)?(?:don'?t|do not|never|avoid|you (?:should|must) (?:not|never)|(?:we|i) (?:don'?t|do not|never))"
    r"\s+(?P<verb>[\w-]+)(?![.\w/])",
    re.I,
)
# Not wanting something: "I don't want X", "no `X`".
UNWANTED = re.compile(
    r"^(?:please\s+)?(?:(?:we|i) (?:really )?(?:don'?t|do not) (?:like|want)|"
    r"(?:no|without)(?=\s+[`\"'])|never(?=\s+[`\"']))\s+\S",
    re.I,
)
STOP = re.compile(r"^(?:please\s+)?stop\s+(?P<verb>\w+ing)\b", re.I)
POSITIVE = re.compile(r"^(?:please\s+)?(?:always|make sure (?:to|you)|remember to)\s+(?P<verb>[\w-]+)", re.I)
# An approach that cannot work: "upgrading numpy to 2.x won't work, it breaks pandas".
UNWORKABLE = re.compile(r"^(?P<action>\S+(?:\s+\S+){1,8}?)\s+(?:will not|does not|cannot|\w+n't) work\b", re.I)
# Scope asides, read as the lesson's scope and left out of its text.
PROJECT = re.compile(r"\b(?:in|for) (?:this|the|our) (?:repo|repository|project|codebase)\b", re.I)
# Said after a rule to widen it: "not just this repo" (every project, not this one).
NOT_JUST_HERE = (
    r"not (?:just|only) (?:for |in )?(?:this (?:repo|repository|project|codebase|code base|app|game|site|service|"
    r"library|package|product)|here)"
)
# A request asked as a question: "can you ...", "could u please ...".
ASKING = re.compile(r"^(?:and )?(?:can|could|would|will) (?:you|u) (?:please |always )?", re.I)
GLOBAL = re.compile(
    # "globally" set off as the sentence's scope ("never use sudo with pip, globally"), not the install kind
    # ("don't install packages globally" is about npm -g, in this project)
    r"\b(?:everywhere(?! (?:in|within|on) (?:this|that|the|these|those)\b)|"
    r"(?:in|for|across|to) (?:all|every|any) (?:of )?(?:my )?(?:[\w#+.-]+ )?(?:projects?|repos?|repositor(?:y|ies)|"
    r"codebases?)"
    r"(?: (?:that )?i (?:work on|work in|touch|maintain|own|write))?(?:,? not (?:just|only) this one)?|"
    r"on (?:every|all|any) (?:of )?(?:my )?machines?(?: i (?:own|use|have))?|" + NOT_JUST_HERE + r"|"
    r"(?<=, )(?:any|every|all) (?:repos?|repositor(?:y|ies)|projects?|codebases?)(?=\s*[.!]*$)|"
    # how the person wants any assistant to work with them: "with every assistant", "not a lanternfall thing"
    r"(?:with|from|for) (?:every|any|all) (?:ai )?(?:assistants?|agents?|llms?)|not an? [\w-]+ thing|"
    r"for me,? always|always for me|(?:for|in) any work with me|"
    # said after the rule: "not just this repo", "that goes for any Terraform I work on"
    r"(?:any|every|all|everything)(?: [\w-]+)? (?:that )?i work (?:on|in|with)|"
    r"(?:(?:in|for|across) )?(?:all|any|every) (?:of )?my (?:stuff|code|work|things)|"
    # "in my own projects also" ("not here, not anywhere" is as often anywhere in this codebase)
    r"in my own (?:projects?|repos?))\b"
    r"|(?:^|,\s*)globally\b",
    re.I,
)
# Words that join a sentence on to what came before, before what it says: "btw", "and", "fwiw", "heads up".
JOINED_ON = r"^(?:(?:and|also|so|btw|fyi|fwiw|tbh|oh|but|plus|note|ok|okay|yes|yeah|heads up)[,:\s]+)*"
# The person's own machine: "I'm on an M2 mac", "I work from WSL2 on Windows": theirs in every project.
PERSONAL_SETUP = re.compile(
    JOINED_ON + r"(?:i'?m|i am|i work|i develop|my (?:machine|laptop|os) is)"
    r"(?: (?:on|using|running|from|with|in))? (?:an? |my )?(?:mac(?:book)?|macos|windows|linux|wsl2?|ubuntu|"
    r"arch|fedora|debian|m[1-4](?: (?:mac|max|pro))?|apple silicon|chromebook|nixos)\b",
    re.I,
)
# "We use cursor pagination everywhere": the team's everywhere is this codebase, not every project.
TEAM = re.compile(r"\b(?:we|our|us)\b", re.I)
CODE = re.compile(r"`([^`]+)`")
WORDS = re.compile(r"[a-z0-9][a-z0-9_.+/'-]*", re.I)
# A short opener before a reminder: "Before you start, please note that ...", "btw, keep in mind that ...".
REMINDER_OPENER = r"(?:(?:before|also|btw|by the way|first|one more thing|oh|and)\b[^,]{0,25},\s*)?"
# Han, kana and hangul characters: scripts written without spaces between words.
IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"  # for a character class
IDEOGRAPHIC = re.compile(f"[{IDEOGRAPHS}]")
POINTS_BACK = re.compile(r"\b(?:it|them|that|this|those|these)\b", re.I)
# Words that say nothing of what a statement is about: the one list (``reverie.normal``), with the
# contractions as this module's ``WORDS`` reads them ("don't" is one word here).
STOPWORDS = normal.STOP_WORDS | words_of("don't doesn't can't won't shouldn't i've we've you've it's")
NOT_VERBS = words_of(
    "a an the this that these those it its there here i we you he she they my our your their what why how which who "
    "is are was were be been am do does did can could would will should shall may might must has have had not no yes "
    "ok okay so and but or if then for in on at with to from by of about into since until because as like"
)

# Bounded to now: "for now", "this time", "just once", "today", "temporarily", a prohibition "yet".
BOUNDED = re.compile(
    r"\b(?:for now|for the moment|for the time being|at this time|at the moment|this time|just once|only once|"
    r"just this once|today|"
    r"tonight|tomorrow|temporarily|right now|not now|"
    # a prohibition "yet": "do not commit this one yet"
    r"(?<=\w )yet(?= though\b| unless\b|[.,!]|$)|"
    r"until (?:further notice|we|i|you|the)\b[^.]*\b(?:fix|merge|release|done))\b",
    re.I,
)
# A state of the moment, not how the project works: "In this repo, the tests are broken".
TROUBLE = re.compile(
    r"\b(?:broken|failing|fails|failed|missing|wrong|down|slow|flaky|bug|bugs|error|errors|crash\w*)\b", re.I
)
# The words of a label that announces a piece of work: "TODO:", "Goal:", "Phase 2:".
_WORK_LABELS = r"todo|to-do|goal|step|plan|ticket|bug|fix|question|problem|request|feature|story|phase"
# A label before what is said, as items of a rule list carry them ("Type Hints: Use type hints for all public
# functions", "Async testing: use anyio, not asyncio"); a frame ("In this repo:", "From now on:") is no label.
# A label names a topic: no article, pronoun, verb or "let me" in it ("Fix the import: X comes from Y" is a task,
# "kubectl is read-only: get, describe, logs are fine" a sentence).
LABEL = re.compile(
    r"^(?!(?i:in|for|from|as|by|on|at|to|with|across|according|next|going|moving|note that|let)\b)"
    # "TODO: add everywhere the --plain option": a label that announces a piece of work keeps it one
    rf"(?!(?i:{_WORK_LABELS})\b)"
    r"(?![^:]{0,60}?\b(?i:the|a|an|this|that|these|those|it|me|my|our|your|we|i|is|are|was|were|be|has|have|do|"
    r"does|must|should|can|will)\b[^:]{0,60}:)"
    r"[A-Z][\w/&+.-]*(?: [\w/&+.-]+){0,2}: (?=\S)"
)
# Markdown's underlined emphasis around words ("__Always__ run the linter"), never a dunder name ("__init__.py",
# "__main__": no capital or space inside) or a path.
UNDERLINED = re.compile(r"(?<![\w@/.])__(?=[^_]*[A-Z ])(?=[^\W_])(?P<words>[^_]+?)(?<=[^\W_])__(?![\w.])")
# A tool's report, not a rule: "No fixes available (4 hidden fixes can be enabled ...)", "No tests found".
TOOL_REPORT = re.compile(
    r"^no (?:[\w-]+ ){0,3}?(?:available|found|detected|remaining|left|selected|collected|matched|changed)\b", re.I
)
# A label that announces a piece of work or a new item, not a reason: "TODO: ...", "Goal: ...".
TASK_LABEL = re.compile(rf"^(?:{_WORK_LABELS})\b[^:]{{0,20}}:", re.I)
