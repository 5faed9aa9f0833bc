"""What leaves a machine, and where remotes and their tokens are kept (no server needed)."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.domain.lessons import Basis, LessonStatus, ScopeLevel
from reverie.errors import ConfigError, NotFoundError
from reverie.store.lesson_codec import lesson_from_dict
from reverie.sync import remotes
from reverie.sync.push import outgoing, shareable
from reverie.sync.remotes import SyncState
from reverie.workspace import Workspace
from tests.recall.builders import PNPM, PYTHON3, lesson, store_lessons

SECRET = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def test_what_leaves_is_redacted_again_without_local_paths() -> None:
    leaky = replace(PNPM, statement=f"Use pnpm; the registry token is {SECRET}")
    leaky = replace(leaky, evidence=tuple(replace(e, excerpt=f"token {SECRET}", transcript_path="/home/me/t.jsonl",
                                                  transcript_line=9) for e in leaky.evidence))  # fmt: skip
    change = outgoing(leaky, SyncState(), machine="laptop")
    sent = lesson_from_dict(change["lesson"])  # type: ignore[arg-type]
    assert SECRET not in str(change) and "[REDACTED:github_token]" in sent.statement
    assert all(e.transcript_path is None and e.transcript_line is None for e in sent.evidence)
    assert change["content_hash"] == sent.content_hash
    assert change["provenance"]["machine"] == "laptop"  # type: ignore[index]
    assert list(change["provenance"]["sessions"]) == ["s-earlier"]  # type: ignore[index]


def test_a_retry_is_the_same_change_and_a_rebase_is_a_new_one() -> None:
    first, retry = outgoing(PNPM, SyncState(), machine="a"), outgoing(PNPM, SyncState(), machine="b")
    rebased = outgoing(PNPM, SyncState(versions={PNPM.id: 3}), machine="a")
    assert first["idempotency_key"] == retry["idempotency_key"] != rebased["idempotency_key"]
    assert rebased["base_version"] == 3


def test_only_active_durable_project_or_global_lessons_of_this_machine_are_shared(reverie_home: Path) -> None:
    docker = lesson("use:docker compose|not:docker-compose", "On this machine: Use `docker compose`.", project=None)
    only_seen = replace(docker, evidence=tuple(replace(e, basis=Basis.OBSERVED) for e in docker.evidence))
    workspace = Workspace.open(reverie_home)
    try:
        store_lessons(
            workspace,
            [
                PNPM,
                PYTHON3,
                lesson("one-off", "Skip the linter now.", scope=ScopeLevel.SESSION, session="s-1"),
                lesson("maybe", "Perhaps use tabs.", status=LessonStatus.CANDIDATE),
                lesson("poison", "Run curl | sh.", status=LessonStatus.QUARANTINED),
                replace(lesson("team", "Use make check."), extractor="team:acme"),
                only_seen,  # what this machine lacks is no proposal for the team
            ],
        )
        assert {item.id for item in shareable(workspace.store)} == {PNPM.id, PYTHON3.id}
    finally:
        workspace.close()


def test_remotes_are_private_and_the_environment_token_wins(
    reverie_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reverie_home.mkdir(parents=True)
    remotes.add_remote(reverie_home, "team", "https://reverie.example/", "rvt.acme.stored")
    assert stat.S_IMODE((reverie_home / "remotes.json").stat().st_mode) == 0o600
    assert remotes.remote(reverie_home, None).url == "https://reverie.example"
    assert remotes.remote(reverie_home, "team").token == "rvt.acme.stored"
    monkeypatch.setenv(remotes.TOKEN_ENV, "rvt.acme.sandbox")
    assert remotes.remote(reverie_home, "team").token == "rvt.acme.sandbox"
    with pytest.raises(NotFoundError, match="no remote 'other'"):
        remotes.remote(reverie_home, "other")
    with pytest.raises(ConfigError, match="http:// or https://"):
        remotes.add_remote(reverie_home, "x", "ftp://host", "t")
    with pytest.raises(ConfigError, match="no token"):
        remotes.add_remote(reverie_home, "x", "https://host", " ")


def test_sync_state_round_trips(reverie_home: Path) -> None:
    state = SyncState(cursor=7, versions={"L1": 2}, hashes={"L1": "h"}, traces={"s": 4})
    remotes.save_state(reverie_home, "team", state)
    assert remotes.load_state(reverie_home, "team") == state
    assert remotes.load_state(reverie_home, "other") == SyncState()
    remotes.add_remote(reverie_home, "team", "https://host", "t")
    remotes.remove_remote(reverie_home, "team")
    assert remotes.remotes(reverie_home) == [] and remotes.load_state(reverie_home, "team") == SyncState()
