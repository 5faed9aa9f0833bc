"""The project identity of a working directory is kept across sessions while the git files it was read
from are unchanged, and read afresh as soon as one of them changes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from reverie.capture import project, project_cache

HOUR_AGO = time.time() - 3600


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def settle(repo: Path) -> None:
    """Files last written an hour ago: a file written just now is too fresh to vouch for (``file_stamps``)."""
    for path in (repo / ".git" / "config", repo / ".git"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / "src" / "deep").mkdir(parents=True)
    git("init", "-q", cwd=folder)
    git("remote", "add", "origin", "git@github.com:Acme/App.git", cwd=folder)
    settle(folder)
    return folder


def never(*_: object) -> tuple[str, str]:
    raise AssertionError("the identity was read afresh")


def test_a_second_session_in_the_folder_reads_the_kept_identity(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(tmp_path / "home")
    where = str(repo / "src" / "deep")
    assert project_cache.identity(where, home) == ("github.com/acme/app", "acme/app")
    monkeypatch.setattr(project, "identity", never)
    assert project_cache.identity(where, home) == ("github.com/acme/app", "acme/app")


def test_a_new_remote_is_read_afresh(repo: Path, tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    assert project_cache.identity(str(repo), home)[0] == "github.com/acme/app"
    git("remote", "set-url", "origin", "https://github.com/acme/renamed.git", cwd=repo)
    assert project_cache.identity(str(repo), home)[0] == "github.com/acme/renamed"


def test_a_repository_created_in_between_is_found(repo: Path, tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    where = str(repo / "src" / "deep")
    assert project_cache.identity(where, home)[0] == "github.com/acme/app"
    git("init", "-q", cwd=repo / "src")  # a nested repository without a remote: named by its root
    assert project_cache.identity(where, home)[0] == f"path:{repo / 'src'}"


def test_a_config_written_just_now_is_not_kept(repo: Path, tmp_path: Path) -> None:
    git("remote", "add", "upstream", "git@github.com:Other/App.git", cwd=repo)  # written within the racy window
    home = tmp_path / "home"
    assert project_cache.identity(str(repo), str(home))[0] == "github.com/acme/app"
    assert not (home / "cache" / "projects" / "cwd").exists()
