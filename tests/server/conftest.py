"""The team server for real: PostgreSQL from ``tests/postgres_cluster.py``, uvicorn on a free port of
127.0.0.1 in a thread, and throwaway ``REVERIE_HOME`` folders standing in for machines and sandboxes."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner, Result

from reverie.cli import main
from reverie.server import create_app
from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import TeamTables, create_team

pytestmark = pytest.mark.postgres

ROLES = {"alice": "member", "bob": "reviewer", "carol": "member", "ci": "reader", "root": "admin"}


@pytest.fixture
def team_db(postgres_url: str) -> Iterator[PostgresDatabase]:
    database = PostgresDatabase(postgres_url, max_size=12)
    for team in ("acme", "globex"):
        create_team(postgres_url, team)
    yield database
    database.close()


@pytest.fixture
def tokens(team_db: PostgresDatabase) -> dict[str, str]:
    tables = TeamTables(team_db)
    made = {
        name: tables.create_token("acme", name, role, project=None, created_by="test") for name, role in ROLES.items()
    }
    made["mallory"] = tables.create_token("globex", "mallory", "admin", project=None, created_by="test")
    return made


class ServerThread:
    def __init__(self, database: PostgresDatabase, port: int) -> None:
        config = uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self.thread.start()
        for _ in range(500):  # bounded: at most ~10 s of waiting for the socket
            if self.server.started:
                return
            self.thread.join(0.02)
        raise RuntimeError("the team server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(team_db: PostgresDatabase) -> Iterator[ServerThread]:
    running = ServerThread(team_db, free_port())
    running.start()
    yield running
    running.stop()


@dataclass
class Machine:
    """One machine (or sandbox): its own REVERIE_HOME, running the real CLI."""

    home: Path

    def run(self, *args: str, token: str | None = None) -> Result:
        env = {"REVERIE_HOME": str(self.home), "REVERIE_TEAM_TOKEN": token or ""}
        return CliRunner().invoke(main, list(args), env=env)

    def json(self, *args: str, token: str | None = None) -> dict[str, object]:
        result = self.run(*args, "--json", token=token)
        assert result.exit_code == 0, result.output
        data: dict[str, object] = json.loads(result.output)
        return data


@pytest.fixture
def machines(tmp_path: Path) -> dict[str, Machine]:
    return {name: Machine(tmp_path / name) for name in ("laptop", "desktop", "sandbox", "review")}
