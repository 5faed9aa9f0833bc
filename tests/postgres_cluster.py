"""A real PostgreSQL for the team tier: one throwaway cluster per test session, one database per test.

The cluster lives in a temp dir, listens on a free port on 127.0.0.1 (its unix socket stays in the temp
dir) and is stopped at the end. PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to
the ``postgres`` OS user and its tools run through ``runuser``. `make postgres` installs Debian's
server on a clean machine; if it still cannot start, CI fails and a laptop skips (like the e2e tier).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

_databases = itertools.count()


@dataclass(frozen=True)
class Cluster:
    port: int
    superuser: str = "postgres"

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@127.0.0.1:{self.port}/{database}"


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(message: str) -> None:
    """Fail in CI (a skipped tier there would hide a broken install); skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _as_cluster_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class ClusterUnavailable(RuntimeError):
    pass


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A cluster in a temp dir on a free port, removed afterwards (also used by benchmarks/team_sync.py)."""
    bin_dir = _binaries()
    if bin_dir is None:
        raise ClusterUnavailable("PostgreSQL is not installed (initdb not found); run `make postgres`")
    root = Path(tempfile.mkdtemp(prefix="reverie-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "-N"]
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=200"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"]
    try:
        subprocess.run(_as_cluster_owner(initdb), check=True, capture_output=True)
        subprocess.run(_as_cluster_owner(start), check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as problem:
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"PostgreSQL could not start: {problem}") from problem
    try:
        yield Cluster(port=port)
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_cluster_owner(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except ClusterUnavailable as problem:
        _unavailable(str(problem))


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """A fresh, empty database for one test."""
    import psycopg

    name = f"t{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return postgres_cluster.url(name)
