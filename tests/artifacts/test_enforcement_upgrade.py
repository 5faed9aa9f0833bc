"""Compiling over the hooks of earlier versions (one script and one handler per lesson): they are removed
as leftovers with the writer's own provenance checks, and the one script takes their place."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from reverie.artifacts import files
from reverie.artifacts.hook_script import CLAUDE_SCHEMA, hook_command
from reverie.artifacts.model import Artifact, Kind, Part, PartKind, Target, artifact_id, lesson_ref, name_for
from reverie.domain.lessons import Lesson
from tests.artifacts.conftest import NO_FORCE_PUSH, NO_MIGRATION_EDITS, Env


def _earlier_hook(env: Env, lesson: Lesson) -> Artifact:
    """What an earlier compile wrote and recorded for one lesson: its own script and its own handler."""
    name = name_for(lesson)
    script = env.repo / ".claude" / "hooks" / "reverie" / f"{name}.py"
    settings = env.repo / ".claude" / "settings.json"
    entry = {
        "event": "PreToolUse",
        "matcher": "Bash",
        "handler": {"type": "command", "command": hook_command(f".claude/hooks/reverie/{name}.py", project=True)},
    }
    artifact = Artifact(
        id=artifact_id(Kind.HOOK, str(env.repo), name),
        kind=Kind.HOOK,
        targets=(Target.CLAUDE_CODE,),
        scope="project",
        root=str(env.repo),
        name=name,
        lessons=(lesson_ref(lesson),),
        parts=(
            Part(str(script), PartKind.WHOLE, f"# the per-lesson hook of {lesson.id}\n"),
            Part(str(settings), PartKind.SETTINGS, json.dumps(entry), CLAUDE_SCHEMA),
        ),
        summary="PreToolUse never-command",
    )
    record = files.write(env.workspace.store, artifact, None, datetime.now(UTC).isoformat())
    env.workspace.store.save_artifact(record.to_row())
    return artifact


def _handlers(env: Env) -> list[str]:
    settings = json.loads((env.repo / ".claude" / "settings.json").read_text())
    return [h["command"] for groups in settings["hooks"].values() for g in groups for h in g["hooks"]]


def test_the_per_lesson_scripts_of_an_earlier_version_give_way_to_one_script(env: Env) -> None:
    env.store([NO_FORCE_PUSH, NO_MIGRATION_EDITS])
    old = [_earlier_hook(env, lesson) for lesson in (NO_FORCE_PUSH, NO_MIGRATION_EDITS)]
    assert len(_handlers(env)) == 2
    plan = env.compile([Target.CLAUDE_CODE])
    hooks = {a.artifact.id: a.verb for a in plan.actions if a.artifact.kind is Kind.HOOK}
    assert [hooks[artifact.id] for artifact in old] == ["remove", "remove"]
    assert sorted(hooks.values()) == ["remove", "remove", "write"]
    assert [p.name for p in (env.repo / ".claude" / "hooks" / "reverie").iterdir()] == ["enforce.py"]
    (handler,) = _handlers(env)
    assert handler.endswith("/.claude/hooks/reverie/enforce.py PreToolUse")
    recorded = [row.id for row in env.workspace.store.artifacts() if row.kind == Kind.HOOK.value]
    assert recorded == [artifact for artifact, verb in hooks.items() if verb == "write"]


def test_an_earlier_script_edited_by_hand_is_kept_and_said_so(env: Env) -> None:
    env.store([NO_FORCE_PUSH])
    old = _earlier_hook(env, NO_FORCE_PUSH)
    edited = Path(old.parts[0].path)
    edited.write_text("# my own changes\n")
    plan = env.compile([Target.CLAUDE_CODE])
    kept = next(a for a in plan.actions if a.artifact.id == old.id)
    assert kept.verb == "kept" and "edited by hand" in kept.reason
    assert edited.read_text() == "# my own changes\n" and len(_handlers(env)) == 2


def test_a_script_reverie_never_recorded_is_not_touched(env: Env) -> None:
    env.store([NO_FORCE_PUSH])
    stranger = env.repo / ".claude" / "hooks" / "reverie" / f"{name_for(NO_FORCE_PUSH)}.py"
    stranger.parent.mkdir(parents=True)
    stranger.write_text("# not reverie's\n")
    env.compile([Target.CLAUDE_CODE])
    assert stranger.read_text() == "# not reverie's\n"
