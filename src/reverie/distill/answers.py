"""An answer to the agent's question, read with its question.

"pnpm" says nothing alone; as the answer to "Which package manager should we use?" it is the project's
choice. Only questions about how the project works become lessons: which tool, package manager, test
runner, framework, library, database, language, style or branch the project uses or should use.
Questions about the task at hand ("How would you like me to proceed?", "Where should the panel live in
the new layout?", "Which approach sounds most promising?") give nothing: in real sessions most answers
are decisions of the moment or of the product's design. What a convention answer gives is said as
plainly as "use pnpm", and is active at once like it. The words here are grammar (interrogatives,
auxiliaries, the nouns that name a kind of tool), not phrasings of anyone's questions.
"""

from __future__ import annotations

import re

_KINDS = (
    r"package manager|test runner|test framework|tools?|linters?|formatters?|frameworks?|librar(?:y|ies)|"
    r"databases?|db|languages?|runtimes?|style|conventions?|branch|registry|orm|bundler|build tool|"
    r"(?:node|python|go|java|ruby) version|versions?|licen[cs]e|indentation"
)
_CONVENTION = re.compile(
    r"^(?:(?:ok|so|and|also),?\s+)?(?:which|what)\s+(?P<kind>(?:[\w.+-]+\s+){0,2}?(?:" + _KINDS + r"))\s+"
    r"(?:should|shall|will|would|do|does|are|is)\s+(?:we|i|you|(?:the|this|our) \w+)\s+"
    r"(?:\w+\s+){0,3}?(?P<verb>use|set up|adopt|prefer|follow|target|standardi[sz]e on|go with|stick with)\b",
    re.I,
)
# The short forms of the same question: "What database for storing metadata?", "What is your preferred backend
# language/stack?", "Which test framework?" (the kind is named; the verb is "use").
_CONVENTION_SHORT = re.compile(
    r"^(?:(?:ok|so|and|also),?\s+)?(?:which|what)\s+(?:(?:is|are)\s+(?:your|the|our)\s+)?(?:preferred\s+)?"
    r"(?P<kind>(?:[\w.+-]+\s+){0,2}?(?:" + _KINDS + r"))(?:/[\w.+-]+)*"
    r"(?P<purpose>\s+(?:for|to)\s+(?!(?:this|that|it|the task|now)\b)[^?]{1,60}?)?\s*\?$",
    re.I,
)
_RECOMMENDED = re.compile(r"\s*\((?:recommended|default)\)\s*$", re.I)
_NOT_A_CHOICE = re.compile(r"^(?:yes|no|ok|okay|sure|other|none|skip|either|both|all|any|you decide|up to you)\b", re.I)
_VERBS = {"go with": "use", "stick with": "use", "standardise on": "use", "standardize on": "use"}
MAX_ANSWER_CHARS = 60
TYPED_WORDS = 5  # an answer this long is the person's own sentence ("Other"), not an option's label


def convention(question: str, answer: str) -> str | None:
    """The instruction an answer gives to a question about the project's conventions, or None:
    "Which package manager should we use?" answered "pnpm" is "Use pnpm as the package manager."."""
    said = re.split(r"(?<=[.!?:])\s+", " ".join(question.split()))[-1]  # "Q: 9. What database ...?": its last sentence
    asked = _CONVENTION.match(said) or _CONVENTION_SHORT.match(said)
    chosen = _RECOMMENDED.sub("", " ".join(answer.split())).strip(" .")
    if asked is None or not chosen or len(chosen) > MAX_ANSWER_CHARS or _NOT_A_CHOICE.match(chosen):
        return None
    if re.search(r"[.!?]\s", chosen):
        return None  # a sentence of its own: the person's words are read as typed, not as a choice
    found = asked.groupdict()
    verb = (found.get("verb") or "use").lower()
    verb = _VERBS.get(verb, verb)
    purpose = (found.get("purpose") or "").rstrip()
    return f"{verb[0].upper()}{verb[1:]} {chosen} as the {asked['kind'].lower()}{purpose}."


def asked_last(words: str) -> str | None:
    """The question the agent's last words end with ("... Which test runner should we use?"), if any: a
    short reply typed after it answers it as the question tool's answer would."""
    tail = " ".join(words.split())[-400:]
    if not tail.endswith("?"):
        return None
    return re.split(r"(?<=[.!?:])\s+", tail)[-1]


def typed_sentence(answer: str) -> bool:
    """Whether an answer reads on its own: typed by the person rather than an option's short label."""
    return len(_RECOMMENDED.sub("", answer).split()) >= TYPED_WORDS
