"""One command, whatever its spelling: the canonical form that observed lessons are keyed on.

Agents spell the same command many ways: ``git push -u origin x`` and ``git push --set-upstream
origin y``; ``rm -rf build`` and ``rm -r -f build``; ``--flag=value`` and ``--flag value``;
``FOO=1 npm test`` and ``npm test``; ``pytest a.py b.py -v`` and ``pytest c.py``. Keyed on their
literal text, each spelling is its own lesson, stuck at one session. ``canonicalise`` reads a simple
command (the tokens of ``commands.segments``: stdlib ``shlex`` with ``punctuation_chars``) into

* the **program** as run (``python`` and ``python3``, ``pytest`` and ``python -m pytest`` stay
  different: which one works is often the lesson), and its **path** of subcommands (``push``,
  ``-m pytest``, ``-m pip install``);
* its **flags**, each under one name (``-u`` is ``--set-upstream`` for ``git push``, combined short
  flags are split, ``--flag=value`` is ``--flag`` plus a value), with flags that only change how
  output looks (``-v``, ``-q``, ``--color``) left out;
* its **arguments** as placeholders by what they are (``<file>``, ``<package>``, ``<branch>``,
  ``<message>``, ``<url>``, ``<n>``, ``<arg>``), a run of several (a file list, three packages) as one.

The ``key`` (sorted flags) is what observations compare and merge on; ``render`` says the command as
it was written, with this session's values as placeholders and the program and module always kept
(``python -m pytest <file>``, ``pip install --no-index --find-links ./vendor/wheels <package>``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reverie.distill import commands

# Programs whose single-dash words are long options (``go test -run``, ``find -name``): never split.
_SINGLE_DASH_LONG = frozenset(
    {"go", "find", "java", "javac", "gcc", "g++", "cc", "clang", "clang++", "terraform", "ffmpeg", "xcodebuild",
     "dotnet", "swift", "kubectl", "helm", "dd", "tsc", "node", "deno", "bun", "ruby"}
)  # fmt: skip
# Flags that only change how much is printed or how it looks: the same command either way.
_COSMETIC = frozenset(
    {"-v", "-vv", "-vvv", "--verbose", "-q", "-qq", "--quiet", "--silent", "--color", "--colour", "--no-color",
     "--no-colour", "--tb", "--no-header", "--durations", "--no-pager", "--progress", "--no-progress"}
)  # fmt: skip
_PYTEST_COSMETIC = frozenset({"-s", "-r", "-rA", "-ra", "--capture", "-p", "--showlocals", "-l"})
# The same flag under two names, by program path (the most specific path that matches wins).
_ALIASES: dict[str, dict[str, str]] = {
    "git push": {"-u": "--set-upstream", "-f": "--force", "-n": "--dry-run", "-d": "--delete"},
    "git commit": {"-m": "--message", "-a": "--all", "-n": "--no-verify", "-F": "--file"},
    "git pull": {"-r": "--rebase"},
    "git add": {"-A": "--all", "-u": "--update", "-p": "--patch", "-f": "--force"},
    "git stash": {"-u": "--include-untracked", "-m": "--message"},
    "git branch": {"-d": "--delete", "-a": "--all", "-r": "--remotes", "-m": "--move"},
    "git clean": {"-f": "--force", "-n": "--dry-run"},
    "git tag": {"-a": "--annotate", "-m": "--message", "-d": "--delete"},
    "git checkout": {"-f": "--force"},
    "git switch": {"-c": "--create"},
    "git log": {"-n": "--max-count"},
    "pip install": {"-r": "--requirement", "-e": "--editable", "-U": "--upgrade", "-i": "--index-url",
                    "-f": "--find-links", "-c": "--constraint", "-t": "--target"},
    "npm install": {"-D": "--save-dev", "-g": "--global", "-S": "--save", "-E": "--save-exact"},
    "npm i": {"-D": "--save-dev", "-g": "--global", "-S": "--save", "-E": "--save-exact"},
    "pnpm add": {"-D": "--save-dev", "-g": "--global"},
    "yarn add": {"-D": "--dev"},
    "pytest": {"-x": "--exitfirst"},
    "rm": {"-r": "--recursive", "-R": "--recursive", "-f": "--force"},
    "cp": {"-r": "--recursive", "-R": "--recursive", "-f": "--force"},
    "mkdir": {"-p": "--parents"},
    "docker run": {"-d": "--detach", "-i": "--interactive", "-t": "--tty", "-e": "--env", "-v": "--volume",
                   "-p": "--publish"},
}  # fmt: skip
# Flags whose value is a message, and the programs where ``-m`` means a message (not ``python -m``).
_MESSAGE_FLAGS = frozenset({"--message", "--title", "--body", "--description", "--subject"})
_MESSAGE_PROGRAMS = frozenset({"git", "hg", "svn", "jj", "sl"})
# Flags whose (project-relative) value is the point of the command: kept when rendering.
_DECISIVE_VALUES = frozenset(
    {"--find-links", "--index-url", "--extra-index-url", "--requirement", "--constraint", "--registry",
     "--manifest-path", "--config", "--rootdir"}
)  # fmt: skip
_INSTALLS = frozenset({"install", "add", "i", "remove", "uninstall", "rm", "upgrade", "get"})
_INSTALLERS = frozenset(
    {"pip", "pip3", "uv", "npm", "pnpm", "yarn", "bun", "cargo", "gem", "brew", "apt", "apt-get", "go", "poetry",
     "pipx", "conda", "composer", "dnf", "yum", "apk", "pacman"}
)  # fmt: skip
_GIT_REFS = frozenset({"checkout", "switch", "merge", "rebase", "branch", "cherry-pick", "reset", "log", "show", "tag"})
_GIT_FILES = frozenset({"add", "rm", "restore", "mv", "diff", "blame"})
_GIT_NAMES = _GIT_REFS | {"push", "pull", "fetch"}
_REMOTES = frozenset({"origin", "upstream"})
_FILE_EXT = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")
_SHORT_GROUP = re.compile(r"^-[A-Za-z]{2,}$")
_NUMBER = re.compile(r"^\d+([.:]\d+)*[a-z]{0,2}$")
_HEXISH = re.compile(r"^[0-9a-f]{7,}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class Canonical:
    program: str
    path: tuple[str, ...]
    flags: tuple[str, ...]  # sorted, one name each
    arguments: tuple[str, ...]  # placeholders, in order, runs collapsed
    rendered: str  # as written, values as placeholders
    form: str  # how to run it: program, path and flags as written, without this run's arguments

    @property
    def head(self) -> str:
        """Program and path: ``python -m pytest``, ``git push``."""
        return " ".join((self.program, *self.path))

    @property
    def key(self) -> str:
        """Equal for every spelling of the same command (environment assignments count as flags)."""
        return " ".join((self.head, *self.flags, *self.arguments))


def canonicalise(part: Sequence[str], error_text: str = "", env: Sequence[str] = ()) -> Canonical:
    """The canonical form of one simple command (``commands.segments`` gives them) run with the
    environment assignments ``env`` (``TEST_DATABASE_URL=... make test``: the assignment is the point)."""
    return _canonical(tuple(part), _named(error_text), tuple(env))


def of_command(command: str, error_text: str = "") -> Canonical | None:
    """The canonical form of the command that does the work in a command line."""
    parts = of_parts(command, error_text)
    return parts[0] if parts else None


def of_parts(command: str, error_text: str = "") -> tuple[Canonical, ...]:
    """Every segment that does the work (``cd``, output filters after a pipe left out)."""
    named = _named(error_text)
    return tuple(_canonical(part, named, env) for env, part in commands.working_parts(command))


def _named(error_text: str) -> tuple[tuple[str, str], ...]:
    """The values an error message names (only these reach the cache, never the output itself)."""
    return tuple(sorted(commands.values_named_in(error_text[:4_000]).items())) if error_text else ()


def key_of(command: str) -> str:
    """The whole command line's key: ``ulimit -n <n> && cargo test`` is not ``cargo test``."""
    return " && ".join(found.key for found in of_parts(command))


def rendered(command: str, error_text: str = "") -> str:
    return " && ".join(found.rendered for found in of_parts(command, error_text))


@dataclass
class _Reading:
    """The walk over one command's tokens after its path."""

    name: str
    path: tuple[str, ...]
    aliases: dict[str, str]
    named: dict[str, str]
    flags: set[str]
    arguments: list[str]
    shown: list[str]
    formed: list[str]
    dashes: bool = False  # past a ``--``: what follows are operands (``git checkout -- <file>``)

    def flag(self, token: str) -> str:
        """Read one flag token; returns what a following value belongs to ("" for nothing)."""
        self.dashes = self.dashes or token == "--"
        spelled, has_value, value = token.partition("=")
        if _SHORT_GROUP.match(spelled) and not has_value and self.name not in _SINGLE_DASH_LONG:
            kept = [self.aliases.get(f"-{c}", f"-{c}") for c in spelled[1:] if not _cosmetic(f"-{c}", self.name)]
            self.flags.update(kept)
            self._show(spelled if kept else "")
            return kept[-1] if kept and kept[-1] in _MESSAGE_FLAGS else ""
        if _cosmetic(spelled, self.name):
            return _SKIP_VALUE if spelled in _COSMETIC_VALUED and not has_value else ""
        flag = self.aliases.get(spelled, spelled)
        self.flags.add(flag)
        if not has_value:
            self._show(spelled)
            return flag
        self.arguments.append(self.placeholder(value, flag))
        self._show(f"{spelled}={_shown_value(flag, value)}")
        return ""

    def argument(self, token: str, owner: str) -> None:
        if owner == _SKIP_VALUE:
            return
        placeholder = self.placeholder(token, owner)
        self.arguments.append(placeholder)
        decisive = owner in _DECISIVE_VALUES or (owner and placeholder in {"<arg>", "<n>"})
        shown = _shown_value(owner, token) if decisive else placeholder
        self.shown.append(shown)
        if decisive:
            self.formed.append(shown)  # ``--find-links ./vendor/wheels``, ``--features rustls``, ``-n 4096``

    def placeholder(self, token: str, owner: str) -> str:
        if owner in _MESSAGE_FLAGS or (owner in {"-m", "--message"} and self.name in _MESSAGE_PROGRAMS):
            return "<message>"
        if token in self.named:
            return f"<{self.named[token]}>"
        if _installs(self.name, self.path) and not token.startswith((".", "/", "~")) and not _URL.match(token):
            return "<package>"  # ``@types/node``, ``requests==2.31``: a package even when it looks like a path
        if self.name == "git" and self.dashes:
            return "<file>"
        if self.name == "git" and self.path and self.path[0] in _GIT_NAMES and not _URL.match(token):
            return _git_argument(token, self.path[0], len(self.arguments))  # ``feature/login`` is a branch
        shaped = _by_shape(token)
        if shaped:
            return shaped
        if self.name == "git" and self.path:
            return _git_argument(token, self.path[0], len(self.arguments))
        return "<arg>"

    def _show(self, word: str) -> None:
        if word:
            self.shown.append(word)
            self.formed.append(word)


_SKIP_VALUE = "\0skip"
_COSMETIC_VALUED = frozenset({"--tb", "--color", "--colour", "--durations", "-p", "--capture"})


@lru_cache(maxsize=4096)
def _canonical(part: tuple[str, ...], named: tuple[tuple[str, str], ...], env: tuple[str, ...] = ()) -> Canonical:
    if not part:
        return Canonical("", (), (), (), "", "")
    assigned = [_assignment(item) for item in env]
    program = commands.program_as_written(part[0])
    name = program.rsplit("/", 1)[-1].lower()
    settings: list[str] = []
    path, rest = _path(name, list(part[1:]), settings)
    reading = _Reading(
        name=name,
        path=tuple(path),
        aliases=_aliases_for(name, path),
        named=dict(named),
        flags={f"-c {setting.split('=', 1)[0].lower()}" for setting in settings[1::2]},
        arguments=[],
        shown=[*assigned, program, *settings, *path],
        formed=[*assigned, program, *settings, *path],
    )
    owner = ""
    for token in rest:
        if token.startswith("-") and len(token) > 1 and not _NUMBER.match(token[1:]):
            owner = reading.flag(token)
        else:
            reading.argument(token, owner)
            owner = ""
    return Canonical(
        program=program,
        path=tuple(path),
        flags=tuple(sorted(reading.flags | set(assigned))),
        arguments=tuple(_collapse(reading.arguments)),
        rendered=commands.render(_collapse(reading.shown, plural=True)),
        form=commands.render(reading.formed[:MAX_FORM_WORDS]),
    )


MAX_FORM_WORDS = 8


def _path(name: str, rest: list[str], settings: list[str]) -> tuple[list[str], list[str]]:
    """The subcommands that say which tool runs: ``push``; ``-m pytest``; ``-m pip install``; ``run build``."""
    path: list[str] = []
    tool = name
    if name.startswith("python"):
        if len(rest) < 2 or rest[0] != "-m":
            return path, rest
        path, rest, tool = ["-m", rest[1]], rest[2:], rest[1]
        if tool not in _INSTALLERS:
            return path, rest
    elif name in _WITH_GLOBAL_OPTIONS:
        rest = _skip_global_options(rest, settings)
    if rest and commands.is_subcommand(rest[0]) and name not in _NO_SUBCOMMANDS:
        path.append(rest[0])
        rest = rest[1:]
        if path[-1] in _NESTED and rest and commands.is_subcommand(rest[0]):
            path.append(rest[0])
            rest = rest[1:]
    return path, rest


_WITH_GLOBAL_OPTIONS = frozenset({"git", "make", "docker", "npm", "pnpm", "yarn", "cargo", "uv", "poetry", "gh"})
_NO_SUBCOMMANDS = commands.INSPECTION | frozenset(
    {"rm", "cp", "mv", "mkdir", "touch", "chmod", "chown", "ln", "tar", "zip", "unzip", "bash", "sh", "zsh", "node",
     "deno", "perl", "pytest", "py.test", "jest", "vitest", "mocha", "tsc", "eslint", "prettier", "black", "isort",
     "flake8", "mypy", "pyright", "pylint", "shellcheck", "xargs", "timeout", "rg", "fd", "bats"}
)  # fmt: skip
_NESTED = frozenset({"run", "exec", "x", "dlx", "tool", "workspace", "pip", "compose"})


def _skip_global_options(rest: list[str], settings: list[str]) -> list[str]:
    """``git -C <dir> -c k=v --no-pager push``: options before the subcommand set things up. Where
    they run from does not matter; a configuration setting does (``-c http.postBuffer=<n>``)."""
    while len(rest) > 1 and rest[0].startswith("-"):
        takes_value = rest[0] in {"-C", "-c", "--git-dir", "--work-tree", "--prefix", "--dir", "--cwd"}
        if rest[0] == "-c":
            name, _, value = rest[1].partition("=")
            settings.extend(["-c", f"{name}={_by_shape(value) or '<value>'}" if value else name])
        rest = rest[2:] if takes_value else rest[1:]
    return rest


def _aliases_for(name: str, path: Sequence[str]) -> dict[str, str]:
    words = list(path[1:]) if tuple(path[:1]) == ("-m",) else [name, *path]
    for size in range(len(words), 0, -1):
        found = _ALIASES.get(" ".join(words[:size]))
        if found is not None:
            return found
    return {}


def _cosmetic(flag: str, name: str) -> bool:
    return flag in _COSMETIC or (name in {"pytest", "py.test"} and flag in _PYTEST_COSMETIC)


def _by_shape(token: str) -> str:
    if token in _EVERYWHERE:
        return token  # ``.``, ``./...``: "the whole project", not one run's file
    if _URL.match(token):
        return "<url>"
    if _NUMBER.match(token):
        return "<n>"
    if _HEXISH.match(token):
        return "<hash>"
    if "/" in token or "*" in token or _FILE_EXT.search(token) or token.startswith((".", "~")):
        return "<file>"
    return ""


def _installs(name: str, path: Sequence[str]) -> bool:
    tool = path[1] if tuple(path[:1]) == ("-m",) and len(path) > 1 else name
    return tool in _INSTALLERS and any(word in _INSTALLS for word in path)


def _git_argument(token: str, subcommand: str, position: int) -> str:
    if subcommand in {"push", "pull", "fetch"}:
        return token if position == 0 and token in _REMOTES else ("<remote>" if position == 0 else "<branch>")
    if subcommand in _GIT_FILES:
        return "<file>"
    if subcommand in _GIT_REFS:
        return "<branch>"
    return "<arg>"


def _shown_value(flag: str, value: str) -> str:
    """A project-relative value of a flag that decides what runs stays, and so does a plain word
    (``-tags=integration``, ``--features rustls``); files, numbers, messages are this run's."""
    if flag in _DECISIVE_VALUES and not value.startswith(("/", "~")) and not _URL.match(value):
        return value
    if flag in _MESSAGE_FLAGS:
        return "<message>"
    if value.isdigit() and len(value) <= 6:
        return value  # ``-p 1``, ``-n 4096``, ``--fail-under-lines 80``: a setting, not this run's value
    return _by_shape(value) or (value if _PLAIN_WORD.match(value) else "<arg>")


_EVERYWHERE = frozenset({".", "./", "./...", "...", "./*"})
_PLAIN_WORD = re.compile(r"^[A-Za-z][\w.,:+-]{0,30}$")


def _assignment(item: str) -> str:
    """``TEST_DATABASE_URL=postgres://...`` -> ``TEST_DATABASE_URL=<url>``; ``HEADLESS=1`` and
    ``NODE_OPTIONS=--max-old-space-size=4096`` stay as they are: the value is the setting."""
    name, _, value = item.partition("=")
    if _URL.match(value):
        return f"{name}=<url>"
    if value.startswith(("/", "~")) or len(value) > 60:
        return f"{name}=<value>"
    return f"{name}={value}"


def _collapse(words: Sequence[str], plural: bool = False) -> list[str]:
    """A run of the same placeholder (a file list, several packages) is one: ``<file>`` (``<file>...``)."""
    out: list[str] = []
    for word in words:
        bare = word.removesuffix("...")
        if out and word.startswith("<") and out[-1].removesuffix("...") == bare:
            out[-1] = f"{bare}..." if plural else bare
            continue
        out.append(word)
    return out


commands.also_clear(_canonical.cache_clear)
