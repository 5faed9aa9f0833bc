"""Learning from a correction, end to end, with the real Claude Code and Codex CLIs: the scripted model runs
`npm install`,
the person answers "no, use pnpm", and after `reverie ingest` and `reverie distill` the choice is an active
lesson that the next session's model receives with its first request (though `npm install` left a
package-lock.json: a lockfile already there when the person spoke does not make the choice stale), and
the next session's `npm install` is stopped before it runs, with the lesson as the reason.

One set of sessions is run per agent; each test asserts one property of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reverie.llms.scripted_server import ScriptedServer, say, shell
from tests.e2e.agents import CLAUDE_BINARY, CODEX_BINARY, ClaudeCode, Codex, require
from tests.e2e.capture_checks import capture_session, run_reverie
from tests.e2e.scenarios import Turn, script_of

pytestmark = pytest.mark.e2e

CHOICE = "In this project: Use `pnpm`, not `npm`."
TURNS = (
    Turn("Set up the project.", (shell("npm install --offline --no-audit --no-fund"), say("Installed."))),
    Turn("no, use pnpm", (say("Understood."),)),
)
NEXT = Turn("Add the left-pad dependency.", (shell("npm install left-pad; touch npm-ran"), say("Done.")))


@dataclass(frozen=True)
class Learned:
    lessons: list[dict[str, Any]]
    next_request: str  # what the model was sent in the next session
    next_call: Any  # how the next session's `npm install` ended, as the model was told
    project: Path


def agent_for(name: str, server: ScriptedServer, root: Path, env: dict[str, str]) -> ClaudeCode | Codex:
    if name == "claude-code":
        require(CLAUDE_BINARY)
        return ClaudeCode(server.url, root / "agent", extra_env=env)
    require(CODEX_BINARY)
    codex = Codex(server.openai_base_url, root / "agent", extra_env=env)
    codex.write_config()
    return codex


@pytest.fixture(scope="module", params=["claude-code", "codex"])
def learned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learned]:
    root = tmp_path_factory.mktemp(f"learn-{request.param}")
    home, project = root / "reverie-home", root / "shop"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "shop", "version": "1.0.0", "private": True}))
    with ScriptedServer(script_of((*TURNS, NEXT))) as server:
        agent = agent_for(request.param, server, root, {"REVERIE_HOME": str(home), "REVERIE_AUTO_INGEST": "0"})
        transcript_of = agent.transcript if isinstance(agent, ClaudeCode) else agent.rollout
        capture_session(
            agent,
            server,
            TURNS,
            project_dir=project,
            home=home,
            init_args=["--agent", request.param],
            transcript_of=transcript_of,
        )
        env = agent.environment()
        assert run_reverie(["distill"], env).returncode == 0
        listed = run_reverie(["lessons", "--json"], env)
        before = len(server.main_exchanges())
        agent.run(NEXT.prompt, cwd=project).check()
        exchanges = server.main_exchanges()[before:]
        requests = [json.dumps(exchange.body) for exchange in exchanges]
    call = next(exchange.tool_results[-1] for exchange in exchanges if exchange.tool_results)
    yield Learned(json.loads(listed.stdout), "\n".join(requests), call, project)


def test_the_correction_is_an_active_choice(learned: Learned) -> None:
    active = [lesson["statement"] for lesson in learned.lessons if lesson["status"] == "active"]
    assert CHOICE in active


def test_the_corrected_command_is_not_what_the_project_is_said_to_use(learned: Learned) -> None:
    held = [lesson["statement"] for lesson in learned.lessons if lesson["status"] in ("active", "candidate")]
    assert not [statement for statement in held if "package manager is `npm`" in statement]


def test_the_next_session_is_told_the_choice_before_it_acts(learned: Learned) -> None:
    assert "Use `pnpm`, not `npm`." in learned.next_request


def test_the_next_sessions_npm_install_is_stopped_before_it_runs(learned: Learned) -> None:
    # Claude Code marks the refused call an error; Codex's tool output carries no such flag
    assert learned.next_call.is_error is not False and "Use `pnpm`, not `npm`" in learned.next_call.output
    assert not (learned.project / "npm-ran").exists()  # denied: the command never ran
