"""What a compiled artifact is: the files it writes, the lessons it came from, and how it is recorded.

An :class:`Artifact` is everything one compiled thing needs, as a list of :class:`Part` s, each one
change to one file:

``whole``     a file that reverie owns outright (a hook script, a ``.claude/rules/*.md``, a skill);
``block``     the managed block between markers in a file the user owns (CLAUDE.md, AGENTS.md);
``settings``  hook handlers merged into an agent's settings JSON (one script, one handler per event).

The id is stable for (kind, folder, name), so compiling again finds the same artifact, sees whether
its content hash changed, and updates it in place. A :class:`Record` is the artifact as written, kept
in the registry (``store.save_artifact``) with the hash of each part, so drift (a user's edit) is seen.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reverie.domain.lessons import Lesson


class Kind(StrEnum):
    RULES = "rules"  # the managed block in CLAUDE.md / AGENTS.md
    PATH_RULE = "path-rule"  # .claude/rules/<name>.md with paths: frontmatter
    HOOK = "hook"  # one scope's enforcement script and its settings entries
    COMMAND = "command"
    SKILL = "skill"
    SUBAGENT = "subagent"


class Target(StrEnum):
    CLAUDE_CODE = "claude-code"
    CODEX = "codex"
    AGENTS_MD = "agents-md"


class PartKind(StrEnum):
    WHOLE = "whole"
    BLOCK = "block"
    SETTINGS = "settings"


class Status(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Part:
    """One change to one file. ``content``: the file's text (whole), the block with its markers
    (block), or the JSON of ``{"entries": [{"event", "matcher", "handler"}, ...]}`` (settings; records
    of earlier versions hold one entry's object itself)."""

    path: str
    kind: PartKind
    content: str
    schema: str = ""  # settings: the SchemaStore schema the file must keep matching

    @property
    def hash(self) -> str:
        return digest(self.content)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind.value, "content": self.content, "schema": self.schema}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        return cls(path=data["path"], kind=PartKind(data["kind"]), content=data["content"], schema=data["schema"])


@dataclass(frozen=True, slots=True)
class Replay:
    """A compile-time check of a hook: a payload and what the hook must do with it."""

    label: str  # "the originating call", "a nearby harmless call", ...
    payload: dict[str, Any]
    must_block: bool
    transcript: str | None = None  # JSONL lines for the session's transcript (always-before checks)
    must_remind: bool = False
    lesson: str = ""  # the lesson whose check this holds to account; the others are allowed meanwhile


@dataclass(frozen=True, slots=True)
class Artifact:
    id: str
    kind: Kind
    targets: tuple[Target, ...]
    scope: str  # "project" | "global"
    root: str  # the folder its files live under
    name: str
    lessons: tuple[tuple[str, str], ...]  # (lesson id, lesson content hash)
    parts: tuple[Part, ...]
    summary: str  # one line for listings
    replays: tuple[Replay, ...] = field(default=(), compare=False)

    @property
    def content_hash(self) -> str:
        return digest(json.dumps([p.to_json() for p in self.parts], sort_keys=True))

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(lesson for lesson, _ in self.lessons)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "targets": [t.value for t in self.targets],
            "scope": self.scope,
            "root": self.root,
            "name": self.name,
            "lessons": [list(pair) for pair in self.lessons],
            "parts": [part.to_json() for part in self.parts],
            "summary": self.summary,
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Artifact:
        return cls(
            id=data["id"],
            kind=Kind(data["kind"]),
            targets=tuple(Target(t) for t in data["targets"]),
            scope=data["scope"],
            root=data["root"],
            name=data["name"],
            lessons=tuple((pair[0], pair[1]) for pair in data["lessons"]),
            parts=tuple(Part.from_json(part) for part in data["parts"]),
            summary=data["summary"],
        )


def artifact_id(kind: Kind, root: str, name: str) -> str:
    """Stable for what the artifact is and where: compiling again finds the same one."""
    return "A" + hashlib.sha256(f"{kind.value}\x1f{root}\x1f{name}".encode()).hexdigest()[:10]


def lesson_ref(lesson: Lesson) -> tuple[str, str]:
    return (lesson.id, lesson.content_hash)


def name_for(lesson: Lesson, *, limit: int = 40) -> str:
    """A file and skill name: lowercase words of the statement and the lesson id, hyphenated.

    The id keeps two lessons that read alike apart; the words let a person see what the file is."""
    words = re.findall(r"[a-z0-9]+", lesson.statement.lower())
    words = [w for w in words if w not in _FILLER][:8]
    stem = "-".join(words)[:limit].strip("-") or "lesson"
    return f"{stem}-{lesson.id.lower()[1:7]}"


_FILLER = {"in", "this", "project", "the", "a", "an", "to", "of", "and", "or", "for", "here", "repo"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
