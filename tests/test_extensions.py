"""The extension table: a package that ships one extension of each kind through entry points sees
each one used by the code that reads that kind, like the built-ins."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reverie import extensions
from reverie.adapters.registry import actor_markers, agents
from reverie.artifacts.places import project_folders
from reverie.artifacts.targets import Built, TargetSpec, build, target_specs
from reverie.capture import ingest
from reverie.capture.importer import import_paths
from reverie.distill import EXTRACTORS, Extractor, distill
from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import Lesson, Observation
from reverie.dream import DreamPass, passes
from reverie.dream.runner import DreamRequest, run_dream
from reverie.dream.snapshot import Snapshot
from reverie.errors import ConfigError
from reverie.llms.backends import BackendSpec, Completion, Price, build_backend
from reverie.review.actor import current
from reverie.store import Batch, SQLiteStore
from reverie.workspace import Workspace

CALLS: Counter[str] = Counter()


class FakeLog:
    """A transcript of the fake agent: one prompt a line."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.skipped: Counter[str] = Counter()

    def prime(self, record: object) -> None:
        pass

    def feed(self, record: object, line: int) -> list[Event]:
        text = str(record).strip()
        key = f"fake-1:prompt:{line}"
        return [Event(key, "fake-1", EventKind.PROMPT, Origin.USER, Source.TRANSCRIPT, text=text)] if text else []

    def finish(self) -> list[Event]:
        return []

    def sessions(self) -> list[Session]:
        return [Session(id="fake-1", agent="fake", cwd=str(Path(self.path).parent), transcript_path=self.path)]


def normalize(record: Mapping[str, Any]) -> tuple[Session, list[Event]]:
    CALLS["normalize"] += 1
    return Session(id="fake-2", agent="fake"), []


AGENT = extensions.Agent(
    name="fake",
    display_name="Fake",
    normalize=normalize,
    transcripts=(
        extensions.TranscriptFormat(
            "text",
            lambda name: name.endswith(".fake.log"),
            lambda path, first: path.name.endswith(".fake.log"),
            FakeLog,
        ),
    ),
    actor_markers=("FAKE_AGENT_SESSION",),
)


def extract(view: object) -> list[Observation]:
    CALLS["extractor"] += 1
    return []


def dream_pass(snapshot: Snapshot) -> list[Any]:
    CALLS["dream pass"] += 1
    return []


def build_target(lessons: Sequence[Lesson], folders: object, taught: object) -> Built:
    CALLS["artifact target"] += 1
    return Built((), ("built by the fake target",))


@dataclass
class FakeBackend:
    name: str = "fake"
    price: Price = field(default_factory=Price)

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion:
        return Completion("[]", "fake-model", 1, 1)


def open_store(location: str) -> SQLiteStore:
    CALLS["store backend"] += 1
    return SQLiteStore(location)


@dataclass(frozen=True)
class FakeEntryPoint:
    name: str
    value: object

    def load(self) -> object:
        return self.value


INSTALLED = {
    "reverie.agents": AGENT,
    "reverie.extractors": Extractor("fake-extractor", "counts its calls", extract),
    "reverie.dream_passes": DreamPass("fake-pass", "counts its calls", dream_pass),
    "reverie.artifact_targets": TargetSpec("fake-target", "counts its calls", build_target),
    "reverie.llm_backends": BackendSpec("fake", "a backend of the test", lambda model, url, price: FakeBackend()),
    "reverie.store_backends": extensions.StoreBackend("fake-store", "SQLite, counted", open_store),
}


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        return [FakeEntryPoint(f"fake-{group}", INSTALLED[group])] if group in INSTALLED else []

    monkeypatch.setattr(extensions, "entry_points", entry_points)
    CALLS.clear()
    for kind in extensions.KINDS:
        kind.reload()
    yield
    for kind in extensions.KINDS:
        kind.reload()  # the next test module sees the real entry points again


def test_every_kind_has_one_entry_point_group() -> None:
    assert {kind.group for kind in extensions.KINDS} == set(INSTALLED)


def test_an_installed_agent_is_imported_ingested_and_seen_as_an_actor(tmp_path: Path) -> None:
    assert [agent.name for agent in agents()][-1] == "fake"
    log = tmp_path / "work" / "session.fake.log"
    log.parent.mkdir()
    log.write_text("use pnpm here, never npm\n")
    os.utime(log, (1e9, 1e9))
    store = SQLiteStore(tmp_path / "store.db")
    report = import_paths(store, [tmp_path / "work"])
    assert (report.files, report.events_new, report.problems) == (1, 1, ())
    assert [s.session.agent for s in store.sessions()] == ["fake"]
    ingest.normalize({"agent": "fake", "id": "r1"})
    assert CALLS["normalize"] == 1
    assert "FAKE_AGENT_SESSION" in actor_markers()
    assert current(environ={"FAKE_AGENT_SESSION": "1"}, terminal=lambda: True).agent_marker == "FAKE_AGENT_SESSION"
    store.close()


def test_an_installed_extractor_runs_in_distill(tmp_path: Path) -> None:
    assert EXTRACTORS[-1].name == "fake-extractor" and len((*EXTRACTORS, "mine")) == len(EXTRACTORS) + 1
    store = SQLiteStore(tmp_path / "store.db")
    event = Event("s:prompt:1", "s", EventKind.PROMPT, Origin.USER, Source.TRANSCRIPT, text="hello")
    store.write(Batch(events=[event], sessions=[Session(id="s", agent="claude-code")]))
    distill(store)
    assert CALLS["extractor"] == 1
    store.close()


def test_an_installed_dream_pass_runs_in_a_dream(tmp_path: Path) -> None:
    assert passes()[-1].name == "fake-pass"
    store = SQLiteStore(tmp_path / "store.db")
    run_dream(store, tmp_path, DreamRequest(wait=0))
    assert CALLS["dream pass"] == 1
    store.close()


def test_an_installed_artifact_target_builds(tmp_path: Path) -> None:
    assert target_specs()[-1].name == "fake-target"
    built = build("fake-target", [], project_folders(tmp_path), lambda lesson: [])
    assert built.notes == ("built by the fake target",) and CALLS["artifact target"] == 1
    assert built.artifacts == ()


def test_an_installed_llm_backend_is_built_by_name() -> None:
    assert isinstance(build_backend("fake", None, None), FakeBackend)
    with pytest.raises(ConfigError, match="no LLM backend named 'nope'"):
        build_backend("nope", None, None)


def test_an_installed_store_backend_opens_the_workspace(tmp_path: Path) -> None:
    workspace = Workspace.open(tmp_path / "home", backend="fake-store")
    assert CALLS["store backend"] == 1 and workspace.store.sessions() == []


def test_an_entry_point_of_the_wrong_type_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(INSTALLED, "reverie.dream_passes", "not a pass")
    extensions.DREAM_PASSES.reload()
    with pytest.raises(ConfigError, match=r"reverie\.dream_passes"):
        passes()


def test_an_entry_point_never_replaces_a_built_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(INSTALLED, "reverie.dream_passes", DreamPass("dedupe", "an impostor", dream_pass))
    extensions.DREAM_PASSES.reload()
    assert [p.summary for p in passes() if p.name == "dedupe"] != ["an impostor"]
