"""A labelled corpus read as if never seen: each session by a model that was not trained on its repository.

The shipped reading model is trained on the whole dev split, so ``reverie eval --real corpus/turns/dev``
replays sessions the model has already read, and flatters it: on 7 December 2026, 373 of dev's 876 standing
lessons were right candidates in sample and 147 out of fold. This replays a folder the same way, but each
session is read by the model of the cross-validation fold that left its repository out (the folds, the
person cap and the method of training; the shipped model's thresholds), so that a change to reading is
judged on dev as it would fare with people the model never saw. Grammar (``lasting``, ``frames``) is the
code as it is: only the model is held out. The holdout stays the report. Training needs the ``train``
extra (SciPy).

    python -m reverie.evals.unseen corpus/turns/dev [--json] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from reverie.distill.reading import calibrate, train
from reverie.distill.reading.corpus import examples, load_turns
from reverie.distill.reading.model import Model, reading_with, shipped
from reverie.evals import real, real_report


def fold_models(folder: Path) -> tuple[dict[str, int], list[Model]]:
    """The fold of each repository (by its project key, ``github.com/owner/repo``) and, per fold, a model
    trained on the other folds."""
    found = examples(load_turns([folder]))
    if not found:
        raise SystemExit(f"no labelled turns in {folder}")
    groups = calibrate.folds(found, train.FOLDS)
    fold_of = {
        f"github.com/{calibrate.group_of(found[index])}".casefold(): number
        for number, members in enumerate(groups)
        for index in members
    }
    data, weights = train.samples(found), train.person_weights(found)
    method = train.Candidate(str(shipped().meta.get("method", "logistic-converged")))
    models = []
    for members in groups:
        held = set(members)
        kept = [index for index in range(len(data)) if index not in held]
        fitted = method.fit([data[index] for index in kept], [], [weights[index] for index in kept])
        models.append(replace(fitted, thresholds=shipped().thresholds))
    return fold_of, models


def run(folder: Path, workdir: Path) -> real.RealRun:
    fold_of, models = fold_models(folder)

    def around(project: str) -> AbstractContextManager[Any]:
        fold = fold_of.get(project)  # a repository without one sentence was never read by the shipped model
        return nullcontext() if fold is None else reading_with(models[fold])

    result = real.run(folder, workdir, around=around)
    result.meta["reader"] = f"rules, model out of fold ({len(models)} folds by repository)"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reverie.evals.unseen", description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of labelled turn files (corpus/README.md)")
    parser.add_argument("--json", action="store_true", help="the document `reverie eval --real --json` prints")
    parser.add_argument("--workdir", type=Path, default=None, help="where the replay store goes (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reverie-unseen-") as scratch:
        result = run(args.folder, args.workdir or Path(scratch))
    if args.json:
        print(json.dumps(real_report.as_json(result), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(real_report.render_markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
