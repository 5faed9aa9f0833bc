"""Putting a run together: the built-in benchmark, or a replay of a person's own labelled history.

``benchmark`` generates a scenario (or reuses one already generated with the same size and seed),
then replays it through every memory. ``labelled_replay`` replays a folder of real transcripts
against a hand-written labels file (docs/eval.md): sessions the labels do not mention are learned
from but not scored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from reverie.capture.importer import discover
from reverie.errors import InputError
from reverie.evals import spoken
from reverie.evals import truth as t
from reverie.evals.baselines import BASELINES
from reverie.evals.generator import TRUTH_FILE, Scenario, fingerprint, generate, load_scenario
from reverie.evals.injector import DEFAULT_BUDGET, DigestInjector
from reverie.evals.protocols import Memory
from reverie.evals.replay import ReplaySession, RunResult, replay, sessions_of

Progress = Callable[[int], None]


def factories(names: Sequence[str] | None = None) -> list[Callable[[], Memory]]:
    chosen = list(names) if names else list(BASELINES)
    unknown = [name for name in chosen if name not in BASELINES]
    if unknown:
        raise InputError(f"unknown memories {unknown}; known: {', '.join(BASELINES)}")
    return [BASELINES[name] for name in chosen]


def scenario(
    sessions: int, seed: int, folder: Path, progress: Progress | None = None, *, turns: Path | None = None
) -> Scenario:
    """The scenario for (sessions, seed, turns) in ``folder``: generated once, reused while the generator
    and the turn files are the same."""
    existing = folder / TRUTH_FILE
    if existing.exists():
        loaded = load_scenario(folder)
        same = loaded.truth.seed == seed and loaded.truth.meta.get("fingerprint") == fingerprint()
        same = same and (loaded.truth.meta.get("turns") or {}).get("digest") == spoken.load(turns).digest
        if same and len(loaded.truth.sessions) == sessions:
            if progress is not None:
                progress(sessions)
            return loaded
    return generate(sessions=sessions, seed=seed, out_dir=folder, turns=turns, progress=progress)


def benchmark(
    sessions: int,
    seed: int,
    workdir: Path,
    *,
    memories: Sequence[str] | None = None,
    budget: int = DEFAULT_BUDGET,
    generated: Progress | None = None,
    replayed: Progress | None = None,
    turns: Path | None = None,
) -> RunResult:
    built = scenario(sessions, seed, workdir / f"scenario-{sessions}-{seed}", generated, turns=turns)
    result = replay(
        built.truth,
        sessions_of(built.truth, built.root),
        factories(memories),
        workdir=workdir,
        injector=DigestInjector(budget),
        progress=replayed,
    )
    spoken_meta = built.truth.meta.get("turns") or {}
    meta = {"mode": "benchmark", "seed": seed, "scenario": str(built.root), "turns": spoken_meta}
    return replace(result, meta=meta)


def labelled_replay(
    folder: Path,
    labels: Path,
    workdir: Path,
    *,
    memories: Sequence[str] | None = None,
    budget: int = DEFAULT_BUDGET,
    replayed: Progress | None = None,
) -> RunResult:
    truth = t.load(labels)
    ordered = user_sessions(folder, truth)
    if not ordered:
        raise InputError("no transcripts found", path=str(folder))
    truth = _resolved(truth, ordered)
    result = replay(
        truth, ordered, factories(memories), workdir=workdir, injector=DigestInjector(budget), progress=replayed
    )
    return replace(
        result,
        meta={"mode": "replay", "folder": str(folder), "labels": str(labels), "labelled_sessions": len(truth.sessions)},
    )


def user_sessions(folder: Path, truth: t.Truth) -> list[ReplaySession]:
    """Every main-session transcript under ``folder``, oldest first, joined with its labels if any.

    Labels may name a session by a unique prefix of its id."""
    files, _ = discover([folder])
    labelled = {s.id: s for s in truth.sessions}
    found = []
    for path in files:
        if "subagents" in path.parts:
            continue  # imported with their parent's folder by the importer's own walk
        head = _peek(path)
        if head is None:
            continue
        session_id, started = head
        label = labelled.get(session_id) or _by_prefix(labelled, session_id)
        if label is not None:
            label = replace(label, id=session_id, started_at=label.started_at or started)
        found.append(ReplaySession(session_id, path, started, label))
    return sorted(found, key=lambda s: (s.started_at, s.id))


def _peek(path: Path) -> tuple[str, str] | None:
    """The session id and first timestamp of a transcript, from its first lines that have them."""
    session_id = started = None
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle):
                if number > 200 or (session_id and started):
                    break
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict):
                    session_id = session_id or record.get("sessionId") or record.get("payload", {}).get("id")
                    started = started or record.get("timestamp")
    except OSError:
        return None
    return (str(session_id), str(started or "")) if session_id else None


def _by_prefix(labelled: dict[str, t.SessionTruth], session_id: str) -> t.SessionTruth | None:
    matches = [label for key, label in labelled.items() if session_id.startswith(key)]
    return matches[0] if len(matches) == 1 else None


def _resolved(truth: t.Truth, ordered: Sequence[ReplaySession]) -> t.Truth:
    """Labels with full session ids and times; an item that names no teaching session counts as
    taught from the first session on (a person labelling their history knows what is true, not where
    it was first said)."""
    ids = [s.id for s in ordered]

    def full(session_id: str) -> str | None:
        if session_id in ids:
            return session_id
        matches = [i for i in ids if i.startswith(session_id)]
        return matches[0] if len(matches) == 1 else None

    def resolve(names: Sequence[str]) -> tuple[str, ...]:
        return tuple(found for found in (full(name) for name in names) if found)

    items = []
    for item in truth.items:
        taught, explicit = resolve(item.taught_in), resolve(item.explicit_in)
        if not item.taught_in and not item.explicit_in:
            taught = explicit = (ids[0],)
        items.append(replace(item, taught_in=taught, explicit_in=explicit))
    # Unlabelled sessions stay in the calendar (teaching times need them) but are not scored.
    sessions = tuple(s.truth or t.SessionTruth(s.id, "", s.started_at) for s in ordered)
    return replace(truth, items=tuple(items), sessions=sessions)
