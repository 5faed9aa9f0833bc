"""Building the recall index from the lesson store: ``refresh_index(workspace)``.

Call it after anything that changes lessons (distill, forget, remember, review's accept). It reads the
active lessons, computes what the hook needs for each (index terms, trigger keys, a digest weight,
dates as epoch seconds) and has ``store.recall_index`` write a new ``<home>/recall.db`` beside the old
one and swap it in. The lesson store's watermark is read *before* the lessons, so a change made while
the index is being built is newer than the index and the hook's stale guard sees it.

The digest weight says how much a lesson belongs in a session-start digest, before any prompt:

    weight = kind x scope x trigger shape x (1 + 0.02 x min(sessions, 5))

Rules and preferences first (they change behaviour most), hazards next, facts and procedures after;
project lessons before global ones (the project is where the session is); lessons whose trigger is only
a path glob are worth less here, since they will be shown just in time before the edit they are about.

Also runnable as ``python -m reverie.recall.index --home DIR``: the hook starts that, detached, when
it finds the index stale.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from reverie import normal
from reverie.domain.lessons import Lesson, LessonKind, LessonStatus, ScopeLevel
from reverie.recall import calls, intents, lookup, snapshot
from reverie.store.gate import clean
from reverie.store.protocol import ArtifactRow
from reverie.store.recall_index import (
    INDEX_FILE,
    SEPARATOR,
    IndexedLesson,
    idf,
    term_weights,
    write_index,
)
from reverie.workspace import Workspace

KIND_WEIGHT = {
    LessonKind.RULE: 1.0,
    LessonKind.PREFERENCE: 0.95,
    LessonKind.HAZARD: 0.9,
    LessonKind.FAILED_APPROACH: 0.85,
    LessonKind.FACT: 0.85,
    LessonKind.PROCEDURE: 0.8,
}
SCOPE_WEIGHT = {ScopeLevel.SESSION: 1.0, ScopeLevel.PROJECT: 1.0, ScopeLevel.GLOBAL: 0.85}
PATH_ONLY_WEIGHT = 0.6


def refresh_index(workspace: Workspace, *, now: datetime | None = None) -> int:
    """Rebuild ``<home>/recall.db`` from the store's active lessons; returns how many it holds."""
    moment = now or datetime.now(UTC)
    mark = workspace.store.lesson_watermark()
    source, watermark = mark if mark is not None else ("", None)
    # Redacted again here (store/gate.py): a lesson stored before a redaction rule existed must not
    # reach the index, the snapshot or their search terms with its secret.
    active = [clean(lesson) for lesson in workspace.store.lessons(statuses=[LessonStatus.ACTIVE])]
    rows = [indexed(lesson) for lesson in active if not _expired(lesson, moment)]
    compiled = compiled_rules(workspace.store.artifacts(statuses=("active",)), {lesson.id: lesson for lesson in active})
    weights = term_weights(rows)
    rows = [replace(row, mass=sum(weights[term] for term in row.terms)) for row in rows]
    write_index(index_path(workspace.home), rows, meta={"source": source, "watermark": str(watermark or "")})
    meta: dict[str, object] = {
        "source": source,
        "watermark": watermark,
        "lessons": len(rows),
        "unseen_idf": idf(max(1, len(rows)), 0),
        "built_at": moment.isoformat(timespec="seconds"),
        "generation": f"{time.time_ns():x}-{os.getpid():x}",  # keys answers cached per build (digest_cache)
        "compiled": compiled,
    }
    snapshot.write(
        str(workspace.home),
        [snapshot_row(number, row) for number, row in enumerate(rows, 1)],
        [row.trigger_keys for row in rows],
        [row.terms for row in rows],
        weights,
        meta,
    )
    _prewarm_digests(str(workspace.home))
    return len(rows)


def _prewarm_digests(home: str) -> None:
    """The kept session-start digests, built again for the new index (``digest_cache.prewarm``), so the
    next session does not pay for it. A cache: whatever goes wrong, the index stands and the session
    builds its digest itself."""
    from reverie.recall import digest_cache

    try:
        digest_cache.prewarm(home)
    except Exception:
        return


RULE_KINDS = ("rules", "path-rule")  # artifacts that put the lesson's text in what the agent loads
_AGENT_OF_TARGET = {"claude-code": "claude-code", "codex": "codex", "agents-md": "codex"}


def compiled_rules(artifacts: Sequence[ArtifactRow], lessons: Mapping[str, Lesson]) -> dict[str, list[str]]:
    """Lesson id -> the agents that already load it as a rule (CLAUDE.md / AGENTS.md block,
    ``.claude/rules``): recall does not inject those again. A rule compiled from an older version of
    the lesson does not count (the agent would read outdated text), nor does a global lesson written
    into one repository's file (it reaches only that repository).

    Reads the registry record that ``reverie.artifacts`` writes (``{"artifact": {...}}``); a record it
    cannot read counts as no rule, so recall errs towards showing."""
    found: dict[str, set[str]] = {}
    for row in artifacts:
        if row.kind not in RULE_KINDS:
            continue
        try:
            artifact = json.loads(row.body)["artifact"]
            targets, scope, pairs = list(artifact["targets"]), str(artifact["scope"]), list(artifact["lessons"])
        except (ValueError, KeyError, TypeError):
            continue
        for lesson_id, content in pairs:
            lesson = lessons.get(lesson_id)
            if lesson is None or lesson.content_hash != content:
                continue
            if scope != "global" and lesson.scope.level is ScopeLevel.GLOBAL:
                continue
            found.setdefault(lesson_id, set()).update(_AGENT_OF_TARGET.get(str(t), str(t)) for t in targets)
    return {lesson_id: sorted(agents) for lesson_id, agents in sorted(found.items())}


def snapshot_row(number: int, row: IndexedLesson) -> tuple[object, ...]:
    """A lesson as ``lookup.IndexRow`` reads it, then its scope token (``snapshot.TOKEN_COLUMN``)."""
    lists = (row.commands, row.paths, row.tools, row.keywords)
    return (
        *(number, row.id, row.statement, row.kind, row.level, row.scope, row.project, row.session, row.agent),
        *(row.confidence, row.sessions, row.newest, row.valid_to, row.stance),
        *(SEPARATOR.join(items) for items in lists),
        *(" ".join(row.terms), row.mass, row.digest_weight, row.scope_token),
    )


def index_path(home: Path) -> Path:
    return home / INDEX_FILE


def indexed(lesson: Lesson) -> IndexedLesson:
    trigger, scope = lesson.trigger, lesson.scope
    commands = tuple(c for c in (calls.normalise_prefix(c) for c in trigger.commands) if c)
    text = " ".join(
        (
            lesson.statement,
            *trigger.keywords,
            *commands,
            *(" ".join(calls.path_segments(p)) for p in trigger.paths),
            *intents.intents_of(commands, lesson.statement),  # "run the tests" meets `pytest`
        )
    )
    return IndexedLesson(
        id=lesson.id,
        statement=lesson.statement,
        kind=lesson.kind.value,
        level=lesson.level.value,
        scope=scope.level.value,
        project=scope.project or "",
        session=scope.session or "",
        agent=scope.agent or "",
        scope_token=lookup.scope_token(scope.level.value, project=scope.project or "", session=scope.session or ""),
        confidence=lesson.confidence.value,
        sessions=lesson.confidence.sessions or len(lesson.sessions),
        newest=_epoch(_newest(lesson)),
        valid_to=_epoch(lesson.valid_to),
        stance=_command_stance(lesson.stance),
        commands=commands,
        paths=tuple(trigger.paths),
        tools=tuple(trigger.tools),
        keywords=tuple(trigger.keywords),
        terms=tuple(dict.fromkeys(normal.terms(text))),
        trigger_keys=trigger_keys(commands, trigger.paths, trigger.keywords),
        digest_weight=digest_weight(lesson),
    )


def _command_stance(stance: str) -> str:
    """The stance as a command prefix (``pnpm``), or "" when it does not read as one ("2-space")."""
    if not stance or len(stance) > 80 or not stance[:1].isalpha():
        return ""
    return calls.normalise_prefix(stance)


def trigger_keys(commands: Sequence[str], paths: Sequence[str], keywords: Sequence[str]) -> tuple[str, ...]:
    keys = ["c:" + command for command in commands]
    keys.extend(calls.glob_key(path) for path in paths)
    keys.extend("k:" + term for keyword in keywords for term in normal.terms(keyword))
    return tuple(dict.fromkeys(keys))


def digest_weight(lesson: Lesson) -> float:
    trigger = lesson.trigger
    path_only = bool(trigger.paths) and not (trigger.commands or trigger.keywords)
    sessions = min(lesson.confidence.sessions or len(lesson.sessions), 5)
    weight = KIND_WEIGHT.get(lesson.kind, 0.8) * SCOPE_WEIGHT.get(lesson.scope.level, 0.85)
    return round(weight * (PATH_ONLY_WEIGHT if path_only else 1.0) * (1 + 0.02 * sessions), 4)


def _newest(lesson: Lesson) -> str | None:
    stamps = [e.timestamp for e in lesson.evidence if e.timestamp]
    return max(stamps, default=None) or lesson.recorded_at


def _epoch(stamp: str | None) -> float:
    if not stamp:
        return 0.0
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _expired(lesson: Lesson, now: datetime) -> bool:
    end = _epoch(lesson.valid_to)
    return bool(end) and end < now.timestamp()


def main(argv: Sequence[str] | None = None) -> int:
    """The detached rebuild the hook starts; ``--unlock`` names the lock file to remove when done."""
    parser = argparse.ArgumentParser(prog="python -m reverie.recall.index")
    parser.add_argument("--home", type=Path)
    parser.add_argument("--unlock", type=Path)
    options = parser.parse_args(argv)
    try:
        workspace = Workspace.open(options.home)
        try:
            count = refresh_index(workspace)
        finally:
            workspace.close()
        print(f"recall index: {count} active lessons", file=sys.stderr)
        return 0
    finally:
        if options.unlock is not None:
            options.unlock.unlink(missing_ok=True)


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main())
