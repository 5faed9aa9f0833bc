"""``reverie eval --real DIR``: a labelled real corpus, replayed as a person's machine would see it.

Each source of the corpus (one repository's history) becomes a project: a fake git checkout whose
``origin`` is the source repository, so the project key is read as for a real session. Each of its
sessions becomes a Claude Code transcript in the real format: the person's turns in their channel
(``turns.write_turn``: typed prompt, answer to the agent's question, feedback on a refused tool call,
follow-up after an interrupt), the agent's words just before each turn, and the agent reading a file
between turns (so a later turn is not mistaken for the session's opening request).

Sessions of all sources are interleaved in one calendar (``STEP`` apart, source by source, each
source's sessions in their own order) and replayed in time order. For each session, as the hooks of
a real installation would: the recall hook's session-start digest of the active lessons (inside
reverie's marker) opens the transcript, the real importer reads it, distill runs; a dream runs every
``DREAM_EVERY`` sessions and once at the end, its consolidation accepted (``baselines.ReverieDreams``'s
policy). Then ``real_score`` compares the store with the labels.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reverie.capture.importer import import_paths
from reverie.domain.markers import wrap_injected
from reverie.evals import corpus, real_score
from reverie.evals.baselines import KeywordCorrections, RememberEverything, ReverieDreams
from reverie.evals.protocols import Memory
from reverie.evals.transcript import TranscriptWriter, mangle
from reverie.evals.turns import agent_works, write_turn
from reverie.store import SQLiteStore

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
STEP = timedelta(hours=8)
DREAM_EVERY = 25
# Retired for time, not for evidence. An expired one-off is a one-off reading ending as it should (when
# the label says standing, recall counts that miss); only a durable lesson that "expired" is counted.
AGE_RETIREMENTS = frozenset({"retire.unconfirmed", "retire.decayed", "retire.expired"})


@dataclass(frozen=True, slots=True)
class Project:
    key: str  # github.com/owner/repo
    folder: str  # relative to the work folder


@dataclass(frozen=True, slots=True)
class PlannedSession:
    id: str
    source: str
    project: Project
    start: datetime
    turns: tuple[corpus.Turn, ...]


def plan(turns: Sequence[corpus.Turn]) -> list[PlannedSession]:
    """Every session of every source on one calendar: source by source in turn, each in its own order."""
    queues = [corpus.sessions_of(group) for _, group in sorted(corpus.by_source(turns).items())]
    planned: list[PlannedSession] = []
    moment = START
    while any(queues):
        for queue in queues:
            if not queue:
                continue
            session = queue.pop(0)
            first = session[0]
            name = first.repo.replace("/", "-").replace(".", "-") or "local"
            project = Project(f"github.com/{first.repo}".casefold(), f"src/{name}")  # as identify() reads it
            session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"reverie-real:{first.source}:{first.session}"))
            planned.append(PlannedSession(session_id, first.source, project, moment, tuple(session)))
            moment += STEP
    return planned


def checkout(root: Path, project: Project) -> Path:
    folder = root / project.folder
    git = folder / ".git"
    for part in ("objects", "refs/heads"):
        (git / part).mkdir(parents=True, exist_ok=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    remote = "https://" + project.key + ".git"
    (git / "config").write_text(f'[remote "origin"]\n\turl = {remote}\n', encoding="utf-8")
    return folder


def write(session: PlannedSession, root: Path, digest: Sequence[str]) -> tuple[Path, datetime]:
    """The session's transcript (opened by the digest recall would inject), and when it ended."""
    cwd = checkout(root, session.project)
    writer = TranscriptWriter(random.Random(session.id), session.id, str(cwd), "main", session.start)
    writer.opening()
    if digest:
        lines = "\n".join(f"- {statement}" for statement in digest)
        writer.injected(wrap_injected(f"What reverie learned in earlier sessions:\n{lines}", "session-start"))
    readme = str(cwd / "README.md")
    for index, turn in enumerate(session.turns):
        if index:
            agent_works(writer, readme)
        write_turn(writer, turn.channel, turn.text, turn.before, file_path=readme)
        writer.assistant("OK.")
    path = writer.write(root / "claude" / "projects" / mangle(str(cwd)))
    return path, writer.clock


class Machine:
    """distill after every session, a dream every ``every`` sessions: reverie as installed, in one store.

    ``extractors`` replaces distill's default list (``--reader llm`` passes the model-backed one).
    """

    def __init__(self, workdir: Path, extractors: Sequence[Any] | None = None, every: int = DREAM_EVERY) -> None:
        self.retired_for_age: dict[str, str] = {}
        self.injected: list[str] = []  # every statement the digests showed
        self.memory = ReverieDreams(every=every, extractors=extractors, recorder=self._record)
        # The same sessions through two naive memories: what a matcher gives for free (and a check on it).
        self.baselines: list[Memory] = [KeywordCorrections(), RememberEverything()]
        self.store = SQLiteStore(workdir / "real.db")

    def _record(self, change: Any) -> None:
        if change.policy_name in AGE_RETIREMENTS:
            for lesson in change.before:
                if lesson.durable or change.policy_name != "retire.expired":
                    self.retired_for_age[lesson.id] = change.policy_name

    def learn(self, path: Path, session_id: str, now: datetime) -> list[str]:
        report = import_paths(self.store, [path])
        self.memory.learn(self.store, [session_id], now=now)
        for baseline in self.baselines:
            baseline.learn(self.store, [session_id])
        return [str(problem) for problem in report.problems]

    def finish(self, now: datetime) -> None:
        self.memory.dream_now(now)

    def lessons(self) -> Sequence[Any]:
        return self.memory.domain_lessons()

    def digest(self, project: str) -> list[str]:
        """What the session-start digest would show: the active lessons of the project and global ones."""
        held = self.memory.lessons()
        return [
            lesson.statement
            for lesson in held
            if lesson.active and (lesson.scope == "global" or lesson.project == project)
        ][:20]

    def close(self) -> None:
        self.store.close()
        self.memory.close()


@dataclass(frozen=True, slots=True)
class RealRun:
    score: real_score.RealScore
    baselines: dict[str, real_score.RealScore]
    turns: int
    sources: int
    sessions: int
    import_problems: tuple[str, ...]
    seconds: float
    meta: dict[str, object]


def run(
    folder: Path,
    workdir: Path,
    *,
    reader: str = "rules",
    extractors: Sequence[Any] | None = None,
    progress: Callable[[int], None] | None = None,
    around: Callable[[str], AbstractContextManager[Any]] | None = None,
) -> RealRun:
    """Load the turn files under ``folder``, replay them, score the store against their labels. ``around``
    gives, for a project key, what each of its sessions is learned inside (``reading.unseen``: the model
    that never saw that repository)."""
    started = time.perf_counter()
    turns = corpus.load(folder)
    workdir.mkdir(parents=True, exist_ok=True)
    machine, sessions, problems = replay(turns, workdir, extractors=extractors, progress=progress, around=around)
    try:
        result = real_score.score(
            turns,
            real_score.produced(machine.lessons()),
            retired_for_age=machine.retired_for_age,
            injected_texts=machine.injected,
        )
        baselines = {
            baseline.name: real_score.score(
                turns, real_score.from_eval(baseline.lessons()), retired_for_age={}, injected_texts=machine.injected
            )
            for baseline in machine.baselines
        }
        failures = list(machine.memory.failures.values())
    finally:
        machine.close()
    return RealRun(
        score=result,
        baselines=baselines,
        turns=len(turns),
        sources=len(corpus.by_source(turns)),
        sessions=len(sessions),
        import_problems=tuple(problems),
        seconds=time.perf_counter() - started,
        meta={
            "mode": "real",
            "folder": str(folder),
            "reader": reader,
            "dream_every": DREAM_EVERY,
            "distill_failures": len(failures),
            "first_failure": failures[0] if failures else None,
        },
    )


def sessions_in(folder: Path) -> int:
    """How many sessions ``run`` will replay (for a progress bar)."""
    return len(plan(corpus.load(folder)))


def replay(
    turns: Sequence[corpus.Turn],
    workdir: Path,
    *,
    extractors: Sequence[Any] | None = None,
    progress: Callable[[int], None] | None = None,
    around: Callable[[str], AbstractContextManager[Any]] | None = None,
) -> tuple[Machine, list[PlannedSession], list[str]]:
    """Every session through the importer, distill and dreams; the machine is left open for scoring."""
    for leftover in workdir.glob("real.db*"):
        leftover.unlink()
    sessions = plan(turns)
    machine = Machine(workdir, extractors)
    problems: list[str] = []
    end = START
    for session in sessions:
        digest = machine.digest(session.project.key)
        machine.injected.extend(digest)
        path, end = write(session, workdir, digest)
        with around(session.project.key) if around is not None else nullcontext():
            problems.extend(machine.learn(path, session.id, end))
        if progress is not None:
            progress(1)
    machine.finish(end + timedelta(minutes=1))
    return machine, sessions, problems
