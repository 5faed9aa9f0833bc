"""Whether a sentence the reader is unsure of is worth a person's review at all.

A sentence the reading model is fairly sure of waits as a candidate: a person may make it active in
review, and saying it again in a later session makes it active without one. Some sentences cannot be a
lesson however they are worded, and a queue full of them teaches people to accept without reading:

* a pick among the agent's options: "Option 1.", "3 for sure.", "1, hard-coded for now";
* a bug seen now: "the settle CLI always exits 0, even when a batch fails" ("always" says how the bug
  behaves, not how the agent should);
* the next step of the work: "now add a DAG that ...", "then fix the factory", "yes please proceed with the
  split", "before I test keep going with all tasks you have" (21 of 21 such dev sentences are not lessons);
* when the work at hand is done: "Don't stop until all functions are ported", "rerun until the second pass
  is clean", "you can continue until you complete all sub-tasks" (12 of 12 on dev are not lessons);
* thanks, greetings and a few words with nothing to do: "Have a good weekend!", "Long day.";
* a question without its mark ("are we using X outside Y"), code, output or a link list pasted as a line.

Measured on what the reader holds as candidates (docs/reading.md): on 5,133 unlabelled real prompts
1,533 -> 1,338, a sample of those dropped read (pasted code and error lines, a README's link list,
questions, slash commands); on the dev split 215 -> 211, two of them standing ("Rust (performance-first)",
a list item, and a rebuke asked as a question); on the written sets 176 -> 140, none of them a lesson
alone ("Log.debug / Log.info.", "same every release"; reasons now joined to their rule).
"""

from __future__ import annotations

import re

from reverie.distill import cues

__all__ = ["worth_review"]

# "Option 1", "3 for sure", "The first.": short, or bounded ("2, hard-coded for now"); not "3 retries".
_PICK = re.compile(
    r"^(?:option\s*)?(?:\d{1,2}|[a-d])\b(?!\s*(?:%|ms|s|px|mb|gb|kb|min|h|days?|hours?|minutes?|seconds?|"
    r"lines?|spaces?|retries|times)\b)|^(?:the )?(?:first|second|third|last|former|latter)(?: one| option)?\b",
    re.I,
)
_FOR_NOW = re.compile(r"\bfor now\b", re.I)
# A named thing that "always/never/still" does something, in the present, with no modal: a bug report.
_SEEN_NOW = re.compile(
    r"^(?:(?!(?:is|are|was|were|which|that|who|if|when)\b)[\w`'\"().:/-]+ ){1,6}"
    r"(?:always|never|still|sometimes|randomly|constantly|keeps?) (?!(?:be|have|use|run|go|need|want)\b)\w+e?s\b",
    re.I,
)
_MODAL = re.compile(
    r"\b(?:must|should|shall|has to|have to|needs? to|may|can|cannot|can't|don'?t|do not|won'?t|will)\b", re.I
)
_NEXT_STEP = re.compile(r"^(?:now|then|next)\b", re.I)
# Go on with the work at hand, in the first words of the sentence; not "never proceed with a red build".
_CARRY_ON = re.compile(
    r"^(?:[\w']+[\s,!.]+){0,4}?(?:keep going|carry on|continue (?:with|on)|proceed with|go ahead with)\b", re.I
)
_NEGATED = re.compile(r"\b(?:never|not|no)\b|n't\b", re.I)
# Work that goes on until it is done; not "wait until CI is green before merging", which is a rule.
_UNTIL_DONE = re.compile(
    r"\b(?:(?:don'?t|do not|never|not) stop|keep (?:going|working|trying|iterating|at it|\w+ing)|continue|iterate|"
    r"iteratively|repeat|re-?run|retry|loop|persist)\b[^.;]{0,60}\buntil\b",
    re.I,
)
_COURTESY = re.compile(
    r"^(?:thanks?|thank you|thx|have a (?:good|nice|great)|good (?:morning|night|job)|you'?re (?:a|the) )\b", re.I
)
_RULE_WORD = re.compile(r"\b(?:use|keep|never|always|don'?t|no|only|avoid|prefer|must)\b", re.I)
# A question without its question mark: "are we using X outside Y", "what is 2>&1 meaning".
_ASKED = re.compile(
    r"^(?:(?:are|is|do|does|did|should|shall|isn'?t|aren'?t|doesn'?t) (?:we|you|u|i|it|they|there|this|that|the)\b|"
    r"(?:what|why|how|where|when|which|who)(?:'s| (?:is|are|do|does|did|can|could|should|would|will|was|were)\b))",
    re.I,
)
# Code, output or markup pasted as a line: "150 | logger.info(...)", "x = f(y)", "ReferenceError: ...", a tag or
# a slash command at the start; a code span the person typed inside a sentence is left out of this test.
_PASTED = re.compile(
    r"^\d+\s*\|\s|^[\w.\[\]]+\s*=\s*\S|\b(?:\w*Error|Exception|Traceback|Uncaught|Warning):|^\s*[<{#/]|\)\s*[{;]\s*$"
)
_LINK = re.compile(r"^\[[^\]]+\](?:\(|:\s*)https?://", re.I)  # "[Usage](https://...)": a document's link list
# A Chinese or Japanese question: a full-width question mark, or a sentence-final question particle (吗,
# 呢, 么; か, かな), whatever punctuation follows. Not 吧 or な: "用中文回答吧" and "上書きするな" are
# instructions.
_CJK_QUESTION = re.compile(r"(?:\uff1f|[\u5417\u5462\u4e48\u304b]|\u304b\u306a)[\s\uff01\u3002.!?\uff1f]*$")


def picks(sentence: str, options: str = "") -> bool:
    """The sentence picks one of the agent's options and says little more: "2.", "Option 1, please", or
    an option's words as the agent offered them in ``options`` ("Soft delete." to "... 2) Soft delete")."""
    said = sentence.strip()
    if len(said.split()) > 4:
        return False
    label = said.rstrip(".!, ").lower()
    return bool(_PICK.match(said)) or (len(label) >= 3 and label in " ".join(options.split()).lower())


# How good the choice is, or how long it holds: "is perfectly acceptable for our volumes", "fine until we
# have a designer", "if we ever need more we revisit", "product hasn't decided".
_WEIGHING = re.compile(
    r"\b(?:fine|acceptable|enough|ok(?:ay)?|good|nicer|better|worse|simpler|easier|until|later|revisit|"
    r"decided|yet|for now|at the moment|right now|maybe|probably|i think|i guess|sounds|seems|overkill|"
    r"a lot of work|too (?:much|slow|complex|complicated|heavy))\b|n'?t decided",
    re.I,
)


def weighs_the_choice(sentence: str) -> bool:
    """The sentence after a pick says how good the choice is or how long it holds, not how things are done."""
    return bool(_WEIGHING.search(sentence))


def worth_review(sentence: str) -> bool:
    """False when the sentence cannot be a lesson however it is worded (see the module's list)."""
    said = cues.FILLER.sub("", cues.INTERJECTION.sub("", sentence.strip(), count=1), count=1).strip()
    words = said.split()
    if _PICK.match(said) and (len(words) <= 4 or _FOR_NOW.search(said)):
        return False
    if _SEEN_NOW.match(said) and not _MODAL.search(said):
        return False
    if _NEXT_STEP.match(said) or _COURTESY.match(said) or _ASKED.match(said) or _LINK.match(said):
        return False
    if _UNTIL_DONE.search(said) or (_CARRY_ON.match(said) and not _MODAL.search(said) and not _NEGATED.search(said)):
        return False
    if cues.IDEOGRAPHIC.search(said) and _CJK_QUESTION.search(said):
        return False
    if _PASTED.search(re.sub(r"`[^`]*`", "", said)):
        return False
    # a few words with nothing to do in them: "Long day.", "best night ever" (a Chinese sentence has no spaces)
    few = len(words) <= 3 and len(said) <= 24 and not cues.IDEOGRAPHIC.search(said) and "`" not in said
    return not (few and not _RULE_WORD.search(said))
