"""The extractors that run by default, in one list. To add your own, pass
``extractors=(*EXTRACTORS, mine)`` to ``reverie.distill.distill``; an ``Extractor`` is a name, a
summary and a pure function from a ``SessionView`` to observations."""

from __future__ import annotations

from reverie.distill import (
    command_fixes,
    compactions,
    corrections,
    failed_approaches,
    hazards,
    project_facts,
    workflows,
)
from reverie.distill.extractor import Extractor

EXTRACTORS: tuple[Extractor, ...] = (
    corrections.EXTRACTOR,
    command_fixes.EXTRACTOR,
    hazards.EXTRACTOR,
    failed_approaches.EXTRACTOR,
    project_facts.EXTRACTOR,
    workflows.EXTRACTOR,
    compactions.EXTRACTOR,
)
