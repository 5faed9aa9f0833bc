"""A workspace with a real store for recall tests, and a git checkout that identifies as a project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reverie.workspace import Workspace
from tests.recall.builders import OTHER_PROJECT, PROJECT


def make_checkout(folder: Path, project: str) -> Path:
    """A folder that ``capture.project.identify`` reads as ``project`` (a git remote, no git needed)."""
    (folder / ".git").mkdir(parents=True)
    host, path = project.split("/", 1)
    (folder / ".git" / "config").write_text(f'[remote "origin"]\n\turl = git@{host}:{path}.git\n')
    return folder


@pytest.fixture
def workspace(reverie_home: Path) -> Iterator[Workspace]:
    opened = Workspace.open(reverie_home)
    yield opened
    opened.close()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return make_checkout(tmp_path / "shop", PROJECT)


@pytest.fixture
def other_checkout(tmp_path: Path) -> Path:
    return make_checkout(tmp_path / "blog", OTHER_PROJECT)
