"""The simulated world behind the generated sessions: projects, what is true in them and when, and
which session touches what.

Everything is decided here, before a single transcript line is written, from one seeded ``Random``:
the session calendar, which project each session works in, the facts of each project and when they
change, the person's general preferences, and the one-off requests and poisoning attempts that
sessions will contain. Each learnable thing is a ``Concept`` with its ground-truth matcher fields;
the episode renderer (``episodes.py``) decides how each one shows up in a transcript.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import timedelta

from reverie.evals import catalogue as cat
from reverie.evals import spoken
from reverie.evals.concepts import global_concepts, one_offs_and_poisons, project_concepts, spoken_concepts
from reverie.evals.plan import EXTRA_RATES, START, TOPIC_RATES, Concept, ProjectSpec, SessionPlan, World

__all__ = ["Concept", "ProjectSpec", "SessionPlan", "World", "build", "session_uuid"]


def build(sessions: int, seed: int, pool: spoken.Pool | None = None) -> World:
    pool = pool or spoken.Pool()
    rng = random.Random(f"reverie-eval-world:{seed}")
    projects = _projects(rng, max(3, min(10, round(sessions**0.5 / 3))))
    plans = _calendar(rng, sessions, projects)
    concepts: dict[str, Concept] = {}
    for project in projects:
        mine = [plan for plan in plans if plan.project.key == project.key]
        plans = project_concepts(rng, project, mine, plans, concepts)
    global_concepts(rng, concepts)
    plans = spoken_concepts(rng, projects, plans, concepts, pool)
    plans = [one_offs_and_poisons(rng, plan, concepts, pool) for plan in plans]
    deck = list(pool.tasks)
    random.Random(f"reverie-eval-tasks:{seed}").shuffle(deck)  # its own stream: the rest of the world is unchanged
    return World(seed=seed, projects=tuple(projects), concepts=concepts, sessions=tuple(plans), tasks=tuple(deck))


def session_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# -- projects and calendar ---------------------------------------------------------------------


def _projects(rng: random.Random, count: int) -> list[ProjectSpec]:
    names = rng.sample(cat.REPO_WORDS, k=count)
    projects = []
    for index, name in enumerate(names):
        owner = rng.choice(cat.OWNERS)
        ecosystem = cat.ECOSYSTEMS[index % len(cat.ECOSYSTEMS)] if index < 4 else rng.choice(cat.ECOSYSTEMS)
        remote = rng.choice((f"git@github.com:{owner}/{name}.git", f"https://github.com/{owner}/{name}.git"))
        projects.append(
            ProjectSpec(
                key=f"github.com/{owner}/{name}",
                name=name,
                remote=remote,
                ecosystem=ecosystem,
                folder=f"src/{name}",
                branch=rng.choice(("main", "main", "master")),
                modules=tuple(rng.sample(cat.WORDS, k=6)),
            )
        )
    return projects


def _calendar(rng: random.Random, count: int, projects: Sequence[ProjectSpec]) -> list[SessionPlan]:
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(projects))]
    moment = START
    plans = []
    for index in range(count):
        moment += timedelta(hours=rng.uniform(0.3, 14))
        project = rng.choices(projects, weights=weights)[0]
        rate = dict(TOPIC_RATES, **({"python-run": 0.35} if project.ecosystem == "python" else {}))
        topics = frozenset(topic for topic, p in rate.items() if rng.random() < p) or frozenset({"edit"})
        extras = tuple(name for name, p in EXTRA_RATES.items() if rng.random() < p)
        subdir = rng.choice(("", "", "", "src", "docs"))
        plans.append(SessionPlan(index, session_uuid(rng), project, moment, topics, subdir, extras))
    return plans


# -- concepts ----------------------------------------------------------------------------------
