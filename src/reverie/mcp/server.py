"""``reverie mcp``: an MCP server over stdio that lets an agent read and propose, never write.

Tools:

* ``search_lessons(query, project_dir?)``: what recall would show for this request in this project,
  with each hit's score components and scope check (the same ranking the hooks use);
* ``show_provenance(lesson_id)``: the lesson with every piece of evidence (session, origin, basis,
  transcript file and line) and its outcomes after injection;
* ``propose_lesson(statement, scope?, project_dir?, reason?)``: recorded as a proposal from an agent,
  a candidate for review; it never becomes active here;
* ``propose_forget(lesson_id, reason)``: recorded as a proposal; the lesson is not touched.

Resource ``reverie://digest``: the session-start digest for the project of the server's working
directory (where the MCP client started it, or ``reverie mcp --project DIR``).

Everything is scoped like recall: the server answers for its own project and the global lessons. Another
project's lesson is "no lesson" to ``show_provenance`` and ``propose_forget`` (its statement, evidence and
transcript paths stay out of this session), and ``search_lessons`` refuses a ``project_dir`` of another
project.

One workspace is opened per request: the server may live for days while distill rewrites the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from reverie import __version__
from reverie.app import proposals as agent_proposals
from reverie.domain.lessons import Lesson, ScopeLevel
from reverie.errors import ReverieError
from reverie.recall import outcomes, search
from reverie.store.recall_index import ProposalRow
from reverie.workspace import Workspace

SERVER_NAME = "reverie"
INSTRUCTIONS = (
    "reverie keeps lessons learned from earlier coding-agent sessions. Search them before acting on "
    "conventions you are unsure of; propose a lesson when the user teaches you something durable; "
    "proposals wait for the user's review and never take effect by themselves."
)


def build_server(home: Path | None = None, project_dir: Path | None = None) -> MCPServer:
    """The MCP server, bound to a data dir and a project."""
    server = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS, version=__version__)
    default_dir = project_dir or Path.cwd()

    def workspace() -> Workspace:
        return Workspace.open(home)

    @server.tool(description="Lessons from earlier sessions relevant to a request, with why each was chosen.")
    def search_lessons(query: str, project_dir: str | None = None) -> dict[str, Any]:
        with _open(workspace) as ws:
            project = search.project_key(default_dir)
            if project_dir and search.project_key(Path(project_dir)) != project:
                # Another repository's lessons are not this session's to read, as in recall.
                raise ToolError(f"project_dir {project_dir!r} is not this server's project ({project})")
            report = search.for_prompt(ws, query, project)
            return {
                "project": project,
                "shown": [_hit(hit) for hit in report.hits if hit.decision == "shown"],
                "other_candidates": [_hit(hit) for hit in report.hits if hit.decision != "shown"][:10],
                "notes": list(report.notes),
            }

    @server.tool(description="One lesson with its evidence: sessions, origins and transcript lines.")
    def show_provenance(lesson_id: str) -> dict[str, Any]:
        with _open(workspace) as ws:
            lesson = _visible(ws, lesson_id, search.project_key(default_dir))
            return {
                "id": lesson.id,
                "statement": lesson.statement,
                "status": lesson.status.value,
                "scope": lesson.scope.describe(),
                "confidence": lesson.confidence.value,
                "version": lesson.version,
                "evidence": [
                    {**asdict(item), "origin": item.origin.value, "basis": item.basis.value} for item in lesson.evidence
                ],
                "outcomes": outcomes.outcome_counts(ws).get(lesson.id, {}),
            }

    @server.tool(description="Propose a lesson the user taught you. It is recorded for review, not applied.")
    def propose_lesson(
        statement: str, scope: str = "project", project_dir: str | None = None, reason: str = ""
    ) -> dict[str, Any]:
        with _open(workspace) as ws:
            project = search.project_key(Path(project_dir) if project_dir else default_dir)
            row = agent_proposals.propose_lesson(ws, statement, scope=scope, project=project, reason=reason, via="mcp")
            return _proposal(row)

    @server.tool(description="Propose forgetting a lesson that is wrong or stale. Recorded for review, not applied.")
    def propose_forget(lesson_id: str, reason: str) -> dict[str, Any]:
        with _open(workspace) as ws:
            lesson = _visible(ws, lesson_id, search.project_key(default_dir))
            return _proposal(agent_proposals.propose_forget(ws, lesson.id, reason, via="mcp"))

    @server.resource("reverie://digest", name="digest", mime_type="text/markdown")
    def digest() -> str:
        with _open(workspace) as ws:
            report = search.session_start(ws, search.project_key(default_dir))
            return report.text or "reverie has no active lessons for this project yet."

    return server


def run(home: Path | None = None, project_dir: Path | None = None) -> None:
    """Serve over stdio until the client closes the connection."""
    build_server(home, project_dir).run("stdio")


@contextmanager
def _open(factory: Callable[[], Workspace]) -> Iterator[Workspace]:
    """A workspace for one request; reverie's own errors reach the client as tool errors with their message."""
    workspace = factory()
    try:
        yield workspace
    except ReverieError as error:
        raise ToolError(str(error)) from error
    finally:
        workspace.close()


def _visible(ws: Workspace, lesson_id: str, project: str) -> Lesson:
    """The lesson, if recall could show it in this project: global, or of this project. Another project's
    lesson (its statement, evidence, transcript paths) is "no lesson" here, as if it did not exist, the
    same answer as for an unknown id so that ids cannot be probed."""
    lesson = ws.store.lesson(lesson_id)
    found = [lesson] if lesson is not None else list(ws.store.find_lessons(lesson_id))
    found = [
        item
        for item in found
        if item.scope.level is ScopeLevel.GLOBAL
        or (item.scope.level is ScopeLevel.PROJECT and item.scope.project == project)
    ]
    if len(found) != 1:
        raise ToolError(f"no lesson {lesson_id!r} in this project" if not found else f"{lesson_id!r} is ambiguous")
    return found[0]


def _hit(hit: search.Explained) -> dict[str, Any]:
    return {
        "lesson_id": hit.lesson_id,
        "statement": hit.statement,
        "scope": hit.scope,
        "confidence": hit.confidence,
        "score": hit.score,
        "matched_terms": list(hit.matched_terms),
        "trigger": hit.trigger_reason,
        "decision": hit.decision,
    }


def _proposal(row: ProposalRow) -> dict[str, Any]:
    return {
        "proposal_id": row.id,
        "kind": row.kind,
        "status": row.status,
        "lesson_id": row.lesson_id,
        "statement": row.statement,
        "scope": row.scope,
        "project": row.project,
        "note": "recorded for the user's review; nothing changed in the memory",
    }
