"""What the simulated person types and what the simulated agent answers.

``Speaker`` wraps the grammar with the person's habits: scope cues in varying positions, frustration
when they repeat themselves, politeness, the statement buried in a longer request, sometimes a code
block. The agent's replies are plainer (models write evenly) but still varied, so no extractor can
find the person's statements by looking for the agent's acknowledgement.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from reverie.evals.lexicon import GRAMMAR
from reverie.evals.phrasing import code, humanise, protect

_QUALIFIER = "\x05qualifier\x05"
_ACKS = (
    "You're right, sorry about that.",
    "Got it.",
    "Understood - switching.",
    "Ah, my mistake.",
    "Noted.",
    "Thanks for the correction.",
    "OK.",
    "Sorry, fixing that now.",
    "Right, I'll redo it.",
)


class Speaker:
    def __init__(self, rng: random.Random, project_name: str) -> None:
        self.rng = rng
        self.project_name = project_name

    def statement(self, frame: str, slots: Mapping[str, str], *, cue: str = "", again: bool = False) -> str:
        """One explicit statement in ``frame``, with a scope cue ("project", "global" or none)."""
        filled = {name: code(value, self.rng) for name, value in slots.items()}
        filled["project"] = self.project_name
        text = GRAMMAR.rule(frame, self.rng, filled)
        if cue:
            text = self._with_cue(text, cue)
        if again:
            text = f"{GRAMMAR.rule('again', self.rng)} {text}"
        return text

    def _with_cue(self, text: str, cue: str) -> str:
        phrase = GRAMMAR.rule(f"cue_{cue}", self.rng, {"project": self.project_name})
        where = self.rng.random()
        if where < 0.4:
            return f"{phrase}{self.rng.choice((',', '', ' -'))} {text}"
        if where < 0.85:
            return f"{text.rstrip('.!')} {phrase}"
        return f"{text.rstrip('.!')} ({phrase})"

    def prompt(self, *parts: str, task: str = "") -> str:
        """A typed prompt: the parts humanised, maybe polite, maybe embedded in a larger request."""
        said = [humanise(part, self.rng) for part in parts if part]
        if self.rng.random() < 0.2:
            said.insert(0, GRAMMAR.rule("polite_open", self.rng))
        if self.rng.random() < 0.15:
            said.append(GRAMMAR.rule("polite_close", self.rng))
        if task:
            request = humanise(task, self.rng)
            placement = self.rng.random()
            if placement < 0.35:
                said.append(request)
            elif placement < 0.6:
                said.insert(0, request)
            elif said:
                said.insert(0, f"{request}\n\n{'btw' if self.rng.random() < 0.5 else 'also'}:")
            else:
                said.append(request)
        return self._join(said)

    def _join(self, said: list[str]) -> str:
        joiner = self.rng.choice((" ", " ", "\n", "\n\n", ". "))
        return joiner.join(s for s in said if s).strip()

    def task(self, slots: Mapping[str, str]) -> str:
        return GRAMMAR.rule("task", self.rng, {k: code(v, self.rng) for k, v in slots.items()})

    def ordinary(self, rule: str, slots: Mapping[str, str]) -> str:
        return humanise(GRAMMAR.rule(rule, self.rng, dict(slots)), self.rng)

    def one_off(self, action: str, token: str) -> str:
        action_text = action.replace("<token>", protect(code(token, self.rng)))
        qualifier = GRAMMAR.rule("qualifier", self.rng)
        # The qualifier is ordinary typing (typos and all), so it goes in after the protected slots.
        text = GRAMMAR.rule("one_off", self.rng, {"action": action_text, "qualifier": _QUALIFIER})
        return text.replace(protect(_QUALIFIER), qualifier)

    def ack(self) -> str:
        return self.rng.choice(_ACKS)
