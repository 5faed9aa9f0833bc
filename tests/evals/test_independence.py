"""The generator and distill must not speak the same phrases (issue 11): when they share a phrase list,
the benchmark measures how well distill recognises the generator, not how well it reads people.

Both sides' vocabularies are read from source: every string literal of the modules, split into the
alternatives of regular-expression alternations (``a|b``) and grammar alternations (``{a|b}``), with
regex syntax, slots and punctuation removed. A phrase is an alternative of two words or more, or a
single word of four letters or more that is not a plain English function word.

Both sides must name the same *world*: the programs, subcommands and flags of the commands the simulated
agent runs (``pnpm``, ``golangci-lint``, ``--set-upstream``) and the names of its modules and domains
are what a lesson is about, not how a person phrases it. So a shared phrase made only of words of the
catalogue's commands, command output and names is not counted. The test fails when more than
``HANDFUL`` other phrases are shared, and prints them. (Before issue 11 the two shared 130.)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import reverie
from reverie.evals import catalogue

SOURCE = Path(reverie.__file__).parent
DISTILL = sorted((SOURCE / "distill").glob("*.py"))
GENERATOR = [SOURCE / "evals" / f"{name}.py" for name in ("lexicon", "phrasing", "speech", "catalogue")]
HANDFUL = 5
_COMMAND_FIELDS = frozenset(
    {"command", "terms", "failure", "success", "right", "wrong", "error", "attempt", "revert", "workaround", "value"}
)
_COMMON = frozenset(
    {"this", "that", "with", "from", "have", "what", "when", "your", "they", "them", "then", "than", "there"}
    | {"here", "which", "would", "could", "should", "about", "into", "only", "just", "also", "some", "more"}
    | {"most", "other", "very", "been", "were", "will", "does", "done", "make", "made", "like", "each"}
)


def phrases(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and not _docstring_like(node.value):
                found |= _alternatives(node.value)
    return found


def _docstring_like(text: str) -> bool:
    return text.count(" ") > 12 and "|" not in text


def _alternatives(text: str) -> set[str]:
    text = re.sub(r"\(\?[:!=<]+|\\[bswdWSDB]|\[\^?[^\]]*\]|[+*?]|\{\d*,?\d*\}|<[a-z_]+>|@[a-z_.]+", " ", text)
    found = set()
    for part in re.split(r"[|{}()\[\]]", text):
        words = re.findall(r"[a-z][a-z']*", part.lower())
        phrase = " ".join(words)
        if len(words) >= 2 or (len(words) == 1 and len(phrase) >= 4 and phrase not in _COMMON):
            found.add(phrase)
    return found


def world() -> set[str]:
    """Every word of the commands and command output in the catalogue (what the agent runs and sees)."""
    words: set[str] = set()
    for thing in _records(vars(catalogue).values()):
        for name in _COMMAND_FIELDS & {f.name for f in fields(thing)}:
            value = getattr(thing, name)
            texts = value if isinstance(value, tuple) else (value,)
            words |= {w for text in texts for w in re.findall(r"[a-z][a-z']*", str(text).lower())}
    # The world's own names: modules, repositories, owners, domains.
    for names in (catalogue.WORDS, catalogue.REPO_WORDS, catalogue.OWNERS, catalogue.DOMAIN_WORDS, catalogue.TLDS):
        words |= set(names)
    return words


def _records(values: object) -> list[Any]:
    """The catalogue's dataclass instances, however deep in its tuples and dicts."""
    found: list[Any] = []
    stack = list(values) if isinstance(values, Iterable) else []
    while stack:
        item = stack.pop()
        if is_dataclass(item) and not isinstance(item, type):
            found.append(item)
            stack.extend(v for f in fields(item) for v in _nested(getattr(item, f.name)))
        else:
            stack.extend(_nested(item))
    return found


def _nested(value: object) -> list[object]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, tuple):
        return [v for v in value if not isinstance(v, str)]
    return []


def shared() -> set[str]:
    commands = world()
    return {p for p in phrases(DISTILL) & phrases(GENERATOR) if not set(p.split()) <= commands}


def test_the_generator_shares_no_more_than_a_handful_of_phrases_with_distill() -> None:
    common = shared()
    assert len(common) <= HANDFUL, f"{len(common)} shared phrases: {sorted(common)}"


def test_the_measure_reads_regex_and_grammar_alternations() -> None:
    assert _alternatives(r"\b(?:for now|just this once|temporarily)\b") == {"for now", "just this once", "temporarily"}
    assert _alternatives("{next time|from now on|going forward}, <new> not <old>") >= {"from now on", "going forward"}
