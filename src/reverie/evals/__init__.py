"""Evals: memory quality measured on its own, with six failure labels and a future-behaviour score.

The table of contents, in the order a run flows through it:

* the scenario generator, which writes real Claude Code transcripts plus ground truth:
    ``catalogue``   what the simulated projects and person know (facts, preferences, hazards, ...)
    ``plan``        the world's vocabulary: projects, concepts, session plans
    ``world``, ``concepts``   the seeded plan: projects, what is true when, which session touches what
    ``lexicon``, ``phrasing``, ``speech``   how a person says things (grammar, typos, habits)
    ``episodes``, ``exposures``   one planned session acted out; the evidence ledger
    ``transcript``  the Claude Code JSONL writer
    ``generator``   ``generate(sessions, seed, out_dir)``
* ``truth``       ground truth (also the format of a person's own labels file)
* ``matching``    which truth items a lesson statement is about
* ``protocols``   the seams: ``Memory`` ("given a store, produce lessons") and ``Injector``
* ``baselines``   no memory, remember everything, keyword corrections, reverie, reverie + dreams
* ``injector``    the default session-start digest until recall exists
* ``metrics``     the scorecard, every metric a rate with its counts
* ``replay``      time-ordered, incremental replay through the real importer
* ``runner``      the benchmark and the labelled replay of a person's history
* ``report``, ``plots``   terminal table, JSON, markdown and SVG plots (``reverie.charts``)

The generator never imports reverie.distill: it describes the world, not how extractors read it.
"""

from reverie.evals.generator import Scenario, generate, load_scenario
from reverie.evals.protocols import EvalLesson, Injection, InjectionRequest, Injector, Memory, MemoryUnavailable
from reverie.evals.runner import benchmark, labelled_replay

__all__ = [
    "EvalLesson",
    "Injection",
    "InjectionRequest",
    "Injector",
    "Memory",
    "MemoryUnavailable",
    "Scenario",
    "benchmark",
    "generate",
    "labelled_replay",
    "load_scenario",
]
