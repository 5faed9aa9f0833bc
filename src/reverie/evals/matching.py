"""Deciding which ground-truth items a lesson statement is about.

Matching is deliberately about content, not phrasing: an item's terms are command tokens, paths and
values (``pnpm``, ``--set-upstream``, ``db/migrations``), and a statement matches when every term
group appears as a whole token. Phrasing is the extractor's business; the evaluator never rewards a
particular sentence shape.

Slots need one more step. "Use pnpm, not yarn" mentions both values of the package-manager slot,
and it is a pnpm lesson. So an item's ``rivals`` (the slot's other values) must not be *asserted*:
a rival counts only where it is not negated. Negation is a small, documented heuristic over the
clause around the token: a negator shortly before it ("not", "never", "instead of", "rather than",
"switched from", ...) or a failure word shortly after it ("fails", "is gone", "was removed",
"no longer", ...). A statement that asserts two values at once matches neither: it is ambiguous, and
an ambiguous lesson is not a correct one.

A slot value must also be asserted itself: "use `here`, not `cargo test`" names ``cargo test`` only
to reject it. Items without rivals (hazards, fixes) need only be named: a hazard lesson is about a
failure, so its terms sit next to failure words by nature.

Items taken from a real labelled turn (the generator's spoken instructions) carry the labeller's
``statement`` instead of terms, and are matched by its content words (``real_match``).

Scope, project and time are checked by the metrics, not here, because different metrics treat a
wrong scope differently (recall misses it; overreach counts it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from reverie.evals import real_match
from reverie.evals.corpus import LabelledLesson
from reverie.evals.truth import Item

# A full stop, colon or comma ends a clause only where a word ends: not inside `./...`, `0.0.0.0:5432`
# or `lint:fix`, which would cut "`go test ./...` fails here" before its failure word.
_CLAUSE_BREAK = re.compile(r"(?<![/.])[.:,]+(?=\s|$)|[;!?()\[\]\n\u2014\u2013]+|\s-\s|\bbut\b|\bbecause\b")
_WORD = re.compile(r"<[\w.-]+>|[\w./@+~='-]+|[^\w\s]")  # a `<placeholder>` is one word
_NEGATORS_BEFORE = frozenset(
    {"not", "no", "never", "dont", "avoid", "avoiding", "stop", "quit", "without", "over", "drop", "ditch"}
)
_MOVE_VERBS = frozenset({"switch", "switched", "switching", "move", "moved", "moving", "migrate", "migrated"})
_NEGATING_PAIRS = frozenset(
    {("instead", "of"), ("rather", "than"), ("away", "from")} | {(verb, "from") for verb in _MOVE_VERBS}
)
_REPLACING = frozenset({"replace", "replaced", "replacing", "swap", "swapped", "drop", "dropped", "ditch", "ditched"})
_FAILURE_AFTER = frozenset(
    {"fails", "failed", "fail", "failing", "broken", "breaks", "gone", "removed", "deprecated", "wrong", "errors"}
    | {"doesn't", "won't", "isn't", "unavailable", "missing", "replaced", "outdated", "errored", "crashes"}
)
_FAILURE_PHRASES_AFTER = ("is not", "not installed", "not found", "not available", "no longer", "does not", "did not")
_WINDOW_BEFORE = 4
_WINDOW_AFTER = 3


def normalise(text: str) -> str:
    """Lower case, code markup and double quotes removed, whitespace collapsed."""
    text = text.lower().replace("\u2019", "'")
    for mark in ("`", '"', "\u201c", "\u201d"):
        text = text.replace(mark, " ")
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    term = normalise(term)
    # A flag is named by its name: `max-old-space-size` is in `--max-old-space-size=4096`.
    flag = "" if term.startswith("-") else "(?:--?)?"
    return re.compile(r"(?<![\w-])" + flag + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w-])")


def mentions(text: str, term: str) -> bool:
    return _term_pattern(term).search(text) is not None


def asserted(text: str, term: str) -> bool:
    """Whether the first occurrence of ``term`` in ``text`` (normalised) stands outside a negated context.

    The first occurrence is what a statement leads with: "use pnpm, not yarn (yarn fails here)"
    asserts pnpm and rejects yarn, however often yarn is quoted afterwards."""
    for clause in _CLAUSE_BREAK.split(text):
        found = _term_pattern(term).search(clause)
        if found is not None:
            before = _WORD.findall(clause[: found.start()])[-_WINDOW_BEFORE:]
            after = _WORD.findall(clause[found.end() :])[:_WINDOW_AFTER]
            return not _negated(before, after)
    return False


def _negated(before: Sequence[str], after: Sequence[str]) -> bool:
    if any(word in _NEGATORS_BEFORE or word.endswith("n't") for word in before):
        return True
    if before and before[-1] in _REPLACING:  # "replaced yarn with pnpm": only the first one is negated
        return True
    if tuple(before[-2:]) in _NEGATING_PAIRS:
        return True
    if any(word in _FAILURE_AFTER for word in after):
        return True
    following = " ".join(after)
    return any(phrase in following for phrase in _FAILURE_PHRASES_AFTER)


def matches(statement: str, item: Item) -> bool:
    """Whether a lesson statement says what ``item`` says (content only; scope and time aside)."""
    if item.matcher.statement:  # a real person's instruction: its labelled statement, by content words
        return real_match.matches(statement, LabelledLesson(item.matcher.quote, item.category, item.matcher.statement))
    text = normalise(statement)
    if not all(any(mentions(text, term) for term in group) for group in item.matcher.terms):
        return False
    if not item.matcher.rivals:
        return True
    # A slot value must be asserted somewhere ("use X"), not only named as the wrong one ("not X").
    if not any(asserted(text, term) for group in item.matcher.terms for term in group if mentions(text, term)):
        return False
    return not any(asserted(text, rival) for rival in item.matcher.rivals if mentions(text, rival))


class Classifier:
    """Matches statements against every item once, and remembers the answer.

    Replays ask about the same lesson at every session, so the cost has to be per distinct
    statement, not per question.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = tuple(items)
        self._cache: dict[str, tuple[str, ...]] = {}
        # A cheap prefilter: the first term of the first group must appear as a substring.
        self._probes = tuple(
            (item, tuple(normalise(t) for t in item.matcher.terms[0]) if item.matcher.terms else ("",))
            for item in self.items
        )

    def items_for(self, statement: str) -> tuple[str, ...]:
        cached = self._cache.get(statement)
        if cached is None:
            text = normalise(statement)
            cached = tuple(
                item.id for item, probe in self._probes if any(p in text for p in probe) and matches(statement, item)
            )
            self._cache[statement] = cached
        return cached
