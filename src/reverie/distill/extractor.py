"""What an extractor is: a name, a one-line summary, and a pure function from one session to
observations. Extractors never read the store and never write; the distill pass does both."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reverie.distill.session_view import SessionView
from reverie.domain.lessons import Observation

Extract = Callable[[SessionView], Iterable[Observation]]


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    summary: str
    extract: Extract
