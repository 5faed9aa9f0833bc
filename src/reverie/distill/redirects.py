"""A correction of what the agent just did: the person names another way to do the same job.

"no, use pnpm" right after the agent ran `npm install` means "Use pnpm, not npm": the person saw the
command and named its replacement. Read alone, the words say only "use pnpm" (a candidate at best) and
the observed `npm install` says npm is the project's package manager; read with the command, they are
a named choice, as plain as "use pnpm, not npm", and active at once like one. The choice then outranks
the observed fact on the same question (``contradiction``), so the corrected command is not learned.

The same job is decided by what the command is, never by the words around it: two package managers
of one ecosystem (``project_facts.MANAGERS``), two commands of one role ("make test" for "pytest",
``commands.role``), or two spellings of one program ("python3" for "python", "docker compose" for
"docker-compose"). Only a short turn counts, with a verb of choosing or a leading "no" ("no, pnpm",
"use yarn here", "we use poetry for that", "it's docker compose now"); a turn that bounds itself ("use
yarn for now") or asks is read as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reverie.distill import canonical, commands, lasting
from reverie.distill.project_facts import MANAGERS
from reverie.distill.reading.grammar import words_of

MAX_WORDS = 12  # a redirect is said in a breath; a longer turn is a new request
_NEW_REQUEST = re.compile(r"^(?:let'?s|lets|now)\b", re.I)  # a task, not a correction
_CORRECTING = re.compile(
    r"^(?:no|nope|nah|not that|wrong)\b|\b(?:use|using|with|via|switch to|prefer|it'?s|its|try)\b", re.I
)
_CODE = re.compile(r"`([^`]+)`")
# What may follow a verb of choosing and name a program: "use `pnpm`", "with make test", "it's python3".
# A lookahead, so "no, use pnpm" is read after "no" and after "use".
_NAMED = re.compile(
    r"(?=\b(?:use|using|with|via|switch to|prefer|it'?s|its|try|no,?)\s+(?:the\s+)?"
    r"([a-z][\w.+-]*(?:\s+[a-z][\w.:+-]*){0,2}))",
    re.I,
)
# Words after a program's name that are not part of it ("use pnpm here, not npm").
_ENDS_A_NAME = words_of(
    "not instead here for in please now to and or but rather than always only this that it the a an of on"
)
# Words that open a phrase but never name a program ("no, we format with ruff": not "we format").
_NOT_PROGRAMS = words_of("we i you they use using run with it its it's that this the a an")
_VERSION = re.compile(r"[\d.]+$")
# "don't run that again", "don't install anything else yet": about the moment, not the project
_MOMENT = re.compile(r"\b(?:it|that|this|anything|else|yet|again|now|more|today)\b", re.I)
# "don't push to main", "never force-push", "stop committing": the verb of a prohibition.
_FORBIDDING = re.compile(r"^(?:(?:please|no|ok|okay),?\s+)*(?:don'?t|do not|never|stop|quit)\s+([a-z][a-z-]*)", re.I)


def redirect(text: str, command: str | None) -> tuple[str, str] | None:
    """(what to use, what the agent ran) when a short turn right after ``command`` names another program
    or command for the same job; None otherwise."""
    words = text.split()
    if not command or not words or len(words) > MAX_WORDS or text.rstrip().endswith("?"):
        return None
    if not _CORRECTING.search(text) or _NEW_REQUEST.match(text) or lasting.duration(text) is lasting.Duration.BOUNDED:
        return None
    ran = commands.main_segment(command)
    if not ran:
        return None
    for named in _named(text):
        rejected = _same_job(named, ran)
        if rejected is not None:
            return " ".join(named), rejected
    return None


def _named(text: str) -> Iterator[list[str]]:
    """Programs the turn names: code spans first, then the words after a verb of choosing, longest first
    ("make test", then "make")."""
    for span in _CODE.findall(text):
        yield span.split()
    for found in _NAMED.finditer(text):
        tokens: list[str] = []
        if found.group(1).split()[0].lower() in _NOT_PROGRAMS:
            continue
        for word in found.group(1).split():
            if word.lower() in _ENDS_A_NAME:
                break
            tokens.append(word.lower())
        for length in range(len(tokens), 0, -1):
            yield tokens[:length]


def _same_job(named: list[str], ran: list[str]) -> str | None:
    """How the agent's command is named in the choice when ``named`` does the same job differently."""
    ran = [ran[0].rsplit("/", 1)[-1], *ran[1:]]
    if not named or named[0] == ran[0]:
        return None
    mine, theirs = MANAGERS.get(named[0]), MANAGERS.get(ran[0])
    if mine and theirs:  # a package manager is only ever replaced by another of its ecosystem
        return ran[0] if mine[0] == theirs[0] and mine[1] != theirs[1] else None
    respelled = _respelled(named, ran)
    if respelled is not None:
        return respelled
    role = commands.role(commands.signature(named))
    signature = commands.signature(ran)
    if role is None or role != commands.role(signature) or signature.startswith(" ".join(named)):
        return None
    found = canonical.of_command(" ".join(ran))
    return found.head if found is not None else signature


def _respelled(named: list[str], ran: list[str]) -> str | None:
    """The agent's spelling of a program the person spells otherwise: "python" when the person says
    "python3", "docker-compose" when they say "docker compose"."""
    for length in (1, 2):
        ran_as = " ".join(ran[:length])
        for said in (named[0], " ".join(named[:2])):
            if said != ran_as and _spelling(said) == _spelling(ran_as):
                return ran_as
    return None


def _spelling(program: str) -> str:
    """One program however it is spelled: python3 / python, pip3 / pip, docker-compose / docker compose."""
    return _VERSION.sub("", program.lower()).replace("-", " ")


def forbids(text: str, command: str | None) -> bool:
    """A short prohibition of what the agent just ran: "don't push to main" after `git push origin main`,
    "never commit the lock file" after `git commit -am ...`. Its verb is the command's program or
    subcommand; "it", "that", "yet", "again"... make it about the moment ("don't run that again")."""
    words = text.split()
    found = _FORBIDDING.match(text)
    if not command or found is None or len(words) > MAX_WORDS or _MOMENT.search(text):
        return False
    ran = [word.rsplit("/", 1)[-1].lower() for word in commands.main_segment(command)[:2]]
    verb = found.group(1).lower()
    stem = verb[:-3] if verb.endswith("ing") else verb
    return bool(ran) and any(word in (verb, stem, stem + "e") for word in ran)
