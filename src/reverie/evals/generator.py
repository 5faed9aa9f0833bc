"""The scenario generator: a seeded, reproducible body of Claude Code sessions with ground truth.

``generate(sessions=N, seed=S, out_dir=D)`` writes, under ``D``:

- ``src/<repo>/``: one fake git checkout per project (a ``.git/config`` with an ``origin`` remote),
  so that project identity is read from the checkout exactly as for a real session;
- ``claude/projects/<mangled cwd>/<session>.jsonl``: the transcripts, in Claude Code's own layout
  and format, to be read by the real importer;
- ``truth.json``: the ground truth (``reverie.evals.truth``), with what each project's checkout held
  at the start of each session (``reverie.evals.checkout``; the replay materialises it, so recall can
  check lessons' premises against it).

What the person says (standing instructions, one-off requests, task requests) is drawn from real
labelled turns (``turns=``, see ``spoken``); the ground truth of each is its labelled statement. The
same seed, size and turn files give byte-identical transcripts and truth, apart from the absolute path
of ``D`` itself, which appears in every ``cwd``. Nothing here imports reverie.distill: the generator
describes the world; it must not know how the extractors read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reverie.errors import InputError
from reverie.evals import checkout, spoken
from reverie.evals import truth as t
from reverie.evals.episodes import Ledger, SessionRenderer
from reverie.evals.plan import Concept, ProjectSpec, World
from reverie.evals.transcript import mangle
from reverie.evals.world import build

TRUTH_FILE = "truth.json"
TRANSCRIPTS = Path("claude") / "projects"


@dataclass(frozen=True, slots=True)
class Scenario:
    root: Path
    truth: t.Truth
    transcripts: tuple[Path, ...]  # in session order


def generate(
    sessions: int,
    seed: int,
    out_dir: Path,
    *,
    turns: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Scenario:
    """``turns``: the real labelled turns the person's words are drawn from (``spoken``); None: none."""
    if sessions < 1:
        raise InputError(f"a scenario needs at least one session, not {sessions}")
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = spoken.load(turns)
    world = build(sessions, seed, pool)
    for project in world.projects:
        _checkout(out_dir, project)
    ledger = Ledger()
    truths: list[t.SessionTruth] = []
    paths: list[Path] = []
    checkouts: dict[str, dict[str, str]] = {}
    for plan in world.sessions:
        renderer = SessionRenderer(world, plan, ledger, out_dir)
        session_truth = renderer.render()
        path = renderer.writer.write(out_dir / TRANSCRIPTS / mangle(renderer.writer.cwd))
        files = checkout.files_at(world, plan)
        key = checkout.key_of(plan.project.name, files)
        checkouts.setdefault(key, files)
        truths.append(replace(session_truth, path=str(path.relative_to(out_dir)), checkout=key))
        paths.append(path)
        if progress is not None:
            progress(1)
    truth = t.Truth(
        items=tuple(_item(concept, ledger) for concept in world.concepts.values()),
        sessions=tuple(truths),
        seed=seed,
        meta=_meta(world, sessions, pool),
        checkouts=checkouts,
    )
    t.dump(truth, out_dir / TRUTH_FILE)
    return Scenario(root=out_dir, truth=truth, transcripts=tuple(paths))


_GENERATOR_MODULES = (
    "catalogue",
    "checkout",
    "concepts",
    "episodes",
    "exposures",
    "generator",
    "lexicon",
    "phrasing",
    "plan",
    "speech",
    "spoken",
    "transcript",
    "truth",
    "turns",
    "world",
)


def fingerprint() -> str:
    """A digest of the generator's own source: a cached scenario is reused only by the same generator."""
    digest = hashlib.sha256()
    for name in _GENERATOR_MODULES:
        digest.update((Path(__file__).parent / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def load_scenario(root: Path) -> Scenario:
    truth = t.load(root / TRUTH_FILE)
    return Scenario(root=root, truth=truth, transcripts=tuple(root / s.path for s in truth.sessions))


def world_of(sessions: int, seed: int, turns: Path | None = None) -> World:
    """The plan behind a scenario, without writing anything (for tests and inspection)."""
    return build(sessions, seed, spoken.load(turns))


def _meta(world: World, sessions: int, pool: spoken.Pool) -> dict[str, object]:
    return {
        "generator": "reverie.evals.generator/1",
        "fingerprint": fingerprint(),
        "sessions": sessions,
        # Which turn files, by content (their folder would make the truth depend on where they are).
        "turns": {"digest": pool.digest, "spoken": sum(1 for c in world.concepts.values() if c.statement)},
        "projects": [{"key": p.key, "ecosystem": p.ecosystem, "folder": p.folder} for p in world.projects],
    }


def _item(concept: Concept, ledger: Ledger) -> t.Item:
    return t.Item(
        id=concept.id,
        category=concept.category,
        persist=concept.persist,
        matcher=concept.matcher(),
        taught_in=tuple(ledger.taught.get(concept.id, ())),
        explicit_in=tuple(ledger.explicit.get(concept.id, ())),
        slot=concept.slot,
        value=concept.value,
        vector=concept.vector,
        note=concept.note,
    )


def _checkout(out_dir: Path, project: ProjectSpec) -> None:
    root = out_dir / project.folder
    git = root / ".git"
    for part in ("objects", "refs/heads"):  # with HEAD, what git needs to see a repository here
        (git / part).mkdir(parents=True, exist_ok=True)
    (git / "HEAD").write_text(f"ref: refs/heads/{project.branch}\n", encoding="utf-8")
    (git / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
        f'[remote "origin"]\n\turl = {project.remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
        encoding="utf-8",
    )
    for folder in ("src", "docs"):
        (root / folder).mkdir(exist_ok=True)
