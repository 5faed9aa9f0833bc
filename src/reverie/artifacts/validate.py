"""Checks that a compiled file is valid where the agent loads it, run before anything is written.

* skills: the Agent Skills spec, with the reference validator (the ``skills-ref`` package), run on
  the skill folder exactly as it would be written; plus the spec's rules checked here, so a missing
  validator never lets a broken skill through;
* commands and subagents: frontmatter that parses, with the fields Claude Code requires;
* path rules: a ``paths:`` list.

Frontmatter is read with a small parser for the subset reverie writes (``key: value``, ``key:`` then
``  - item`` lines, JSON-quoted strings): the point is to catch what we got wrong, not to be YAML.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from reverie.artifacts.model import Artifact, Kind, PartKind

SKILL_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME = 64
MAX_DESCRIPTION = 1024


def problems(artifact: Artifact) -> list[str]:
    found: list[str] = []
    for part in artifact.parts:
        if part.kind is not PartKind.WHOLE or not part.path.endswith(".md"):
            continue
        try:
            meta = frontmatter(part.content)
        except ValueError as error:
            found.append(f"{part.path}: {error}")
            continue
        found += [f"{part.path}: {p}" for p in _check(artifact.kind, meta, Path(part.path), part.content)]
    return found


def frontmatter(text: str) -> dict[str, Any]:
    if not text.startswith("---\n"):
        raise ValueError("no frontmatter")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("frontmatter is not closed")
    meta: dict[str, Any] = {}
    key = None
    for line in text[4:end].splitlines():
        item = re.match(r"^\s+-\s+(.*)$", line)
        if item and key is not None and isinstance(meta.get(key), list):
            meta[key].append(_scalar(item.group(1)))
            continue
        pair = re.match(r"^([A-Za-z][\w-]*):\s*(.*)$", line)
        if pair is None:
            raise ValueError(f"cannot read frontmatter line {line!r}")
        key = pair.group(1)
        meta[key] = _scalar(pair.group(2)) if pair.group(2) else []
    return meta


def _scalar(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        value = json.loads(text)
        if not isinstance(value, str):
            raise ValueError(f"not a string: {text}")
        return value
    return text


def _check(kind: Kind, meta: dict[str, Any], path: Path, text: str) -> list[str]:
    if kind is Kind.SKILL:
        return _skill(meta, path, text)
    if kind is Kind.PATH_RULE:
        return [] if isinstance(meta.get("paths"), list) and meta["paths"] else ["`paths:` must list globs"]
    if kind is Kind.COMMAND:
        return [] if _text(meta.get("description")) else ["a command needs a description"]
    if kind is Kind.SUBAGENT:
        found = [] if SKILL_NAME.match(_text(meta.get("name"))) else ["a subagent needs a lowercase, hyphenated name"]
        description = _text(meta.get("description"))
        if "Use" not in description or "not" not in description:
            found.append("a subagent's description must say when to use it and when not to")
        return found
    return []


def _skill(meta: dict[str, Any], path: Path, text: str) -> list[str]:
    name, description = _text(meta.get("name")), _text(meta.get("description"))
    found = []
    if not SKILL_NAME.match(name) or len(name) > MAX_NAME:
        found.append(f"name {name!r} must be lowercase letters, digits and single hyphens, at most {MAX_NAME}")
    if name != path.parent.name:
        found.append(f"name {name!r} must equal its folder {path.parent.name!r}")
    if not description or len(description) > MAX_DESCRIPTION:
        found.append(f"description must be 1 to {MAX_DESCRIPTION} characters")
    return found + _reference_validator(path.parent.name, text)


def _reference_validator(folder: str, text: str) -> list[str]:
    """The ``skills-ref`` package's verdict on the skill as it would be written."""
    try:
        from skills_ref import validate as reference  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return []  # the checks above still hold; the package is a dependency, so this is rare
    with tempfile.TemporaryDirectory(prefix="reverie-skill-") as temp:
        skill_dir = Path(temp) / folder
        skill_dir.mkdir()
        (skill_dir / "SKILL.md").write_text(text, encoding="utf-8")
        return [f"skills-ref: {problem}" for problem in reference(skill_dir)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
