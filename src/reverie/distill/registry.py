"""The extractors that run by default: a view of the extension table (``reverie.extensions``).

The built-ins are registered here, in the order they run; packages add theirs through the
``reverie.extractors`` entry-point group (each entry point names an ``Extractor``), or a caller passes
``extractors=(*EXTRACTORS, mine)`` to ``reverie.distill.distill``. An ``Extractor`` is a name, a
summary and a pure function from a ``SessionView`` to observations."""

from __future__ import annotations

from collections.abc import Sequence

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
from reverie.extensions import EXTRACTORS as TABLE

for _built_in in (
    corrections.EXTRACTOR,
    command_fixes.EXTRACTOR,
    hazards.EXTRACTOR,
    failed_approaches.EXTRACTOR,
    project_facts.EXTRACTOR,
    workflows.EXTRACTOR,
    compactions.EXTRACTOR,
):
    TABLE.register(_built_in)

EXTRACTORS: Sequence[Extractor] = TABLE.view(Extractor)


def extractors() -> tuple[Extractor, ...]:
    """The built-ins, anything registered at run time, then installed packages' extractors."""
    return TABLE.all(Extractor)
