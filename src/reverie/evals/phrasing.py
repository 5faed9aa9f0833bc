"""Expanding the fallback grammar of ordinary requests, and the surface habits of someone typing fast.

Pattern syntax, small on purpose:

- ``{a|b|c}`` one alternative, chosen uniformly (they nest);
- ``[x]`` x or nothing;
- ``@rule`` the expansion of a named grammar rule;
- ``<slot>`` a value supplied by the caller (a command, a path, a project name).

Slot values are *protected*: typos and case changes never touch them, because a real person copies
a command or a path rather than retyping it. The person's instructions never go through here: they
are real turns (``spoken``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

_PROTECT_OPEN = "\x02"
_PROTECT_CLOSE = "\x03"
_TOKEN = re.compile(r"\{|\}|\[|\]|\||@[a-z_.]+|<[a-z_]+>|[^{}\[\]|@<]+|[@<]")


class Grammar:
    def __init__(self, rules: Mapping[str, tuple[str, ...]]) -> None:
        self.rules = rules

    def expand(self, pattern: str, rng: random.Random, slots: Mapping[str, str] | None = None) -> str:
        tokens = _TOKEN.findall(pattern)
        text, _ = self._sequence(tokens, 0, rng, slots or {}, stop=())
        return " ".join(text.split(" ")).strip()

    def rule(self, name: str, rng: random.Random, slots: Mapping[str, str] | None = None) -> str:
        return self.expand(rng.choice(self.rules[name]), rng, slots)

    def _sequence(
        self, tokens: list[str], index: int, rng: random.Random, slots: Mapping[str, str], stop: tuple[str, ...]
    ) -> tuple[str, int]:
        parts: list[str] = []
        while index < len(tokens) and tokens[index] not in stop:
            token = tokens[index]
            if token == "{":
                options, index = self._alternatives(tokens, index + 1, rng, slots)
                parts.append(rng.choice(options))
            elif token == "[":
                inner, index = self._sequence(tokens, index + 1, rng, slots, stop=("]",))
                index += 1
                parts.append(inner if rng.random() < 0.5 else "")
            elif token.startswith("@") and len(token) > 1:
                parts.append(self.rule(token[1:], rng, slots))
                index += 1
            elif token.startswith("<") and token.endswith(">") and len(token) > 2:
                parts.append(protect(slots[token[1:-1]]))
                index += 1
            else:
                parts.append(token)
                index += 1
        return "".join(parts), index

    def _alternatives(
        self, tokens: list[str], index: int, rng: random.Random, slots: Mapping[str, str]
    ) -> tuple[list[str], int]:
        # Every alternative is expanded (so nested randomness stays aligned per seed), one is kept.
        options: list[str] = []
        while True:
            text, index = self._sequence(tokens, index, rng, slots, stop=("|", "}"))
            options.append(text)
            if index >= len(tokens) or tokens[index] == "}":
                return options, index + 1
            index += 1


def protect(value: str) -> str:
    return f"{_PROTECT_OPEN}{value}{_PROTECT_CLOSE}"


def unprotect(text: str) -> str:
    return text.replace(_PROTECT_OPEN, "").replace(_PROTECT_CLOSE, "")


def code(value: str, rng: random.Random) -> str:
    """A command or path as people write it: in backticks, in quotes, or bare."""
    style = rng.random()
    if style < 0.55:
        return f"`{value}`"
    if style < 0.65:
        return f'"{value}"'
    return value


# -- surface habits ----------------------------------------------------------------------------

_KEYBOARD_NEIGHBOURS = {
    "a": "qs",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "n": "bm",
    "t": "ry",
    "s": "ad",
    "r": "et",
    "h": "gj",
    "l": "k",
}


def humanise(text: str, rng: random.Random) -> str:
    """Casing, typos and punctuation the way a person types; protected spans stay exact."""
    pieces = re.split(f"({_PROTECT_OPEN}[^{_PROTECT_CLOSE}]*{_PROTECT_CLOSE})", text)
    casing = rng.choices(("lower", "as-is"), weights=(40, 60))[0]
    typo_rate = rng.choice((0.0, 0.0, 0.01, 0.025, 0.05))
    out = []
    for piece in pieces:
        if piece.startswith(_PROTECT_OPEN):
            out.append(piece)
            continue
        if casing == "lower":
            piece = piece.lower()
        out.append(_typos(piece, rng, typo_rate))
    result = "".join(out)
    if casing == "as-is" and result[:1].isalpha() and rng.random() < 0.8:
        result = result[0].upper() + result[1:]
    result = _ending(result, rng)
    return unprotect(result)


def _typos(text: str, rng: random.Random, rate: float) -> str:
    if rate <= 0:
        return text
    words = text.split(" ")
    for index, word in enumerate(words):
        if len(word) > 3 and word.isalpha() and rng.random() < rate * 4:
            words[index] = _one_typo(word, rng)
    return " ".join(words)


def _one_typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swapped letters
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == 1:  # dropped letter
        return word[:at] + word[at + 1 :]
    if kind == 2:  # doubled letter
        return word[:at] + word[at] + word[at:]
    near = _KEYBOARD_NEIGHBOURS.get(word[at].lower())
    return word[:at] + rng.choice(near) + word[at + 1 :] if near else word


def _ending(text: str, rng: random.Random) -> str:
    text = text.rstrip()
    if text.endswith(("`", '"', _PROTECT_CLOSE)):
        return text
    stripped = text.rstrip(".!")
    return stripped + rng.choices(("", ".", "!", "!!", "..."), weights=(40, 35, 15, 3, 7))[0]


def sentence_join(parts: list[str], rng: random.Random) -> str:
    joiner = rng.choice((" ", " ", "\n", "\n\n", " - "))
    return joiner.join(part for part in parts if part)
