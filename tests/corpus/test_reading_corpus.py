"""The reading model against the real, labelled corpus (``corpus/``) and ../shared/data.

Skipped where the corpus is absent (it arrives on main through the labelling branches). What is
held here: the shipped model was trained on the committed dev split (same fingerprint), and every
statement made from anyone's real words is one a reviewer could accept as it stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from reverie.capture.importer import import_paths
from reverie.distill import distill
from reverie.distill.reading.corpus import fingerprint, load_turns
from reverie.distill.reading.evaluate import acceptable, read_turns
from reverie.distill.reading.model import shipped
from reverie.domain.lessons import Basis
from reverie.store import SQLiteStore
from tests.distill.conftest import NOW

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "turns"


def split(name: str) -> Path:
    directory = CORPUS / name
    if not directory.is_dir() or not any(directory.glob("*.jsonl")):
        pytest.skip(f"corpus/turns/{name} is not present")
    return directory


def test_the_shipped_model_was_trained_on_the_committed_dev_split() -> None:
    """And on the committed auxiliary corpus (corpus/rules) when training chose to use it."""
    dev = split("dev")
    aux = [CORPUS.parent / "rules"] if shipped().meta.get("aux") else []
    assert shipped().meta.get("fingerprint") == fingerprint([dev], aux), (
        "retrain: python -m reverie.distill.reading.train corpus/turns/dev --aux corpus/rules"
    )


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_every_statement_from_the_corpus_is_acceptable(name: str) -> None:
    turns = load_turns([split(name)])
    statements = [parsed.statement for _, _, parsed in read_turns(turns) if parsed is not None]
    rejected = [statement for statement in statements if not acceptable(statement)]
    assert rejected == []


def test_every_statement_from_the_shared_transcripts_is_acceptable(shared_data: Path) -> None:
    store = SQLiteStore(":memory:")
    import_paths(store, [shared_data / "claude-code", shared_data / "codex"], stale_after=0)
    assert not distill(store, now=NOW).failures
    typed = [
        lesson.statement
        for lesson in store.lessons()
        if any(evidence.basis is Basis.USER_STATEMENT for evidence in lesson.evidence)
    ]
    assert [statement for statement in typed if not acceptable(statement)] == []
