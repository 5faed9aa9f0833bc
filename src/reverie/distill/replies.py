"""How the person wants the agent to talk to them: "pls shorter summaries, 3 lines max", "I prefer short
answers, bullets > paragraphs", "skip the recap", "when you offer options, one line of tradeoff each".

Such a preference is about what the agent writes to the person, whatever the code is, so it holds for
them in every project unless they say it is for this one. It is told apart from a task by its words for
what the agent writes said of the kind ("summaries", "your answers"), not of one thing ("a summary of
the README"), and by the words of a preference ("shorter", "max", "skip", "prefer"). On the dev split
of the real corpus and on 17,349 sentences of unlabelled real prompts it fires on none that reads as a
task (docs/reading.md).
"""

from __future__ import annotations

import re

__all__ = ["preference"]

# What the agent writes to the person, said of the kind: plural, "your", or after a word of length.
_REPLIES = re.compile(
    r"\b(?:(?:your|short|shorter|long|longer|brief|briefer|concise|terse) )?"
    r"(?:answers|summaries|explanations|replies|recaps?|wrap-?ups?|essays|walls? of text)\b|"
    r"\byour (?:responses|messages)\b|"
    # a form of them set against another: "bullets > paragraphs", "bullet points over prose"
    r"\b(?:bullets|bullet points|paragraphs|prose|tables)\s*(?:>|over|instead of|rather than|not)\s*"
    r"(?:bullets|bullet points|paragraphs|prose|tables)\b",
    re.I,
)
# How the person wants it: a comparison, a limit, leaving something out, a wish.
_PREFERRED = re.compile(
    r"\b(?:prefer|shorter|briefer|less|fewer|max|at most|tops|no more than|cut|skip|drop|leave out|"
    r"no|plain|without|rather|instead|always|never|don'?t|stop|keep)\b|\w >",
    re.I,
)
# "write a summary of the changes", "summarise the answers in the survey": a thing to write now.
_ONE_THING = re.compile(r"\b(?:a|the|this|that) (?:summary|answer|explanation|reply|response)\b", re.I)


# What the agent need not do in a reply, or how to treat the person's questions: "you dont need to walk me
# thru every file you touched", "no need to explain line by line", "if i ask smth just answer".
_NEED_NOT = re.compile(
    r"\b(?:(?:you )?(?:do not|don'?t|dont) (?:need|have) to|no need to) (?:walk me (?:thru|through)|explain|"
    r"recap|summari[sz]e|describe|list) (?:\w+ ){0,2}?(?:every|each|line by line|all)\b",
    re.I,
)
_QUESTIONS = re.compile(r"\b(?:if|when(?:ever)?) i (?:ask|put a question)\b.{0,40}?\banswer\b", re.I)


def preference(sentence: str) -> bool:
    """The sentence says how the person wants the agent's replies, not what to write now."""
    text = sentence.strip()
    if text.endswith("?") or _ONE_THING.search(text):
        return False
    if _NEED_NOT.search(text) or _QUESTIONS.search(text):
        return True
    return bool(_REPLIES.search(text)) and bool(_PREFERRED.search(text))
