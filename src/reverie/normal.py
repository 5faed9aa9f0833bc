"""Text in its normal form: the one tokeniser, stemmer and stop-word list of distill, dream and recall.

Whether two wordings are one lesson is decided three times: distill merges observations whose keys
are equal (``distill.wording.canonical_key``), dream's dedupe merges lessons whose cores agree
(``dream.wording``), and recall finds a lesson by the terms a prompt shares with it
(``recall.index``). All three read text through :func:`terms`, so a restatement that distill folds
into a lesson is one that dedupe calls a duplicate and that recall indexes with the same terms.

* A **word** is a run of letters and digits: punctuation, including ``-``, ``/``, ``.`` and ``'``,
  separates (``pnpm-lock.yaml`` -> ``pnpm``, ``lock``, ``yaml``; ``don't`` -> ``don``, ``t``).
* A **term** is a word that says what a text is about, lower case, lightly stemmed (``tests``,
  ``testing``, ``tested`` -> ``test``): stop words and one-letter words go, digits stay. The stemmer
  is consistent rather than correct: what matters is that every stage agrees.
* **Stop words** are function words, politeness, the words that only say where a lesson applies
  ("everywhere", "in this repo") and the verbs that only carry polarity ("never add X" and "no X"
  are about X). Polarity is read separately (:func:`polarity`).
* **Code spans** (in backticks) are read as words too; those that name paths, options or
  assignments (:func:`exact_spans`) must also match character for character.

Standard library only, and not even ``re`` or ``string``: the recall hook imports this on every
prompt and tool call, and either import costs more than its whole query. Punctuation becomes a space
through one ``str.translate`` table.

``FORM`` names this normal form. Whatever is kept in it (the recall index, the keys of lessons that
distill minted) is rebuilt or re-keyed when it changes (``store.rekey``).
"""

from __future__ import annotations

FORM = "2"
MAX_QUERY_TERMS = 64  # a pasted log is not a question: its first distinct terms are enough

_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_SEPARATE = str.maketrans({char: " " for char in _ASCII_PUNCTUATION + "\u2018\u2019\u201c\u201d\u2026\u2014\u2013"})

_FUNCTION_WORDS = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing done down during each else etc few for from further get got had has have
having he her here hers herself him himself his how i if in into is it its itself just let like may me might more
most must my myself need needs no nor not now of off on once only or other our ours ourselves out over own same
shall she should so some such than that the their theirs them themselves then there these they this those
through to too under until up us very want was we were what when where which while who whom why will with would
yet you your yours yourself yourselves ever really even still anymore rather whenever
"""
# What "don't", "can't", "we've" leave once the apostrophe separates them.
_CONTRACTIONS = "don doesn didn won isn aren wasn weren shouldn couldn wouldn mustn haven hasn hadn ve ll re dont"
_POLITENESS = "please pls plz ok okay thanks thank thx nope"
# Where a lesson applies is its scope, not its content.
_SCOPE = """
always never everywhere anywhere globally general generally matter every across project projects repo repos
repository repositories codebase codebases here instead
"""
# Verbs that say only "do" or "don't": "add X", "use X", "stop adding X" and "no X" are all about X.
_POLARITY_VERBS = """
use using used add adding put putting include including keep leave make sure avoid stop quit remove drop without
prefer remember mind note told said future next time today thing things way
"""

STOP_WORDS = frozenset((_FUNCTION_WORDS + _CONTRACTIONS + _POLITENESS + _SCOPE + _POLARITY_VERBS).split())
# Said with these, a statement tells the agent not to do something (``polarity``).
_NEGATIVE = frozenset(["never", "dont", "no", "stop", "avoid", "remove", "drop", "without", "quit"])
_FIRM_NEGATIVE = frozenset(["never", "dont", "stop", "avoid"])
_RECOMMENDING = frozenset(["use", "prefer", "run", "switch"])


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
    """What ``text`` is about, in order, repeats kept: stems of the words that are not stop words,
    without one-character words (a lone digit would make every numbered item a topic of its own;
    distill keys carry numbers beside the terms)."""
    return [stem(word) for word in words(text) if len(word) > 1 and word not in STOP_WORDS]


def numbers(text: str) -> list[str]:
    """The numbers ``text`` names, in order: "python 3" is not "python 2"."""
    return [word for word in words(text) if word.isdigit()]


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct terms in the order they first appear, at most ``limit``."""
    return list(dict.fromkeys(terms(text)))[:limit]


def code_spans(text: str) -> list[str]:
    """The spans in backticks, as typed (an unclosed backtick opens no span)."""
    parts = text.split("`")
    return [parts[index] for index in range(1, len(parts) - 1, 2)]


def prose(text: str) -> str:
    """``text`` without its code spans (an unclosed backtick opens no span)."""
    parts = text.split("`")
    closed = len(parts) - (1 if len(parts) % 2 == 0 else 0)
    return " ".join(part for index, part in enumerate(parts) if index % 2 == 0 or index >= closed)


def exact_spans(text: str) -> list[str]:
    """The code spans that must match character for character, lower case: paths, options, assignments
    (``src/gen/``, ``git push -f``, ``X=1``). Other spans are words like any others (`` `Signed-off-by` ``
    is the prose "Signed-off-by"); their terms carry them."""
    return [
        " ".join(span.lower().split())
        for span in code_spans(text)
        if any(mark in span for mark in "/=_.$") or any(word.startswith("-") for word in span.split())
    ]


def polarity(text: str) -> str:
    """``-`` when ``text`` tells the agent not to do something, else ``+``. "Use X, not Y" recommends
    X: a "not" after a recommendation, in the same sentence, is a choice, not a prohibition."""
    lowered = text.lower().replace("don't", "dont").replace("don\u2019t", "dont")
    said = words(lowered)
    do_not = " do not " in f" {' '.join(said)} "
    if not (_NEGATIVE & set(said) or do_not):
        return "+"
    firm = _FIRM_NEGATIVE & set(said) or do_not
    if not firm and any(_chooses(sentence) for sentence in lowered.split(".")):
        return "+"
    return "-"


def _chooses(sentence: str) -> bool:
    said = words(sentence)
    first = next((index for index, word in enumerate(said) if word in _RECOMMENDING), None)
    return first is not None and "not" in said[first + 1 :]


def rekey(key: str, statement: str) -> str:
    """A distill key (``say:<polarity>:<words and code spans>``) minted in an earlier normal form, in
    this one, given the lesson's statement (for its code spans, which that form kept whole). Exact for
    the words it kept whole; a word it cut oddly ("running" -> "runn") may still differ, and then a
    restatement forms a new lesson, which dedupe merges (dedupe reads statements, not keys)."""
    if not key.startswith("say:"):
        return key
    stance, colon, subject = key.removeprefix("say:").partition(":")
    if not colon:
        return key
    items = subject.split()
    exact = set(exact_spans(statement))
    kept: set[str] = set()
    spans = {" ".join(span.lower().split()) for span in code_spans(statement)}
    for span in sorted(spans, key=len, reverse=True):
        size = len(span.split())
        for start in range(len(items) - size + 1):
            if " ".join(items[start : start + size]) == span:
                kept.update([span, *terms(span)] if span in exact else terms(span))
                del items[start : start + size]
                break
    kept.update(term for item in items for term in terms(item) if not term.isdigit())
    return f"say:{stance}:{' '.join(sorted(kept))}"
