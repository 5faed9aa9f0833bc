"""Many machines pushing at once, and a server killed mid-push: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import TeamTables
from reverie.sync.client import RemoteError, TeamClient
from reverie.sync.push import outgoing
from reverie.sync.remotes import Remote, SyncState
from tests.recall.builders import lesson
from tests.server.conftest import ServerThread, free_port

pytestmark = pytest.mark.postgres

CLIENTS, PUSHES, RETRIED = 8, 50, 10


def change(client: int, number: int) -> dict[str, object]:
    item = lesson(f"load:{client}:{number}", f"Lesson {number} learned on machine {client}.")
    return outgoing(item, SyncState(), machine=f"machine-{client}")


def test_concurrent_pushes_lose_and_duplicate_nothing(
    server: ServerThread, team_db: PostgresDatabase, tokens: dict[str, str]
) -> None:
    created: list[int] = []
    failures: list[Exception] = []

    def machine(client: int) -> None:
        remote = TeamClient(Remote("team", server.url, tokens["alice"]), retries=3)
        try:
            mine = [change(client, n) for n in range(PUSHES)]
            for item in [*mine, *mine[:RETRIED]]:  # the tail re-sends, as a client that lost answers would
                results = remote.post("/api/push", {"changes": [item]})["results"]
                created.extend(1 for result in results if result["created"])
        except Exception as error:  # collected so that the assertion shows it
            failures.append(error)

    threads = [threading.Thread(target=machine, args=(client,)) for client in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    proposals = TeamTables(team_db).proposals("acme")
    assert len(created) == CLIENTS * PUSHES
    assert len(proposals) == CLIENTS * PUSHES == len({p.lesson_id for p in proposals})


@pytest.fixture
def served(postgres_url: str, team_db: PostgresDatabase) -> Iterator[tuple[list[subprocess.Popen[bytes]], str]]:
    port = free_port()
    processes: list[subprocess.Popen[bytes]] = []
    yield processes, f"127.0.0.1:{port}"
    for process in processes:
        process.kill()
        process.wait(10)


def start_server(url: str, bind: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "reverie.cli", "serve", "--db", url, "--bind", bind]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("ab"), env=dict(os.environ))


def wait_for(predicate: Callable[[], bool], attempts: int = 600) -> None:
    for _ in range(attempts):  # bounded polling, never a timed assertion
        if predicate():
            return
        threading.Event().wait(0.05)
    raise AssertionError("gave up waiting")


def test_a_server_killed_mid_push_and_restarted_loses_and_doubles_nothing(
    served: tuple[list[subprocess.Popen[bytes]], str],
    postgres_url: str,
    team_db: PostgresDatabase,
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    processes, bind = served
    tables = TeamTables(team_db)
    client = TeamClient(Remote("team", f"http://{bind}", tokens["alice"]), timeout=5, retries=12, backoff=0.1)

    def healthy() -> bool:
        try:
            return client.get("/api/whoami")["name"] == "alice"
        except RemoteError:
            return False

    processes.append(start_server(postgres_url, bind, tmp_path / "server.log"))
    wait_for(healthy)
    errors: list[Exception] = []

    def pusher() -> None:
        try:
            for number in range(200):
                client.post("/api/push", {"changes": [change(0, number)]})
        except Exception as error:
            errors.append(error)

    thread = threading.Thread(target=pusher)
    thread.start()
    wait_for(lambda: len(tables.proposals("acme")) >= 20)
    processes[0].send_signal(signal.SIGKILL)
    processes[0].wait(10)
    assert len(tables.proposals("acme")) < 200  # killed mid-push: the rest must survive the restart
    processes.append(start_server(postgres_url, bind, tmp_path / "server.log"))
    thread.join(180)
    assert errors == []
    proposals = tables.proposals("acme")
    assert len(proposals) == 200 == len({p.lesson_id for p in proposals})
