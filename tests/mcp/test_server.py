"""``reverie mcp`` over stdio, driven by the MCP SDK's own client, as an agent would use it."""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import pytest

from reverie.recall import proposals
from reverie.workspace import Workspace
from tests.recall.builders import BLOG_YARN, PNPM, STYLE, TESTS, store_lessons
from tests.recall.conftest import make_checkout

mcp = pytest.importorskip("mcp")

ENTRY = (  # until cli/__init__.py registers the recall commands
    "from reverie.cli import main; from reverie.cli.recall import COMMANDS; "
    "[main.add_command(c) for c in COMMANDS if c.name not in main.commands]; main()"
)


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return data.get("result", data) if isinstance(data, dict) else data
    return json.loads(result.content[0].text)


SERVER_INFO: dict[str, Any] = {}


async def session(
    home: Path, project: Path, calls: list[tuple[str, dict[str, Any]]], *, stdio: bool = False
) -> tuple[list[Any], Any, list[str]]:
    """One client session: over stdio with ``reverie mcp`` as a process (as an agent runs it), or, for the
    tests about what the server answers rather than how it is reached, with the same server in memory."""
    from mcp import Client, StdioServerParameters

    from reverie.mcp.server import build_server

    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", ENTRY, "mcp", "--project", str(project)],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("REVERIE_")}, "REVERIE_HOME": str(home)},
        cwd=str(project),
    )
    async with Client(params if stdio else build_server(home, project)) as client:
        SERVER_INFO.update(name=client.server_info.name, version=client.server_info.version)
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        results = [await client.call_tool(name, arguments) for name, arguments in calls]
        digest = await client.read_resource("reverie://digest")
    return results, digest, tools


@pytest.fixture
def stocked(workspace: Workspace) -> Workspace:
    store_lessons(workspace, [PNPM, TESTS, STYLE, BLOG_YARN])
    return workspace


def test_an_agent_searches_reads_provenance_and_proposes_over_stdio(stocked: Workspace, tmp_path: Path) -> None:
    project = make_checkout(tmp_path / "shop", "github.com/acme/shop")
    calls = [
        ("search_lessons", {"query": "how do I run the tests here"}),
        ("show_provenance", {"lesson_id": PNPM.id}),
        ("propose_lesson", {"statement": "Always run `make fmt` before committing.", "reason": "the user said so"}),
        ("propose_forget", {"lesson_id": TESTS.id, "reason": "the Makefile is gone"}),
        ("propose_forget", {"lesson_id": "Lnothere", "reason": "x"}),
    ]
    results, digest, tools = anyio.run(partial(session, stdio=True), stocked.home, project, calls)
    assert tools == ["propose_forget", "propose_lesson", "search_lessons", "show_provenance"]
    search, provenance, proposed, forget, missing = results
    found = structured(search)
    assert [hit["lesson_id"] for hit in found["shown"]] == [TESTS.id] and found["project"] == "github.com/acme/shop"
    evidence = structured(provenance)["evidence"]
    assert evidence[0]["origin"] == "user" and evidence[0]["event_key"] == f"event:{PNPM.key}"
    assert structured(proposed)["status"] == "pending" and structured(forget)["kind"] == "forget"
    assert missing.is_error and "no lesson 'Lnothere'" in missing.content[0].text
    text = digest.contents[0].text
    assert STYLE.id in text and "yarn" not in text


def test_proposals_change_nothing_in_the_memory(stocked: Workspace, tmp_path: Path) -> None:
    project = make_checkout(tmp_path / "shop", "github.com/acme/shop")
    before = [(lesson.id, lesson.version, lesson.status) for lesson in stocked.store.lessons()]
    anyio.run(
        session,
        stocked.home,
        project,
        [
            ("propose_forget", {"lesson_id": PNPM.id, "reason": "stale"}),
            ("propose_lesson", {"statement": "Use tabs.", "scope": "global"}),
        ],
    )
    assert [(lesson.id, lesson.version, lesson.status) for lesson in stocked.store.lessons()] == before
    pending = proposals.pending(stocked)
    assert {(p.kind, p.origin, p.via) for p in pending} == {("forget", "agent", "mcp"), ("lesson", "agent", "mcp")}
    assert {p.scope for p in pending if p.kind == "lesson"} == {"global"}


def test_another_projects_lesson_is_not_shown_nor_its_evidence(stocked: Workspace, tmp_path: Path) -> None:
    project = make_checkout(tmp_path / "shop", "github.com/acme/shop")
    blog = make_checkout(tmp_path / "blog", BLOG_YARN.scope.project or "github.com/acme/blog")
    calls = [
        ("show_provenance", {"lesson_id": BLOG_YARN.id}),
        ("propose_forget", {"lesson_id": BLOG_YARN.id, "reason": "probe"}),
        ("show_provenance", {"lesson_id": PNPM.id}),
        ("search_lessons", {"query": "which package manager", "project_dir": str(blog)}),
    ]
    (foreign, forget, own, elsewhere), _, _ = anyio.run(session, stocked.home, project, calls)
    assert elsewhere.is_error and "not this server's project" in elsewhere.content[0].text
    assert foreign.is_error and "no lesson" in foreign.content[0].text
    assert BLOG_YARN.statement not in foreign.content[0].text and ".jsonl" not in foreign.content[0].text
    assert forget.is_error and proposals.pending(stocked) == []
    assert structured(own)["id"] == PNPM.id


def test_the_server_names_itself_with_its_version(stocked: Workspace, tmp_path: Path) -> None:
    from reverie import __version__

    project = make_checkout(tmp_path / "shop", "github.com/acme/shop")
    anyio.run(session, stocked.home, project, [])
    assert {"name": "reverie", "version": __version__} == SERVER_INFO
