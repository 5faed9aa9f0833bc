"""Distill: traces become small, scoped, evidence-backed lessons.

The table of contents, in the order a session flows through it:

* ``session_view``      one session parsed once: typed prompts, tool calls paired with results,
                        compaction summaries; injected context removed
* the extractors (``registry.EXTRACTORS``), each a pure function from a session to observations:
    ``corrections``       instructions and corrections the person wrote, in every channel
                          (``statements``: the ``reading`` model decides which sentences are
                          instructions and for how long; ``phrasing`` words them; ``choices`` reads
                          "use X, not Y" as their key)
    ``command_fixes``     a failing command followed by a close variant that works
    ``hazards``           the same failure signature in several sessions (``signatures``)
    ``failed_approaches`` actions repeated and abandoned, changes reverted
    ``project_facts``     test/lint/build commands and the package manager that work
    ``workflows``         command sequences repeated across sessions
    ``compactions``       substitutions the agent reported in its compaction summaries
* ``guards``            what may be learned from what, and when a lesson may become active
* ``confidence``        the documented formula (docs/confidence.md)
* ``merge``             observations folded into versioned lessons; contradictions resolved
* ``run``               the incremental pass over new sessions, one transaction per session
* ``explicit``          ``remember`` and ``forget``: the person's own edits to the memory
* ``llm``               optional: a model proposes lessons, the guards above decide (``reverie distill --llm``)
* ``lock``              one distillation at a time per reverie home
"""

from reverie.distill.explicit import forget, remember
from reverie.distill.extractor import Extractor
from reverie.distill.registry import EXTRACTORS
from reverie.distill.run import DistillReport, SessionOutcome, distill

__all__ = ["EXTRACTORS", "DistillReport", "Extractor", "SessionOutcome", "distill", "forget", "remember"]
