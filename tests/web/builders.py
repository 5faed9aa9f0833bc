"""A realistic home for the UI tests: sessions with timelines, lessons with evidence pointing into them,
a compiled hook, a gated dream with a merge and a supersede waiting for review, and an eval report.

Everything is written through the same public functions the CLI uses (store writes, compile,
run_dream, eval report), so the pages show what a real home would hold.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reverie.artifacts import compiler
from reverie.artifacts.model import Target
from reverie.artifacts.places import resolve
from reverie.domain import Event, EventKind, Origin, Session, Source
from reverie.domain.lessons import Lesson, LessonKind, Level
from reverie.domain.sessions import Project
from reverie.dream import DreamRequest, run_dream
from reverie.evals.gate import gate_for
from reverie.store import Batch
from reverie.workspace import Workspace
from tests.dream.factory import APP, NOW, choice, make, put
from tests.recall.conftest import make_checkout

STATEMENTS = {
    "a": "Use `yarn`, not `npm`.",
    "b": "Use `pnpm`, not `yarn`.",
    "c": "Use tabs for indentation.",
    "d": "use tabs for indentation",
    "e": "Never run `git push --force`.",
}
# A 1x1 PNG: enough for the plot route to serve a real image file.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass
class Home:
    workspace: Workspace
    dream_id: str
    repo: Path
    report_dir: Path

    def change_id(self, kind: str) -> str:
        changes = self.workspace.store.dream_changes(self.dream_id)
        return next(item.change.id for item in changes if item.change.type.value == kind)

    def decisions(self) -> dict[str, str | None]:
        return {item.change.id: item.decision for item in self.workspace.store.dream_changes(self.dream_id)}


def build(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """The home, with the agents' user folders pointed inside ``tmp_path`` (compile writes there)."""
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-config"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))
    workspace = Workspace.open(home)
    for session_id, text in STATEMENTS.items():
        _session(workspace, session_id, text)
    put(
        workspace.store,
        choice("yarn", "npm", when="2026-01-05T10:00:00Z", sessions=("a",)),
        choice("pnpm", "yarn", when="2026-03-01T10:00:00Z", sessions=("b",)),
        make("Use tabs for indentation.", key="t1", sessions=("c",)),
        make("use tabs for indentation", key="t2", sessions=("d",)),
        _hook_lesson(),
    )
    repo = make_checkout(tmp_path / "app", APP)
    places = resolve(str(repo))
    compiler.apply(workspace.store, compiler.plan(workspace.store, places, (Target.CLAUDE_CODE,)))
    record = run_dream(
        workspace.store, home, DreamRequest(now=NOW), gate=gate_for("checks", workspace.store, base=home)
    )
    report_dir = tmp_path / "eval-report"
    write_report(report_dir)
    return Home(workspace, record.id, repo, report_dir)


def write_report(folder: Path) -> None:
    """A report folder in the format `reverie eval --report` writes (report.json plus a plot)."""
    folder.mkdir(parents=True, exist_ok=True)
    rate = {"value": 0.9, "n": 9, "d": 10}
    document = {
        "format": "reverie-eval/1",
        "generated_at": "2026-03-20T12:00:00+00:00",
        "sessions": 30,
        "budget_tokens": 600,
        "meta": {"seed": 1},
        "memories": {
            "none": {"available": True, "metrics": {"recall": {"value": 0.0, "n": 0, "d": 10}}},
            "reverie": {"available": True, "metrics": {"recall": rate, "precision": rate}},
        },
    }
    (folder / "report.json").write_text(json.dumps(document), encoding="utf-8")
    (folder / "failure_labels.png").write_bytes(PIXEL)


def _hook_lesson() -> Lesson:
    base = make(STATEMENTS["e"], key="rule:force-push", sessions=("e",))
    return replace(
        base,
        kind=LessonKind.RULE,
        level=Level.HOOK,
        trigger=replace(base.trigger, commands=("git push --force",)),
    )


def _session(workspace: Workspace, session_id: str, text: str) -> None:
    """A session whose line 3 is the person saying ``text`` (the evidence points there)."""
    when = "2026-03-01T10:00:00Z"
    events = [
        Event(f"{session_id}:start", session_id, EventKind.SESSION_START, Origin.SYSTEM, Source.TRANSCRIPT, when),
        Event(
            f"{session_id}:p",
            session_id,
            EventKind.PROMPT,
            Origin.USER,
            Source.TRANSCRIPT,
            when,
            text=text,
            transcript_line=3,
        ),
        Event(
            f"{session_id}:call",
            session_id,
            EventKind.TOOL_CALL,
            Origin.AGENT,
            Source.TRANSCRIPT,
            when,
            tool_name="Bash",
            tool_use_id=f"{session_id}-t1",
            tool_input={"command": "make check"},
            transcript_line=4,
        ),
    ]
    session = Session(
        id=session_id, agent="claude-code", project=Project(key=APP, name=APP), started_at=when, cwd="/src/app"
    )
    workspace.store.write(Batch(events=events, sessions=[session]))
