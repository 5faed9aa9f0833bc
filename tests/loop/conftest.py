"""Fixtures of the loop tests: a workspace with an objective, and a fake ``claude`` that follows a plan."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from reverie.loop import Ledger, Limits, LoopConfig, run_loop
from reverie.loop.agents import AgentName, resolve
from reverie.workspace import Workspace

FAKE_AGENT = Path(__file__).with_name("fake_agent.py")
OBJECTIVE = "Make the build pass.\n\n- [ ] build.txt exists\n- [ ] the build is documented\n"


@dataclass
class Bench:
    workdir: Path
    objective: Path
    plan: Path
    log: Path
    env: dict[str, str]
    binary: Path
    home: Path

    def run(
        self, plan: Sequence[object], *, check: str | None = "test -f build.txt", force: bool = False, **limits: int
    ) -> Ledger:
        self.plan.write_text(json.dumps(plan))
        config = LoopConfig(
            agent=resolve(AgentName.CLAUDE_CODE, str(self.binary)),
            objective=self.objective,
            workdir=self.workdir,
            check=check,
            limits=Limits(**limits),
            run_timeout=float(self.env.get("RUN_TIMEOUT", 60)),
            force=force,
        )
        workspace = Workspace.open(self.home)
        try:
            return run_loop(config, workspace, environ=self.env, say=lambda line: None)
        finally:
            workspace.close()

    def prompts(self) -> list[str]:
        return [entry["prompt"] for entry in self.calls()]

    def calls(self) -> list[dict[str, object]]:
        """What the fake agent was given, one entry per run it started."""
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []


@pytest.fixture
def bench(tmp_path: Path, reverie_home: Path) -> Iterator[Bench]:
    workdir = tmp_path / "project"
    workdir.mkdir()
    objective = workdir / "PROMPT.md"
    objective.write_text(OBJECTIVE)
    binary = tmp_path / "bin" / "claude"
    binary.parent.mkdir()
    binary.write_text(f'#!/bin/sh\nexec {sys.executable} {FAKE_AGENT} "$@"\n')
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path / "home"),
        "CLAUDE_CONFIG_DIR": str(tmp_path / "claude-config"),
        "FAKE_AGENT_PLAN": str(tmp_path / "plan.json"),
        "FAKE_AGENT_LOG": str(tmp_path / "prompts.jsonl"),
    }
    yield Bench(workdir, objective, tmp_path / "plan.json", tmp_path / "prompts.jsonl", env, binary, reverie_home)
