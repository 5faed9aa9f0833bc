from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reverie.capture.project import identify, normalise_remote


@pytest.mark.parametrize(
    "url",
    [
        "git@github.com:Acme/App.git",
        "https://github.com/acme/app",
        "https://user:token@github.com/acme/app.git/",
        "ssh://git@github.com:22/acme/app.git",
        "git://GitHub.com/acme/app",
    ],
)
def test_every_spelling_of_one_remote_is_one_project(url: str) -> None:
    assert normalise_remote(url) == "github.com/acme/app"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_clones_and_worktrees_share_the_identity_of_their_remote(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("remote", "add", "origin", "git@github.com:Acme/App.git", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x", cwd=repo)
    git("worktree", "add", "-q", str(tmp_path / "wt"), cwd=repo)
    (repo / "src" / "deep").mkdir(parents=True)

    for where in (repo, repo / "src" / "deep", tmp_path / "wt"):
        project = identify(str(where))
        assert project.key == "github.com/acme/app"
        assert project.name == "acme/app"


def test_a_repository_without_remote_is_identified_by_its_root(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "sub").mkdir()
    assert identify(str(tmp_path / "sub")).key == f"path:{tmp_path}"


def test_a_folder_outside_git_is_identified_by_its_path(tmp_path: Path) -> None:
    assert identify(str(tmp_path)).key == f"path:{tmp_path}"
    assert identify("/does/not/exist").key == "path:/does/not/exist"


@pytest.mark.parametrize("cwd", ["C:\\Users\\dev\\app", "relative/app", "D:/work/app"])
def test_paths_from_another_platform_are_kept_literally(cwd: str) -> None:
    project = identify(cwd)
    assert project.key == f"path:{cwd}"
    assert project.name == "app"
