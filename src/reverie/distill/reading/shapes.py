"""Sentence shapes that mark a lasting instruction in any phrasing, found by reading the dev split's
out-of-fold mistakes (never the holdout): what the standing sentences the model missed have in
common is grammar, not words.

* **conditional**: "when/if/whenever/before/after X, (always) do Y": a rule for a kind of situation;
* **ensure**: "make sure / be sure / ensure / remember to / don't forget to" ...;
* **obligation by subject**: a modal ("should", "must", "need to", "have to") and who it binds: we or
  you (a convention), a generic noun ("each rule should", "the code must"), "I" (what the person
  needs now), or "it/this/that" (the thing at hand);
* **generic subject**: a plural noun opening a present-tense statement ("tests go in tests/unit",
  "rules should be cursor rules");
* **we + verb**: "we use X", "we deploy with Y": a team's habit stated as a fact;
* **I want**: "I want / I'd like / I prefer ...": what the person wants, now or always;
* **location**: "X lives in / goes in / belongs in Y": where things are kept;
* **prefer**: "prefer", "rather";
* **future**: "next time", "in the future", "whenever", "every time": beyond the task at hand;
* **request**: "can you", "help me", "let's": a request for work now.

The word classes are closed grammar (subjects, modals, prepositions), not phrasings of instructions.
"""

from __future__ import annotations

import re

from reverie.distill.reading.grammar import NOT_VERBS, words_of

_CONDITIONS = words_of("when whenever if before after once")
_OBLIGATIONS = words_of("should must shall need needs have has ought")
_GENERIC_SUBJECTS = words_of("each every all any")
_DEICTIC_SUBJECTS = words_of("it this that these those")
_PLURAL_VERBS = words_of("should must are use go live need have can cannot don't never always belong stay")
_ENSURE = re.compile(r"\b(?:make sure|be sure|ensure|remember to|don'?t forget)\b")
_LOCATION = re.compile(r"\b(?:lives?|goes|go|belongs?|sits?|stored|kept|located)\s+(?:in|under|inside|at)\b")
_FUTURE = re.compile(r"\b(?:next time|in (?:the )?future|whenever|every time|each time|any ?time)\b")
_REQUEST = re.compile(r"^(?:(?:can|could|would|will) you|help me|let'?s|lets)\b|\bhelp me\b|\bi (?:need|want) you to\b")
_I_WANT = re.compile(r"^i(?:'d| would)? (?:want|like|prefer|need)\b")
_PREFER = words_of("prefer prefers preferred rather")


def shapes(sentence: str, words: list[str], openers: tuple[str, str], imperative: bool) -> set[str]:
    """The generalising shape features of a sentence: ``words`` are its tokens, ``openers`` the word it
    opens with (after discourse markers) and the one after a short frame ("From now on, use ..."),
    ``imperative`` whether its main clause opens with a bare verb."""
    lowered = " ".join(words)
    opening, first = openers
    found = {f"obliges:{who}" for who in [_obliged(words)] if who}
    flags = {
        "conditional": _conditional(sentence, opening) or _conditional(sentence, first),
        "ensure": bool(_ENSURE.search(lowered)),
        "generic_subject": _generic_subject(words, opening),
        "we_verb": opening == "we" and _verb_after(words, "we"),
        "i_want": bool(_I_WANT.search(lowered[lowered.find(opening) :] if opening else lowered)),
        "location": bool(_LOCATION.search(lowered)),
        "prefer": bool(set(words) & _PREFER),
        "future": bool(_FUTURE.search(lowered)),
        "request": bool(_REQUEST.search(lowered[lowered.find(opening) :] if opening else lowered)),
    }
    found.update(name for name, on in flags.items() if on)
    if flags["conditional"] and imperative:
        found.add("conditional+imp")
    return found


def _conditional(sentence: str, first: str) -> bool:
    """ "When you add a route, update the docs": a condition clause, a comma, then the rule."""
    if first not in _CONDITIONS:
        return False
    after = re.split(rf"\b{first}\b", sentence.lower(), maxsplit=1)[-1]
    _, comma, rest = after.partition(",")
    return bool(comma) and bool(rest.split())


def _obliged(words: list[str]) -> str:
    """Who the first modal of obligation binds: we, you, i, it (the thing at hand), or a generic noun."""
    for index, word in enumerate(words):
        if word in _OBLIGATIONS and (word not in {"have", "has"} or words[index + 1 : index + 2] == ["to"]):
            subject = words[index - 1] if index else ""
            if subject in {"we", "you", "i"}:
                return subject
            if subject in _DEICTIC_SUBJECTS:
                return "deictic"
            if subject in _GENERIC_SUBJECTS or (subject.isalpha() and subject not in NOT_VERBS):
                return "generic"
            return "other"
    return ""


def _generic_subject(words: list[str], first: str) -> bool:
    """A plural noun, then a present-tense verb or modal: "tests go in ...", "rules should ..."."""
    if not first or first not in words or not first.endswith("s") or first.endswith("ss") or first in NOT_VERBS:
        return False
    after = words[words.index(first) + 1 : words.index(first) + 2]
    return bool(after) and after[0] in _PLURAL_VERBS


def _verb_after(words: list[str], subject: str) -> bool:
    after = words[words.index(subject) + 1 : words.index(subject) + 2]
    return bool(after) and after[0].isalpha() and after[0] not in NOT_VERBS and not after[0].endswith(("ed", "ing"))
