"""What the simulated person types around their instructions, and what the simulated agent answers.

The person's instructions themselves are real people's turns (``spoken``), written as typed. What is
left here is the rest of a session: the request that opens it (a real task turn when the pool has
them; otherwise a small fallback grammar of task shapes, ``lexicon.TASK_RULES``) and the agent's short
replies, varied so that no extractor can find the person's words by looking at the agent's answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from reverie.evals.lexicon import GRAMMAR
from reverie.evals.phrasing import code, humanise

_ACKS = (
    "Understood - switching.",
    "Ah, my mistake.",
    "OK.",
    "Sorry, fixing that now.",
    "Right, I'll redo it.",
    "Updating it that way.",
)


class Speaker:
    def __init__(self, rng: random.Random, project_name: str, tasks: Sequence[str] = (), turn: int = 0) -> None:
        self.rng = rng
        self.project_name = project_name
        self.tasks = tuple(tasks)
        self.turn = turn  # which task of the world's deck opens this session

    def prompt(self, *parts: str, task: str = "") -> str:
        """A typed prompt: the parts, after the task request when there is one."""
        said = [part for part in (task, *parts) if part]
        return "\n\n".join(said).strip()

    def task(self, slots: Mapping[str, str]) -> str:
        if self.tasks:
            # Dealt from a shuffled deck, not drawn with replacement: a person does not retype the same
            # task request word for word in session after session, and when the simulated one did, the
            # request recurred like an instruction said twice (and was learned as one).
            return self.tasks[self.turn % len(self.tasks)]
        return humanise(GRAMMAR.rule("task", self.rng, {k: code(v, self.rng) for k, v in slots.items()}), self.rng)

    def ordinary(self, rule: str, slots: Mapping[str, str]) -> str:
        return humanise(GRAMMAR.rule(rule, self.rng, dict(slots)), self.rng)

    def ack(self) -> str:
        return self.rng.choice(_ACKS)
