"""Triggers from what the person wrote: which code spans name paths and which name commands.

A lesson's trigger decides where recall shows it and what a compiled hook watches, so the difference
matters: "do not touch `src/generated/`" is about edits under that folder, "use `pnpm test`" about a
command. A span without spaces that contains a slash, or that looks like a file name (a name and an
extension), is a path and becomes a glob relative to the project; anything else of at most four
words is a command prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reverie.domain.lessons import Trigger

MAX_COMMAND_WORDS = 4
_COMMAND_START = re.compile(r"[A-Za-z_][\w.+-]*(?:\s|$)")  # a program name: not a flag, a number or a path
_FILE_NAME = re.compile(r"[\w@+-][\w.@+-]*\.[A-Za-z][A-Za-z0-9]{0,7}")  # app.py, package-lock.json; not 3.11


def trigger_from(code: Iterable[str], keywords: tuple[str, ...] = ()) -> Trigger:
    commands: list[str] = []
    paths: list[str] = []
    for span in (c.strip() for c in code):
        if not span:
            continue
        if looks_like_path(span):
            paths.extend(path_globs(span))
        elif _COMMAND_START.match(span) and "://" not in span and len(span.split()) <= MAX_COMMAND_WORDS:
            commands.append(span)
    return Trigger(commands=tuple(dict.fromkeys(commands)), paths=tuple(dict.fromkeys(paths)), keywords=keywords)


def looks_like_path(span: str) -> bool:
    if any(c.isspace() for c in span) or span.startswith("-") or "://" in span:
        return False
    return "/" in span or bool(_FILE_NAME.fullmatch(span))


def path_globs(span: str) -> list[str]:
    """Globs relative to the project folder, ``**`` for any depth."""
    path = span.removeprefix("./").lstrip("/") if not span.startswith("~") else span
    if "/" not in path.rstrip("/"):
        name = path.rstrip("/")
        return [f"**/{name}", f"**/{name}/**"] if path.endswith("/") else [f"**/{name}"]
    if path.endswith("/"):
        return [f"{path}**"]
    if "*" in path or _FILE_NAME.fullmatch(path.rsplit("/", 1)[-1]):
        return [path]
    return [path, f"{path}/**"]  # a folder or a file without an extension: either way
