"""Shared fixtures. Every test gets its own REVERIE_HOME so nothing touches the real data dir."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.review import actor

pytest_plugins = ["tests.postgres_cluster"]  # the real PostgreSQL of the team tier

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# When the suite itself runs under an agent (someone runs `make test` from Claude Code), every in-process
# command would count as the agent's; the tests that mean an agent say so with markers or a wrapper.
_RUNNER_UNDER_AGENT = actor.agent_ancestor(os.getpid()) is not None


@pytest.fixture(autouse=True)
def _runner_is_the_person(monkeypatch: pytest.MonkeyPatch) -> None:
    if _RUNNER_UNDER_AGENT:
        monkeypatch.setattr(actor, "agent_ancestor", lambda pid, proc=None: None)


@pytest.fixture(scope="session", autouse=True)
def _stop_resident_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hooks run through ``reverie init``'s command start a resident server for their home (it would
    leave by itself after 20 idle minutes): the suite stops every one it started before it ends."""
    yield
    for run_file in tmp_path_factory.getbasetemp().glob("**/run/resident"):
        try:
            pid = int(run_file.read_text().split()[2])
            if b"reverie.capture.resident" in Path(f"/proc/{pid}/cmdline").read_bytes():  # not a reused pid
                os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            continue


_STARTING_ENVIRONMENT = dict(os.environ)
_QUIETING = ("REVERIE_CAPTURE", "REVERIE_INJECT")  # what a dream sets in its own process (dream/safety.py)


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    """Code under test may set variables in its own process (a dream turns capture off for itself). A
    module-scoped fixture that ran a dream did so before this snapshot: its quieting is undone first."""
    for name in _QUIETING:
        if name not in _STARTING_ENVIRONMENT:
            os.environ.pop(name, None)
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


@pytest.fixture(autouse=True)
def reverie_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "reverie-home"
    monkeypatch.setenv("REVERIE_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # compiled hooks keep their code there
    monkeypatch.delenv("CLAUDECODE", raising=False)
    yield home


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def grammar_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that follows the grammar cues alone, for tests of what happens *after* reading
    (merging, contradictions, scopes, the CLI): they must not depend on the shipped model, which is
    retrained whenever the corpus grows. The shipped model is tested on the corpus itself."""
    from reverie.distill.reading.model import LABELS, Model, Thresholds

    weights = {
        "habitual": {"standing_project": 4.0},
        "from_now_on": {"standing_project": 4.0},
        "negation": {"standing_project": 2.0},
        "contrast": {"standing_project": 4.5},
        "imperative": {"standing_project": 2.0},
        "modal": {"standing_project": 2.0},
        "first_person": {"standing_project": 1.0},
        "w:here": {"standing_project": 1.5},
        "project_noun": {"standing_project": 1.5},
        "all_projects": {"standing_global": 9.0},
        "w:everywhere": {"standing_global": 9.0},
        "w:globally": {"standing_global": 9.0},
        "bounded": {"one_off": 9.0},
        "b:for_now": {"one_off": 9.0},
        "b:this_time": {"one_off": 9.0},
        "opening": {"one_off": 3.5},
        "question": {"none": 9.0},
    }
    bias = {"standing_project": 0.0, "standing_global": -2.0, "one_off": -1.0, "none": 3.0}
    model = Model(LABELS, bias, weights, Thresholds(active=0.9, candidate=0.5, one_off=0.5))
    monkeypatch.setattr("reverie.distill.statements.in_use", lambda: model)
