"""What is said of every thing of a kind in the code, in the present: "every money column in the marts is in
EUR", "every new controller action gets a request spec", "any number a designer might tune goes in a
Resource", "Anything derived from a secret gets compared in constant time", "everything has to go through
InputMap actions".

Said of every one of a kind, such a sentence cannot be about the one thing at hand, so it lasts. The kind
is a thing code is made of (columns, scripts, endpoints, commits, numbers, ...): in real prompts "all
tasks are complete", "each band has a position" (a puzzle's specification), "all of them fail" say how
things stand or what an exercise is, and the words of what is happening now ("failing", "have been",
"currently") leave a sentence out. On the dev split of the real corpus this fires on no sentence, on
17,349 sentences of unlabelled real prompts on two (one right, "All endpoints require Bearer token in
Authorization header"; one an exercise's specification), on the written sets on eight standing
statements and nothing else (docs/reading.md).
"""

from __future__ import annotations

import re

from reverie.distill import cues

__all__ = ["of_every_one"]

_KIND = (
    r"(?:columns?|tables?|models?|migrations?|scripts?|drivers?|actions?|endpoints?|routes?|handlers?|"
    r"controllers?|functions?|methods?|class(?:es)?|modules?|components?|tests?|specs?|settings?|commits?|prs?|"
    r"pull requests?|branch(?:es)?|files?|calls?|quer(?:y|ies)|strings?|logs?|log lines?|messages?|jobs?|"
    r"services?|dependenc(?:y|ies)|packages?|workflows?|pipelines?|releases?|schedules?|env vars?|variables?|"
    r"secrets?|templates?|pages?|views?|screens?|requests?|responses?|errors?|exceptions?|events?|fields?|"
    r"types?|structs?|resources?|numbers?|amounts?|prices?|timestamps?|dates?|ids?|images?|containers?|"
    r"deploys?|deployments?|hooks?|flags?|params?|parameters?|arguments?|docstrings?|comments?|text|labels?|"
    r"links?|buttons?|code|workers?|dags?|consumers?|topics?|screens?|composables?|commit messages?)"
)
_HOW = (
    r"(?:(?:always|never|only|also) )?(?:is|are|gets?|goes|go|lives?|carr(?:y|ies)|starts?|ends?|follows?|runs?|"
    r"uses?|has|have|needs?|belongs?|stays?|comes?|must|should|has to|have to|needs to|shall|can only|may only|"
    r"requires?|takes?|sits?|may(?: not| never)?|can(?:not|'t)?)"
)
_WORDS = r"(?: [\w`'./:()@*-]+)"
_WORDS_OR_ASIDE = r"(?:,? [\w`'./:()@*-]+)"  # "every model, new or existing, carries ..."
_EVERY_ONE = re.compile(
    cues.JOINED_ON + r"(?:in this (?:repo|project|codebase|team),? )?"
    r"(?:(?:every|each|all|any|new) (?:new |single |public |user-facing |outbound |incoming )?(?:[\w-]+ ){0,2}?"
    + _KIND
    + rf"\b{_WORDS_OR_ASIDE}{{0,6}}?,? {_HOW}"
    # a kind said to be so here: "Commit messages here start with the Jira key"
    + rf"|(?:[\w-]+ )?{_KIND}(?: here| in this (?:repo|project|codebase)) {_HOW}"
    # "anything derived from a secret gets ...", "everything has to go through ..."
    + rf"|(?:anything|everything|nothing)(?:{_WORDS}{{1,5}}? {_HOW}| (?:has to|must|goes|gets|lives|needs to)))\b"
    # how things stand now: "all tests are passing", "all files have been added", "nothing is showing"
    r"(?! (?:not )?(?:\w+ing|broken|missing|wrong|fine|ok|done|ready|gone|there|here|available|complete|"
    r"completed|marked|updated|added|been)\b)",
    re.I,
)
_NOW = re.compile(
    r"\b(?:fails?|failing|broke|broken|crash\w*|bug|wrong|now|currently|still|again|yet|today|was|were|did|"
    r"have been|has been|seem)\b",
    re.I,
)
# A prohibition on every one of a kind, said with its modal: "no code path ... may bypass it".
_NONE_MAY = re.compile(r"^(?:no|nothing)(?: [\w`'./:()@*-]+){0,8}? (?:may|must|can|shall)(?: ever)? (?!not\b)\w+", re.I)
_MAX_OPENING_WORDS = 8  # "While you're in scripts/: every script starts with ...": a short opening, then it


def of_every_one(text: str) -> bool:
    """The sentence says, in the present, how every thing of a kind in the code is or is done."""
    opening, colon, rest = text.partition(": ")
    said = rest if colon and len(opening.split()) <= _MAX_OPENING_WORDS else text
    # "Client ordered an accessibility audit, so every link and button needs a focus ring": the consequence
    clauses = [said, said.partition(", so ")[2]] if ", so " in said else [said]
    if any(_EVERY_ONE.match(clause.strip()) and not _NOW.search(clause) for clause in clauses):
        return not said.endswith("?")
    # "No code path reachable from the API may bypass it", "Nothing that identifies a claimant may be logged"
    clauses = [clause.strip() for clause in (said, said.partition(", and ")[2]) if clause]
    return any(_NONE_MAY.match(clause) and not cues.TOOL_REPORT.match(clause) for clause in clauses)
