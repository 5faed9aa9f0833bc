"""Words to index terms: the one tokenizer that both the index builder and the hook use.

A term is a lower-case word with a light suffix stripped (``tests``, ``testing``, ``tested`` ->
``test``), so a prompt and a lesson that say the same thing in different forms meet. The stemmer
is deliberately small: what matters is that indexing and querying agree, not linguistics. Stop
words (function words, and instruction words that every lesson and prompt contains) are dropped
because they would make everything look relevant to everything.

Standard library only, and not even ``re`` or ``string`` (both cost the hook more than its whole
query): punctuation becomes a space through one ``str.translate`` table.
"""

from __future__ import annotations

MAX_QUERY_TERMS = 64  # a pasted log is not a question: its first distinct terms are enough

_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_SEPARATE = str.maketrans({char: " " for char in _ASCII_PUNCTUATION + "\u2018\u2019\u201c\u201d\u2026\u2014\u2013"})

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "else",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "myself",
        "need",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "please",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "always",
        "never",
        "instead",
        "use",
        "using",
        "used",
        "project",
        "thing",
        "things",
        "way",
        "ok",
        "okay",
        "thanks",
        "thank",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words, punctuation removed (``pnpm-lock.yaml`` -> ``pnpm``, ``lock``, ``yaml``)."""
    return text.translate(_SEPARATE).lower().split()


def stem(word: str) -> str:
    """Strip one plural and one verb ending; consistent rather than correct."""
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[: -len(suffix)]
            if any(vowel in base for vowel in "aeiouy"):
                if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
                    base = base[:-1]  # running -> runn -> run
                word = base
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # make, makes, making -> mak
    return word


def terms(text: str) -> list[str]:
    """Index terms in order, repeats kept: no stop words, no single characters."""
    return [stem(word) for word in words(text) if len(word) > 1 and word not in STOP_WORDS]


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct terms in the order they first appear, at most ``limit``."""
    return list(dict.fromkeys(terms(text)))[:limit]
