"""``lean_os``: the path arithmetic of ``posixpath`` and the environment of ``os``, without ``os``."""

from __future__ import annotations

import os
import posixpath

import pytest

from reverie import lean_os

PATHS = ["", "/", "//", "///", "a", "/a", "a/", "/a/b/", "a//b", "./a/../b", "../../a", "/../a", "//a/b", "a/./b/.."]


@pytest.mark.parametrize("path", PATHS)
def test_paths_as_posixpath_reads_them(path: str) -> None:
    assert lean_os.dirname(path) == posixpath.dirname(path)
    assert lean_os.basename(path) == posixpath.basename(path)
    assert lean_os.normpath(path) == posixpath.normpath(path)
    assert lean_os.isabs(path) == posixpath.isabs(path)
    if path:
        assert lean_os.abspath(path) == posixpath.abspath(path)
    for other in ("b", "/b", "", "b/"):
        assert lean_os.join(path, other) == posixpath.join(path, other)


def test_the_environment_is_the_live_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVERIE_LEAN_OS_PROBE", "é")
    assert lean_os.getenv("REVERIE_LEAN_OS_PROBE") == "é" and lean_os.environ() is os.environ
    assert lean_os.getenv("REVERIE_LEAN_OS_ABSENT") is None


def test_file_kinds(tmp_path: os.PathLike[str]) -> None:
    folder = str(tmp_path)
    file = lean_os.join(folder, "f")
    with open(file, "w") as handle:
        handle.write("x")
    assert lean_os.isdir(folder) and not lean_os.isfile(folder)
    assert lean_os.isfile(file) and lean_os.exists(file) and lean_os.getsize(file) == 1
    assert not lean_os.exists(file + "x") and not lean_os.lexists(file + "x")
