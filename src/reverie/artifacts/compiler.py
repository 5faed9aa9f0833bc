"""``reverie compile``: from accepted lessons to the artifacts agents load, checked, recorded, removable.

Only lessons that a review made active at level ``rule`` or above are compiled (an accepted ``evolve``
change is what puts a lesson there). Compiling is a plan and then its application:

1. **Build** what each target should have (``targets.build``), for the project's lessons into the
   repository and for global lessons into the user's agent folders.
2. **Check** each artifact before anything is written: each scope's enforcement script is replayed, in
   a fresh interpreter, against the call that taught each of its lessons and a nearby harmless one
   (``replay.py``; a lesson whose check fails is left out of the script when it is built); skills,
   commands and subagents validated (``validate.py``). A failing artifact is skipped and reported.
3. **Compare** with the registry: new (``write``), changed (``update``), the same (``unchanged``), gone
   because its lessons were retired or demoted, or left from an earlier version such as the
   one-script-per-lesson hooks (``remove``). An artifact the user edited by hand is
   ``kept`` as they left it and said so; one the user removed with ``reverie artifacts remove`` stays
   removed.
4. **Apply** (unless ``--dry-run``): write, update or remove, and record each artifact with its source
   lessons and content hashes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from reverie.artifacts import files, replay, targets, validate
from reverie.artifacts.files import Record
from reverie.artifacts.model import Artifact, Kind, PartKind, Status, Target
from reverie.artifacts.places import Places
from reverie.domain.events import EventKind
from reverie.domain.lessons import Lesson, LessonStatus, ScopeLevel
from reverie.errors import ConfigError, NotFoundError, ReverieError
from reverie.store.protocol import Store

ALL_TARGETS = (Target.CLAUDE_CODE, Target.CODEX, Target.AGENTS_MD)
DEFAULT_TARGETS = (Target.CLAUDE_CODE, Target.CODEX)


@dataclass(frozen=True, slots=True)
class Action:
    verb: str  # write | update | unchanged | remove | kept | skip | failed
    artifact: Artifact
    reason: str = ""
    problems: tuple[str, ...] = ()
    previous: Record | None = field(default=None, compare=False)

    @property
    def changes_files(self) -> bool:
        return self.verb in ("write", "update", "remove")

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.verb,
            "id": self.artifact.id,
            "kind": self.artifact.kind.value,
            "scope": self.artifact.scope,
            "targets": [t.value for t in self.artifact.targets],
            "lessons": list(self.artifact.lesson_ids),
            "files": sorted({part.path for part in self.artifact.parts}),
            "summary": self.artifact.summary,
            "reason": self.reason,
            "problems": list(self.problems),
        }


@dataclass(frozen=True, slots=True)
class Plan:
    places: Places
    targets: tuple[Target, ...]
    lessons: int
    actions: tuple[Action, ...]
    notes: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.changes_files)


def compiled_lessons(store: Store, project_key: str) -> list[Lesson]:
    active = store.lessons(statuses=[LessonStatus.ACTIVE])
    return [
        lesson
        for lesson in active
        if lesson.level in targets.COMPILED_LEVELS
        and lesson.durable
        and (
            lesson.scope.level is ScopeLevel.GLOBAL
            or (lesson.scope.level is ScopeLevel.PROJECT and lesson.scope.project == project_key)
        )
    ]


def plan(store: Store, places: Places, wanted: Sequence[Target] = DEFAULT_TARGETS) -> Plan:
    lessons = compiled_lessons(store, places.project_key)
    taught = _TaughtCalls(store)
    desired: dict[str, Artifact] = {}
    notes: list[str] = []
    for target in wanted:
        for scope in ("project", "global"):
            mine = [lesson for lesson in lessons if _scope_name(lesson) == scope]
            built = targets.build(target, mine, places.folders(scope), taught)
            notes += built.notes
            for artifact in built.artifacts:
                known = desired.get(artifact.id)
                merged = artifact.targets if known is None else tuple(dict.fromkeys(known.targets + artifact.targets))
                desired[artifact.id] = replace(artifact, targets=merged)
    actions = [_decide(store, artifact) for artifact in desired.values()]
    actions += _leftovers(store, places, wanted, set(desired))
    return Plan(places, tuple(wanted), len(lessons), tuple(actions), tuple(dict.fromkeys(notes)))


def _scope_name(lesson: Lesson) -> str:
    return "global" if lesson.scope.level is ScopeLevel.GLOBAL else "project"


def _decide(store: Store, artifact: Artifact) -> Action:
    row = store.artifact(artifact.id)
    previous = Record.from_row(row) if row else None
    if previous is not None and previous.status is Status.REMOVED:
        reason = "removed with `reverie artifacts remove`; `reverie artifacts restore` brings it back"
        return Action("skip", artifact, reason, previous=previous)
    found = check(artifact)
    if found:
        return Action("skip", artifact, "failed its checks, so it was not written", tuple(found), previous)
    clashes = files.conflicts(artifact, previous)
    if clashes:
        return Action("skip", artifact, "a file of the same name is in the way", tuple(clashes), previous)
    if previous is None:
        return Action("write", artifact, previous=previous)
    edited = _drifted(previous)
    if edited:
        reason = "edited by hand since reverie wrote it; left as it is"
        return Action("kept", artifact, reason, tuple(edited), previous)
    if previous.artifact.content_hash == artifact.content_hash:
        return Action("unchanged", artifact, previous=previous)
    return Action("update", artifact, "its lessons changed", previous=previous)


def check(artifact: Artifact) -> list[str]:
    """Secrets first, then replays for hooks and validation for the rest; empty when the artifact may
    be written."""
    secrets = files.secrets_in(artifact)
    if secrets:
        return secrets
    if artifact.kind is Kind.HOOK:
        script = next(part for part in artifact.parts if part.kind is PartKind.WHOLE)
        return replay.check_script(script.content, artifact.replays, artifact.lesson_ids)
    return validate.problems(artifact)


def _drifted(record: Record) -> list[str]:
    return [f"{part.path}: {state}" for part in record.artifact.parts if (state := files.drift(part)) != "ok"]


def _leftovers(store: Store, places: Places, wanted: Sequence[Target], desired: set[str]) -> list[Action]:
    actions = []
    for row in store.artifacts(statuses=[Status.ACTIVE.value]):
        if row.id in desired or row.root not in places.roots:
            continue
        record = Record.from_row(row)
        if not set(record.artifact.targets) & set(wanted):
            continue
        edited = _drifted(record)
        if edited and not all(e.endswith(": missing") for e in edited):
            reason = "its lessons were retired or demoted, but it was edited by hand; left as it is"
            actions.append(Action("kept", record.artifact, reason, tuple(edited), record))
        else:
            actions.append(Action("remove", record.artifact, "its lessons were retired or demoted", (), record))
    return actions


def apply(store: Store, planned: Plan) -> Plan:
    """Carry out the plan; an artifact that fails to write is reported, the others go ahead."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    done = []
    for action in planned.actions:
        try:
            done.append(_apply_one(store, action, now))
        except ReverieError as error:
            done.append(replace(action, verb="failed", reason=str(error)))
    return replace(planned, actions=tuple(done))


def _apply_one(store: Store, action: Action, now: str) -> Action:
    if action.verb in ("write", "update"):
        record = files.write(store, action.artifact, action.previous, now)
        store.save_artifact(record.to_row())
    elif action.verb == "remove" and action.previous is not None:
        done = files.remove(store, action.previous)
        store.delete_artifact(action.artifact.id)
        return replace(action, problems=tuple(done))
    elif action.verb == "kept" and action.previous is not None:
        pruned = _prune_retired(store, action)
        if pruned:
            return replace(action, reason=f"{action.reason}, except the lines of retired lessons", problems=pruned)
    return action


def _prune_retired(store: Store, action: Action) -> tuple[str, ...]:
    """A block edited by hand is left as the user made it, but the lines of lessons that were retired
    or forgotten go: what a person took back must not keep acting through their edit."""
    previous = action.previous
    if previous is None or previous.artifact.kind is not Kind.RULES:
        return ()
    gone = tuple(i for i in previous.artifact.lesson_ids if i not in set(action.artifact.lesson_ids))
    if action.verb == "kept" and action.artifact is previous.artifact:
        gone = previous.artifact.lesson_ids  # a leftover: every lesson of it was retired
    done = [line for part in previous.artifact.parts if (line := files.prune_block(part, gone))]
    if done:
        kept = tuple(ref for ref in previous.artifact.lessons if ref[0] not in gone)
        store.save_artifact(replace(previous, artifact=replace(previous.artifact, lessons=kept)).to_row())
    return tuple(done)


# -- the registry -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listed:
    record: Record
    drift: tuple[str, ...]  # "<path>: edited|missing" for each part that no longer holds what was written

    def to_json(self) -> dict[str, Any]:
        artifact = self.record.artifact
        return {
            **{k: v for k, v in artifact.to_json().items() if k != "parts"},
            "status": self.record.status.value,
            "drift": "ok" if not self.drift else "drifted",
            "drifted_files": list(self.drift),
            "files": [{"path": p.path, "kind": p.kind.value, "hash": p.hash} for p in artifact.parts],
            "written_at": self.record.written_at,
        }


def registry(store: Store) -> list[Listed]:
    listed = []
    for row in store.artifacts():
        record = Record.from_row(row)
        drift = tuple(_drifted(record)) if record.status is Status.ACTIVE else ()
        listed.append(Listed(record, drift))
    return listed


def resolve(store: Store, artifact_id: str) -> Record:
    row = store.artifact(artifact_id)
    if row is None:
        matches = store.find_artifacts(artifact_id)
        if not matches:
            raise NotFoundError(f"no artifact starts with {artifact_id!r}; `reverie artifacts` lists them")
        if len(matches) > 1:
            raise NotFoundError(f"{artifact_id!r} matches {len(matches)} artifacts; give more of the id")
        row = matches[0]
    return Record.from_row(row)


def remove(store: Store, artifact_id: str, *, force: bool = False) -> Removal:
    """Take an artifact out of its files, exactly, and remember that it was removed."""
    record = resolve(store, artifact_id)
    if record.status is Status.REMOVED:
        raise ConfigError(f"{record.artifact.id} was already removed")
    edited = [d for d in _drifted(record) if not d.endswith(": missing")]
    if edited and not force:
        raise ConfigError(
            f"{record.artifact.id} was edited by hand ({'; '.join(edited)}); removing it would lose the edits. "
            "Use --force to remove it anyway."
        )
    done = files.remove(store, record)
    removed = replace(record, status=Status.REMOVED)
    store.save_artifact(removed.to_row())
    return Removal(removed, tuple(done))


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed artifact and what was taken out of which file, to be said exactly."""

    record: Record
    done: tuple[str, ...]


def restore(store: Store, artifact_id: str) -> Record:
    """Forget that an artifact was removed, so that the next compile writes it again."""
    record = resolve(store, artifact_id)
    if record.status is not Status.REMOVED:
        raise ConfigError(f"{record.artifact.id} is not removed")
    store.delete_artifact(record.artifact.id)
    return record


class _TaughtCalls:
    """The tool calls in a lesson's evidence, read from the store once per session."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: dict[str, dict[str, Mapping[str, Any]]] = {}

    def __call__(self, lesson: Lesson) -> Sequence[Mapping[str, Any]]:
        found = []
        for item in lesson.evidence:
            if item.session_id is None:
                continue
            if item.session_id not in self.calls:
                self.calls[item.session_id] = {
                    event.key: {"tool_name": event.tool_name, "tool_input": dict(event.tool_input)}
                    for event in self.store.events(item.session_id)
                    if event.kind is EventKind.TOOL_CALL and event.tool_name and isinstance(event.tool_input, dict)
                }
            call = self.calls[item.session_id].get(item.event_key)
            if call is not None:
                found.append(call)
        return found
