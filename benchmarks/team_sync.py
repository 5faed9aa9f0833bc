"""Concurrent pushes to the team server: latency per push and whether anything was lost or doubled.

A throwaway PostgreSQL cluster (or ``--db URL``, an empty database) and ``reverie serve`` in its own
process on 127.0.0.1; ``--clients`` threads (default 16), each a machine with its own member token,
push ``--pushes`` lessons (default 500) one request each through the real sync client, then re-send
their first ``--resend`` (default 20), as a client that lost the answers would. Reported: p50 / p99 /
max latency of a push request, pushes per second, and lost (sent but not stored) and duplicated
(stored more than once) proposals, counted in PostgreSQL afterwards.

Run: ``python -m benchmarks.team_sync [--clients 16] [--pushes 500] [--db URL]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reverie.domain.events import Origin
from reverie.domain.lessons import Basis, Confidence, Evidence, Lesson, LessonKind, LessonStatus, Scope, ScopeLevel
from reverie.domain.lessons import lesson_id as make_id
from reverie.store.postgres import PostgresDatabase
from reverie.store.postgres_team import TeamTables, create_team
from reverie.sync.client import RemoteError, TeamClient
from reverie.sync.push import outgoing
from reverie.sync.remotes import Remote, SyncState


def change(client: int, number: int) -> dict[str, object]:
    scope = Scope(ScopeLevel.PROJECT, project=f"github.com/acme/app{client % 4}")
    key = f"bench:{client}:{number}"
    proof = Evidence(f"e:{key}", f"s-{client}", Origin.USER, Basis.USER_STATEMENT, "statement", "use pnpm")
    lesson = Lesson(
        id=make_id(key, scope), key=key, statement=f"Lesson {number} from machine {client}: use pnpm here.",
        kind=LessonKind.PREFERENCE, scope=scope, evidence=(proof,), confidence=Confidence(0.8, sessions=1),
        status=LessonStatus.ACTIVE,
    )  # fmt: skip
    return outgoing(lesson, SyncState(), machine=f"machine-{client}")


def machine(client: TeamClient, number: int, pushes: int, resend: int, latencies: list[float]) -> None:
    mine = [change(number, n) for n in range(pushes)]
    for item in [*mine, *mine[:resend]]:
        started = time.perf_counter()
        client.post("/api/push", {"changes": [item]})
        latencies.append(time.perf_counter() - started)


@contextmanager
def database_url(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.postgres_cluster import throwaway_cluster

    with throwaway_cluster() as cluster:
        yield cluster.url()


def serve(url: str, bind: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "reverie.cli", "serve", "--db", url, "--bind", bind]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=dict(os.environ))
    probe = TeamClient(Remote("probe", f"http://{bind}", "none"), timeout=2)
    for _ in range(400):
        try:
            probe.get("/api/whoami")
        except RemoteError as error:
            if error.status == 401:
                return process
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start; see {log}")


def run(url: str, clients: int, pushes: int, resend: int) -> dict[str, float]:
    database = PostgresDatabase(url, max_size=2)
    create_team(url, "bench")
    tables = TeamTables(database)
    tokens = [tables.create_token("bench", f"m{n}", "member", project=None, created_by="bench") for n in range(clients)]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        bind = f"127.0.0.1:{probe.getsockname()[1]}"
    server = serve(url, bind, Path(tempfile.gettempdir()) / "reverie-team-bench.log")
    latencies: list[float] = []
    try:
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=machine,
                args=(TeamClient(Remote("t", f"http://{bind}", tokens[n]), retries=3), n, pushes, resend, latencies),
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    stored = tables.proposals("bench")
    database.close()
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "max_ms": ordered[-1] * 1000,
        "pushes_per_s": len(ordered) / wall,
        "lost": clients * pushes - len({p.lesson_id for p in stored}),
        "duplicated": len(stored) - len({p.lesson_id for p in stored}),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pushes", type=int, default=500)
    parser.add_argument("--resend", type=int, default=20)
    parser.add_argument("--db", default=None, help="An empty PostgreSQL database (default: a throwaway cluster).")
    args = parser.parse_args(argv)
    with database_url(args.db) as url:
        result = run(url, args.clients, args.pushes, args.resend)
    print(f"{args.clients} clients x {args.pushes} pushes (+{args.resend} re-sent each), one lesson per request")
    for name, value in result.items():
        print(f"  {name:>13}: {value:,.1f}" if isinstance(value, float) else f"  {name:>13}: {value:,}")
    return 1 if result["lost"] or result["duplicated"] else 0


if __name__ == "__main__":
    sys.exit(main())
