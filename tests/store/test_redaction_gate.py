"""One redaction gate: whatever way a secret comes in, none reaches a file on disk.

Every shape of the secrets corpus (tests/fixtures/secrets, 70+ shapes) goes in through every entry
point (the capture hook and its spool, ingest, transcript import, ``remember``, lessons as an LLM
or an extractor writes them, MCP and memory-tool proposals, the memory tool's notes, the recall index,
compile); then every file under the test's folders is searched for each secret, and detect-secrets
(the oracle) is run over them too.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from reverie.artifacts import compiler, files
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Target
from reverie.artifacts.places import resolve
from reverie.capture import hook
from reverie.capture.importer import import_paths
from reverie.capture.ingest import ingest_spool
from reverie.distill.explicit import remember
from reverie.domain.lessons import LessonKind, Level, ScopeLevel
from reverie.errors import ConfigError, InputError
from reverie.mcp.memory_tool import MemoryTool
from reverie.recall import proposals
from reverie.recall.index import refresh_index
from reverie.store.protocol import LessonBatch
from reverie.workspace import Workspace
from tests.capture.test_redact import SHAPES, _oracle_findings
from tests.recall.builders import PROJECT, lesson
from tests.recall.conftest import make_checkout
from tests.store import raw

SESSION = "33333333-4444-4555-8666-777777777777"
# Short secrets (two digits of ``hunter42``) occur by chance in any binary file; the rest must not.
SECRETS = sorted({shape.secret for shape in SHAPES if len(shape.secret) >= 8})


def files_under(*roots: Path) -> list[Path]:
    return [path for root in roots for path in sorted(root.rglob("*")) if path.is_file()]


def leaks(*roots: Path) -> list[tuple[str, str]]:
    found = []
    for path in files_under(*roots):
        data = path.read_bytes()
        found += [(str(path), secret) for secret in SECRETS if secret.encode() in data]
    return found


def hook_payload(cwd: Path) -> str:
    return json.dumps(
        {
            "session_id": SESSION,
            "transcript_path": str(cwd / "t.jsonl"),
            "cwd": str(cwd),
            "hook_event_name": "PostToolUse",
            "tool_name": "Bash",
            "tool_input": {f"c{number}": shape.text for number, shape in enumerate(SHAPES)},
            "tool_response": {"stdout": "\n".join(shape.text for shape in SHAPES[::-1])},
        }
    )


def transcript(folder: Path) -> Path:
    path = folder / "claude-code" / "projects" / "-work-shop" / f"{SESSION}.jsonl"
    path.parent.mkdir(parents=True)
    lines = [
        {
            "type": "user",
            "sessionId": SESSION,
            "uuid": f"00000000-0000-4000-8000-{number:012d}",
            "timestamp": "2026-03-01T11:00:00.000Z",
            "cwd": "/work/shop",
            "message": {"role": "user", "content": shape.text},
        }
        for number, shape in enumerate(SHAPES)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.fixture
def workspace(reverie_home: Path) -> Workspace:
    opened = Workspace.open(reverie_home)
    yield opened  # type: ignore[misc]
    opened.close()


def test_no_secret_reaches_any_file_through_any_entry_point(
    workspace: Workspace, reverie_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-config"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    repo = make_checkout(tmp_path / "shop", PROJECT)
    inputs = tmp_path / "inputs"

    # the capture hook (a real subprocess) and ingest of its spool
    environment = {k: v for k, v in os.environ.items() if k not in ("REVERIE_HOME", "REVERIE_CAPTURE")}
    command = [sys.executable, "-I", "-S", str(Path(hook.__file__)), "--agent", "claude-code", "--event"]
    command += ["PostToolUse", "--home", str(reverie_home)]
    subprocess.run(command, input=hook_payload(repo).encode(), check=True, env=environment, timeout=60)
    assert leaks(reverie_home) == []  # the spool, before anything reads it
    ingest_spool(workspace.store, reverie_home / "spool")

    # transcript import
    import_paths(workspace.store, [transcript(inputs).parents[2]])

    # remember, lessons as a model or an extractor writes them, proposals, the memory tool
    remembered = 0
    for number, shape in enumerate(SHAPES):
        with contextlib.suppress(InputError):  # not every shape reads as a statement
            remembered += len(remember(workspace.store, f"Always keep this in mind: {shape.text}", project=PROJECT))
        statement = f"In this project: deploy with {shape.text}"
        written = replace(lesson(f"fact:gate-{number}", statement, kind=LessonKind.FACT), level=Level.RULE)
        workspace.store.write_lessons(LessonBatch(lessons=[written]))
        proposals.propose_lesson(workspace, shape.text, project=PROJECT, reason=shape.text, via="mcp")
        MemoryTool(workspace, PROJECT).execute(
            {"command": "create", "path": f"/memories/notes/{number}.md", "file_text": shape.text}
        )
    assert remembered >= len(SHAPES) // 2

    # what is read from the store: the recall index and the compiled files
    refresh_index(workspace)
    plan = compiler.apply(workspace.store, compiler.plan(workspace.store, resolve(str(repo)), compiler.ALL_TARGETS))
    assert any(action.verb == "write" for action in plan.actions)
    assert "[REDACTED:" in (repo / "CLAUDE.md").read_text()

    outputs = [reverie_home, repo, tmp_path / "user", tmp_path / "claude-config", tmp_path / "codex-home"]
    found = leaks(*[root for root in outputs if root.exists()])
    assert found == [], [(path, [s.text for s in SHAPES if s.secret == secret]) for path, secret in found]
    for path in files_under(*[root for root in outputs if root.exists()]):
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = [(plugin, secret) for plugin, secret in _oracle_findings(text) if any(s in secret for s in SECRETS)]
        assert found == [], path


def test_a_compiled_file_that_would_hold_a_secret_is_not_written(tmp_path: Path) -> None:
    token = "gh" + "p_" + "a1B2c3D4" * 5
    path = tmp_path / "CLAUDE.md"
    artifact = Artifact(
        id="Atest",
        kind=Kind.RULES,
        targets=(Target.CLAUDE_CODE,),
        scope=ScopeLevel.PROJECT.value,
        root=str(tmp_path),
        name="CLAUDE.md",
        lessons=(("L1", "hash"),),
        parts=(Part(str(path), PartKind.BLOCK, f"<!-- reverie:begin -->\n- use {token}\n<!-- reverie:end -->"),),
        summary="1 rule(s) in CLAUDE.md",
    )
    assert compiler.check(artifact) == [f"{path} would contain a secret (github_token); not written"]
    with pytest.raises(ConfigError, match="would contain a secret"):
        files.write(None, artifact, None, "now")  # type: ignore[arg-type]  # refused before the store is used
    assert not path.exists()


def test_a_lesson_keeps_a_coherent_content_hash_when_the_gate_redacts_it(workspace: Workspace) -> None:
    token = "gh" + "p_" + "a1B2c3D4" * 5
    written = lesson("fact:token", f"Deploy with {token}.", kind=LessonKind.FACT)
    workspace.store.write_lessons(LessonBatch(lessons=[written]))
    stored = workspace.store.lesson(written.id)
    assert stored is not None and token not in stored.statement
    assert stored.content_hash != written.content_hash  # the hash is of what is stored...
    assert stored.content_hash == replace(written, statement=stored.statement).content_hash  # ...and only that
    (row,) = raw.execute(workspace.store, "SELECT content_hash FROM lessons WHERE id = ?", (written.id,))  # type: ignore[arg-type]
    assert row[0] == stored.content_hash
