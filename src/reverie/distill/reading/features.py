"""What the reading model sees of one sentence: its words and the shape of the sentence.

Two kinds of features, all binary:

* **learned words**: unigrams and bigrams of the sentence (code spans, paths, URLs and numbers
  folded into ``<code>``, ``<path>``, ``<url>``, ``<num>``, so "use `ruff`" and "use `black`" share
  what matters), and the word that opens it. Which words matter, and for which label, comes from
  the labelled corpus, not from a list written here.
* **shape**: grammar that holds for any English instruction, whatever its words: the sentence opens
  with a bare verb (imperative mood), has a modal, a negation, a habitual quantifier ("always",
  "every", "each", "whenever") anywhere in it, says "from now on"; names the project or "all" of
  something; states a fact with a copula; contrasts ("X, not Y", "instead of"); gives a purpose
  ("for linting"); asks a question. And where the sentence stands: the channel it came through
  (prompt, answer to the agent's question, denial feedback, after an interrupt), whether it is part
  of the session's opening task request, whether the agent had just failed.

The closed word classes below are grammar (pronouns, auxiliaries, prepositions, quantifiers), not
phrasings of instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reverie.distill.cues import IDEOGRAPHS
from reverie.distill.reading.grammar import DISCOURSE, NOT_VERBS, words_of
from reverie.distill.reading.shapes import shapes

_CODE = re.compile(r"`[^`]+`")
_URL = re.compile(r"https?://\S+", re.I)
_PATH = re.compile(
    r"(?<![\w/])(?:\.{0,2}/)?[\w.@-]+/[\w.@*/-]+|(?<![\w])\.?[\w-]+\.(?:py|js|ts|tsx|json|md|toml|ya?ml|rs|go|ex|exs|rb|sh|cfg|ini|txt|lock)\b"
)
_NUMBER = re.compile(r"\b\d+(?:\.\d+)*\b")
# A word is letters of any alphabet ("générés", "für", "змінюй" are words, not fragments or nothing). A Han,
# kana or hangul character is a token of its own: those scripts put no space between words, so single
# characters and (as bigrams) pairs of them are what a model can learn their words from.
_TOKEN = re.compile(rf"<(?:code|path|url|num)>|[{IDEOGRAPHS}]|[^\W\d_{IDEOGRAPHS}](?:[^\W\d_{IDEOGRAPHS}]|['-])*|[?!]")


_MODALS = words_of("must should shall need needs have has ought")
_NEGATIONS = words_of("not never no don't dont doesn't didn't won't can't cannot shouldn't mustn't isn't aren't")
_HABITUAL = words_of("always never every each whenever ever anymore usually generally default")
# Words that bound a time: "today", "temporarily", "just once", "in the meantime", "for the moment".
_BOUNDED = words_of("today tonight temporarily once meantime moment")
_DEICTIC = words_of("this that it these those here")
_GENERIC = words_of("each every any all whenever anything everything")
_IMPERATIVE_ADVERBS = words_of("don't never always do")
_PROJECT_NOUNS = words_of("project repo repository codebase workspace")
_ALL_WORDS = words_of("all every any everywhere globally global")
_COPULAS = words_of("is are")
_ERROR_WORDS = re.compile(r"\b(?:error|failed|fails|failure|traceback|exception|not found|denied)\b", re.I)


# The shapes of ``shapes.py`` (conditional rules, "make sure", whom a modal binds, ...). Off: on the grown
# dev split (1,901 sentences) cross-validation ranks standing sentences a little worse with them (average
# precision -0.005 to -0.008 for every logistic method; docs/reading.md). ``train --shapes`` measures again.
GENERALISING = False


@dataclass(frozen=True, slots=True)
class Context:
    """Where the sentence stands in the session."""

    channel: str = "prompt"  # prompt | answer | denial | interrupt
    opening: bool = False  # part of the session's opening task request
    after_failure: bool = False  # the agent's last tool call had failed
    before: str = ""  # what happened just before: the agent's last words or a failing output
    position: int = 0  # index of the sentence in its turn
    sentences: int = 1  # how many sentences the turn has


def tokens(sentence: str) -> list[str]:
    """Lower-case word tokens with code, paths, URLs and numbers folded."""
    text = _CODE.sub(" <code> ", sentence)
    text = _URL.sub(" <url> ", text)
    text = _PATH.sub(" <path> ", text)
    text = _NUMBER.sub(" <num> ", text)
    return [token.replace("dont", "don't") if token == "dont" else token for token in _TOKEN.findall(text.lower())]


def opener(words: list[str]) -> str:
    """The first word that is not a discourse marker ("ok, so, please use ..." opens with "use")."""
    return next((word for word in words if word not in DISCOURSE and word not in "?!"), "")


def features(sentence: str, context: Context | None) -> list[str]:
    """The active features of one sentence, sorted and without repeats. Without a context (a
    sentence of the auxiliary corpus, outside any session) there are no features of where it stands."""
    words = tokens(sentence)
    found = {f"w:{word}" for word in words}
    found.update(f"b:{first}_{second}" for first, second in zip(["<s>", *words], [*words, "</s>"], strict=True))
    first = opening = opener(words)
    found.add(f"first:{first}")
    if words and words[0] != first:
        found.add(f"lead:{words[0]}")  # "no, ...", "again, ...", "actually ...": how a correction opens
    clause = _after_frame(sentence, words, first)
    first = opener(clause) or first
    qualified = _verb_after_adverb(clause, first)
    found.update(_shape(sentence, words, first, qualified))
    if GENERALISING:
        found.update(shapes(sentence, words, (opening, first), _imperative(first, sentence) or bool(qualified)))
    if context is not None:
        found.update(_context(context))
    return sorted(found)


def _after_frame(sentence: str, words: list[str], first: str) -> list[str]:
    """ "From now on, indent with 2 spaces": the words after a short frame, where the verb is."""
    lead, comma, rest = sentence.partition(",")
    if comma and len(lead.split()) <= 5 and not _imperative(first, sentence) and first not in _IMPERATIVE_ADVERBS:
        return tokens(rest)
    return words


def _verb_after_adverb(words: list[str], first: str) -> str:
    """ "don't use", "never edit", "always run", "do not push": the verb that the adverb qualifies."""
    if first not in _IMPERATIVE_ADVERBS:
        return ""
    rest = words[words.index(first) + 1 :] if first in words else []
    rest = rest[1:] if rest[:1] == ["not"] else rest
    return rest[0] if rest and rest[0].isalpha() and rest[0] not in NOT_VERBS else ""


def _shape(sentence: str, words: list[str], first: str, qualified: str) -> set[str]:
    vocabulary = set(words)
    lowered = sentence.lower()
    shape = {f"len:{_bucket(len(words), (3, 7, 15, 30))}"}
    flags = {
        "imperative": _imperative(first, sentence) or bool(qualified),
        "modal": bool(vocabulary & _MODALS),
        "negation": bool(vocabulary & _NEGATIONS) or "n't" in lowered,
        "habitual": bool(vocabulary & _HABITUAL),
        "from_now_on": "from now on" in lowered,
        "bounded": bool(vocabulary & _BOUNDED),
        "deictic": bool(vocabulary & _DEICTIC),  # "fix this", "move it": about the thing at hand
        "generic": bool(vocabulary & _GENERIC),  # "each rule", "any new file": about a kind of thing
        "project_noun": bool(vocabulary & _PROJECT_NOUNS),
        "all_projects": bool(vocabulary & _ALL_WORDS) and bool(vocabulary & _PROJECT_NOUNS),
        "copula": bool(vocabulary & _COPULAS) and first not in _COPULAS,
        "contrast": bool(re.search(r",\s*(?:not|never)\s+\S|\b(?:instead of|rather than|over)\b", lowered)),
        "purpose": bool(re.search(r"\bfor\s+[a-z]+ing\b|\bin order to\b", lowered)),
        "question": sentence.rstrip().endswith("?") or first in {"what", "why", "how", "which", "who", "where"},
        "code": "<code>" in vocabulary or "<path>" in vocabulary,
        "first_person": first in {"i", "we", "i'm", "we're", "i'd", "we'd", "my", "our"},
        "you": "you" in vocabulary,
        "exclaim": "!" in sentence,
        "shout": bool(re.search(r"\b[A-Z]{4,}\b", sentence)),
    }
    shape.update(name for name, on in flags.items() if on)
    if flags["imperative"]:
        shape.add(f"imp:{qualified or first}")
        shape.update(
            f"imp+{name}" for name in ("habitual", "negation", "contrast", "purpose", "bounded") if flags[name]
        )
    return shape


def _imperative(first: str, sentence: str) -> bool:
    """The sentence opens with a bare verb: a word that is not grammar, not a gerund or participle."""
    return (
        bool(first)
        and first.isalpha()
        and first not in NOT_VERBS
        and not first.endswith(("ing", "ed", "ly"))
        and not sentence.rstrip().endswith("?")
    )


def _context(context: Context) -> set[str]:
    found = {f"ch:{context.channel}", f"turn:{_bucket(context.sentences, (1, 3, 8))}"}
    if context.opening:
        found.add("opening")
    if context.after_failure or _ERROR_WORDS.search(context.before):
        found.add("after_failure")
    if context.before.rstrip().endswith("?"):
        found.add("after_question")
    found.add("pos:first" if context.position == 0 else "pos:later")
    return found


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"
