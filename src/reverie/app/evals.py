"""Eval runs as use cases: the real-corpus replay (with the rules or a model as the reader) and the
scorecard on the generated benchmark or on labelled history.

The harness (``reverie.evals``) does the measuring; what this adds is the model behind a real replay
read by a model (the backend and its budget, ``app.models``) and what it spent, kept in the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reverie.app.models import reader_for_eval
from reverie.evals import real, runner, spoken
from reverie.evals.replay import RunResult

Progress = Callable[[int], None]


def replay_real(
    folder: Path,
    workdir: Path,
    *,
    reader: str,
    backend: tuple[str | None, str | None, str | None, int],
    progress: Progress | None = None,
) -> real.RealRun:
    """Replay a labelled corpus of real sessions; ``backend`` (name, model, base url, tokens) is the
    model's when ``reader`` is ``llm``."""
    if reader != "llm":
        return real.run(folder, workdir, reader=reader, progress=progress)
    name, model, base_url, tokens = backend
    extractors, meter = reader_for_eval(name, model, base_url, tokens)
    result = real.run(folder, workdir, reader=reader, extractors=extractors, progress=progress)
    result.meta["model_calls"] = len(meter.usage)
    result.meta["model_tokens"] = sum(u.input_tokens + u.output_tokens for u in meter.usage)
    return result


def scorecard(
    workdir: Path,
    *,
    sessions: int,
    seed: int,
    turns: Path | None,
    replay_dir: Path | None,
    labels: Path | None,
    memories: Sequence[str] | None,
    budget: int,
    progress: Progress | None = None,
) -> RunResult:
    """Labelled history when ``replay_dir`` and ``labels`` are given, else the generated benchmark."""
    if replay_dir is not None and labels is not None:
        return runner.labelled_replay(replay_dir, labels, workdir, memories=memories, budget=budget, replayed=progress)
    return runner.benchmark(
        sessions,
        seed,
        workdir,
        memories=memories,
        budget=budget,
        generated=progress,
        replayed=progress,
        turns=turns or spoken.default_folder(),
    )
