"""``python -m reverie.evals.unseen``: each session of a corpus read by the model of the fold that left its
repository out, on real dev files (skipped where the corpus is absent)."""

from __future__ import annotations

import shutil
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from reverie.distill.reading.corpus import examples, load_turns
from reverie.distill.reading.features import features
from reverie.evals import real, unseen

pytestmark = pytest.mark.corpus

DEV = Path(__file__).resolve().parents[2] / "corpus" / "turns" / "dev"
FILES = (
    "applab-nl-dmux-chat.jsonl",
    "jackela-ai-recruitment-clerk-history.jsonl",
    "moonladderstudios-moonmind-history.jsonl",
)


@pytest.fixture
def three_repositories(tmp_path: Path) -> Path:
    if not all((DEV / name).is_file() for name in FILES):
        pytest.skip("corpus/turns/dev is not present")
    folder = tmp_path / "turns"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DEV / name, folder / name)
    return folder


def test_each_repository_has_a_fold_and_its_model_never_saw_it(three_repositories: Path) -> None:
    fold_of, models = unseen.fold_models(three_repositories)
    found = examples(load_turns([three_repositories]))
    words: dict[str, set[str]] = {}
    for example in found:
        key = f"github.com/{example.group}".casefold()
        words.setdefault(key, set()).update(
            name for name in features(example.sentence, example.context) if name[:2] == "w:"
        )
    assert set(fold_of) == set(words) and len(models) == len(words)
    for key, own in words.items():
        only_here = own - set().union(*(other for name, other in words.items() if name != key))
        assert only_here  # words no other repository typed: the held-out model cannot know them
        assert not only_here & set(models[fold_of[key]].weights)
        assert all(only_here & set(model.weights) for fold, model in enumerate(models) if fold != fold_of[key])


def test_the_replay_reads_each_session_inside_its_repositorys_fold(three_repositories: Path, tmp_path: Path) -> None:
    asked: list[str] = []

    def around(project: str) -> AbstractContextManager[Any]:
        asked.append(project)
        return nullcontext()

    real.run(three_repositories, tmp_path / "work", around=around)
    assert set(asked) == set(unseen.fold_models(three_repositories)[0])
    result = unseen.run(three_repositories, tmp_path / "work2")
    assert "out of fold" in str(result.meta["reader"]) and result.score.rates["recall"].denominator > 0
