"""Shell commands as distillation sees them: tokens, the part that matters, its signature and role.

Agents wrap the command that matters in noise: ``cd /repo && FOO=1 npm test 2>&1 | tail -20``.
``essential`` keeps the segments that do the work (no ``cd``, no pipes into ``tail``), ``signature``
names the program and its subcommand (``npm test``, ``python -m pytest``, ``git push``), and
``generalise`` replaces the values of one session (absolute paths, numbers, commit messages, a
branch named in the error message) with placeholders, so a lesson says ``--set-upstream origin
<branch>`` rather than the branch of the day. ``similarity`` compares token lists with partial credit
for near-identical tokens (``python`` / ``python3``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from reverie.domain.events import Event

MAX_COMMAND_CHARS = 4_000  # longer commands are heredocs or generated scripts: read their head only

SHELL_TOOLS = frozenset(
    {
        "bash",
        "shell",
        "shell_command",
        "local_shell",
        "exec_command",
        "run_shell_command",
        "container.exec",
        "terminal",
        "powershell",
    }
)
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&", ";&", "&;"})
_WRAPPERS = frozenset({"sudo", "time", "nohup", "env", "command", "exec", "builtin", "stdbuf"})
_NAVIGATION = frozenset({"cd", "pushd", "popd", "export", "source", ".", "set", "unset", "sleep", "true", ":"})
_NESTING = frozenset({"run", "exec", "compose", "x", "dlx", "-m", "tool", "workspace"})
_WORD = re.compile(r"^[a-z][a-z0-9_:+-]*(\.[a-z][a-z0-9_-]*)*$")
_FILE_EXT = re.compile(
    r"\.(py|pyi|js|mjs|cjs|ts|tsx|jsx|sh|bash|rb|go|rs|java|kt|c|h|cc|cpp|hpp|cs|php|ex|exs|erl|swift|"
    r"json|ya?ml|toml|txt|md|rst|html?|css|scss|lock|cfg|ini|conf|xml|csv|sql|log|env|out)$"
)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_NUMBER = re.compile(r"^\d+([.:]\d+)*[a-z]{0,2}$")
_HEXISH = re.compile(r"^[0-9a-f]{7,}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://")
_MESSAGE_FLAGS = frozenset({"-m", "--message", "-c", "--body", "--title", "-e", "--description"})
_MESSAGE_PROGRAMS = frozenset({"git", "hg", "svn", "jj", "sl", "gh", "glab"})  # where ``-m`` is a message
_PROSE_WORD = re.compile(r"([A-Za-z]{3,})\s+['\"`]?([^\s'\"`]+)")


def shell_command(event: Event) -> str | None:
    """The command line of a shell tool call, or None for any other tool."""
    if event.tool_name is not None and event.tool_name.lower() not in SHELL_TOOLS:
        return None
    return command_from_input(event.tool_input)


def command_from_input(tool_input: dict[str, Any] | None) -> str | None:
    if not tool_input:
        return None
    for name in ("command", "cmd"):
        value = tool_input.get(name)
        if isinstance(value, str) and value.strip():
            return value[:MAX_COMMAND_CHARS]
        if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
            words: list[str] = value
            # Codex wraps commands as ["bash", "-lc", "<command>"]
            if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in {"bash", "sh", "zsh"} and words[1] in {"-lc", "-c"}:
                return words[2][:MAX_COMMAND_CHARS]
            return shlex.join(words)[:MAX_COMMAND_CHARS]
    return None


def tokens(command: str) -> list[str]:
    """Words and operators (``;`` stands for an unquoted newline). Unbalanced quotes (heredocs,
    truncated input) fall back to whitespace splitting."""
    text = _REDIRECT.sub(" ", _newlines_to_separators(_without_heredocs(command).replace("\\\n", " ")))
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return text.split()


_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")


def _without_heredocs(command: str) -> str:
    """A heredoc's body is a file's or a patch's text, not commands: keep ``cat <<EOF`` and drop the body."""
    if "<<" not in command:
        return command
    lines = command.split("\n")
    kept: list[str] = []
    ending: list[str] = []
    for line in lines:
        if ending:
            if line.strip() == ending[0]:
                ending.pop(0)
            continue
        ending = [match.group(2) for match in _HEREDOC.finditer(line)]
        kept.append(_HEREDOC.sub(" ", line))
    return "\n".join(kept)


_REDIRECT = re.compile(r"(?<!\S)(\d?>&\d|&>>?\s*\S+|\d?>>?\s*\S+|<\s*/dev/null)")


def _newlines_to_separators(command: str) -> str:
    """Unquoted newlines become ``;`` and comments are dropped, so a script splits into commands."""
    out: list[str] = []
    quote = ""
    escaped = comment = False
    for char in command:
        if comment:
            comment = char != "\n"
            if comment:
                continue
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (not out or out[-1][-1] in " \t;"):
            comment = True
            continue
        if char == "\n" and not quote:
            out.append(" ; ")
            continue
        out.append(char)
    return "".join(out)


def segments(command: str) -> list[list[str]]:
    """Simple commands, split at ``&&``, ``||``, ``;``, pipes and newlines."""
    return [list(part) for part in _segments(command)]


@lru_cache(maxsize=4096)
def _split(command: str) -> tuple[list[str], ...]:
    # Every extractor asks about the same commands; shlex is the slowest step of distillation.
    parts: list[list[str]] = [[]]
    for token in tokens(command):
        if token in _OPERATORS:
            parts.append([])
        else:
            parts[-1].append(token)
    return tuple(parts)


@lru_cache(maxsize=4096)
def _segments(command: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(unwrapped) for part in _split(command) if (unwrapped := _unwrap(part)))


def _unwrap(part: list[str]) -> list[str]:
    index = 0
    while index < len(part) and (_ASSIGNMENT.match(part[index]) or part[index] in _WRAPPERS):
        index += 1
    if index < len(part) and part[index] == "timeout" and index + 1 < len(part):
        index += 2
    return part[index:]


def essential(command: str) -> list[str]:
    """The tokens of the segments that do the work: no navigation, no output filters after a pipe."""
    kept: list[str] = []
    for _, part in working_parts(command):
        if kept:
            kept.append("&&")
        kept.extend(part)
    return kept


def working_parts(command: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The segments that do the work, each as (its leading environment assignments, the command)."""
    return _working_parts(command)


_FILTERS = frozenset({"head", "tail", "grep", "less", "cat", "tee", "wc", "sort"})


@lru_cache(maxsize=4096)
def _working_parts(command: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    kept: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for index, part in enumerate(part for part in _split(command) if _unwrap(part)):
        unwrapped = _unwrap(part)
        if _program(unwrapped) in _NAVIGATION or (index > 0 and kept and _program(unwrapped) in _FILTERS):
            continue
        assignments = tuple(token for token in part[: len(part) - len(unwrapped)] if _ASSIGNMENT.match(token))
        kept.append((assignments, tuple(unwrapped)))
    return tuple(kept)


def invocation(command: str) -> str:
    """The first command that does the work exactly as invoked (environment assignments and flags
    included, this session's values generalised): ``TEST_DB=<url> make test-integration``."""
    part: list[str] = []
    for token in [*tokens(command), ";"]:
        if token not in _OPERATORS:
            part.append(token)
            continue
        if _program(_unwrap(part)) not in _NAVIGATION and _unwrap(part):
            return render([part[0], *generalise(part)[1:]]) if part else ""
        part = []
    return ""


_OTHER_CACHES: list[Callable[[], None]] = []


def also_clear(clear: Callable[[], None]) -> None:
    """Caches built on these commands (``canonical``) are cleared with them."""
    _OTHER_CACHES.append(clear)


def clear_cache() -> None:
    for clear in _OTHER_CACHES:
        clear()
    _split.cache_clear()
    _segments.cache_clear()
    _working_parts.cache_clear()


def main_segment(command: str) -> list[str]:
    """The first simple command that does the work."""
    for part in segments(command):
        if _program(part) not in _NAVIGATION:
            return part
    return []


def program_as_written(token: str) -> str:
    """``.venv/bin/pip`` stays itself (which pip is the point); ``/usr/bin/python3`` is ``python3``."""
    return token.rsplit("/", 1)[-1] if token.startswith("/") else token


def command_form(part: Sequence[str], limit: int = 6) -> str:
    """How to run a command, without this session's arguments: ``python -m pytest -v``."""
    kept = [
        token
        for token in generalise(part)
        if not (
            token in {"<path>", "<message>", "<url>"}
            or "/" in token[1:]
            or _FILE_EXT.search(token)
            or (token.startswith("-") and "=" in token)  # --fixture=x: this run's choice, not how to run it
        )
    ]
    return render(kept[:limit])


def _program(part: Sequence[str]) -> str:
    return part[0].rsplit("/", 1)[-1].lower() if part else ""


def signature(part: Sequence[str]) -> str:
    """Program plus subcommand: ``git push``, ``npm run build``, ``python -m pytest``, ``make check``.

    Global options before the subcommand are skipped (``git -c k=v push`` is ``git push``)."""
    if not part:
        return ""
    words = [_program(part)]
    rest = list(part[1:])
    while rest and len(words) < 4:
        token = rest[0]
        if token in _NESTING and len(rest) > 1:
            words.extend(rest[:2])
            rest = rest[2:]
            continue
        if len(words) == 1 and token.startswith("-") and len(rest) > 1:
            rest = rest[2:] if _is_option_value(rest[1]) else rest[1:]
            continue
        if is_subcommand(token) and len(words) == 1:
            words.append(token)
            rest = rest[1:]
            if token in _NESTING:
                continue
        break
    return " ".join(words)


def _is_option_value(token: str) -> bool:
    return "=" in token or "/" in token or "\\" in token or token.isdigit()


def is_subcommand(token: str) -> bool:
    return bool(_WORD.match(token)) and not _FILE_EXT.search(token)


def generalise(part: Sequence[str], error_text: str = "") -> list[str]:
    """Replace one session's values with placeholders; keep program, subcommands and flags."""
    named = values_named_in(error_text)
    result: list[str] = []
    previous = ""
    messages = _MESSAGE_FLAGS if _program(part) in _MESSAGE_PROGRAMS else _MESSAGE_FLAGS - {"-m", "-c", "-e"}
    for index, token in enumerate(part):
        result.append(_placeholder(token, previous, named, messages) if index > 0 else program_as_written(token))
        previous = token
    return result


def _placeholder(token: str, previous: str, named: dict[str, str], messages: frozenset[str]) -> str:
    if previous in messages and (" " in token or previous in {"-m", "--message"}):
        return "<message>"
    if token in named:
        return f"<{named[token]}>"
    if _URL.match(token):
        return "<url>"
    if token.startswith(("/", "~/")) or re.match(r"^[A-Za-z]:[\\/]", token):
        return "<path>"
    if _NUMBER.match(token) or _HEXISH.match(token):
        return "<n>" if _NUMBER.match(token) else "<hash>"
    return token


def values_named_in(error_text: str) -> dict[str, str]:
    """Values that the error message names in prose ("The current branch feature-x has ..."):
    they are this session's values, and the word before them says what they are."""
    named: dict[str, str] = {}
    for line in error_text.splitlines()[:40]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("$", "git ", "npm ", "-")):
            continue  # a suggested command line, not prose
        for noun, value in _PROSE_WORD.findall(stripped):
            if noun.lower() in {"branch", "remote", "tag", "version", "module", "package", "file", "user", "host"}:
                named.setdefault(value.rstrip(".,:;"), noun.lower())
    return named


def render(part: Sequence[str]) -> str:
    return " ".join(token if token.startswith("<") and token.endswith(">") else _quote(token) for token in part)


def _quote(token: str) -> str:
    return token if re.fullmatch(r"[\w@%+=:,./<>-]+", token) else shlex.quote(token)


def similarity(first: Sequence[str], second: Sequence[str]) -> float:
    """Token-level similarity in [0, 1], with partial credit for near-identical tokens."""
    if not first or not second:
        return 0.0
    matcher = SequenceMatcher(a=list(first), b=list(second), autojunk=False)
    matched = float(sum(block.size for block in matcher.get_matching_blocks()))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            for left, right in zip(first[i1:i2], second[j1:j2], strict=False):
                ratio = SequenceMatcher(a=left, b=right).ratio()
                matched += ratio if ratio >= 0.6 else 0.0
    return 2 * matched / (len(first) + len(second))


ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("format", re.compile(r"\b(fmt|format|prettier|black|gofmt|rustfmt|isort|autopep8|yapf|dprint|stylua)\b")),
    ("typecheck", re.compile(r"\b(mypy|pyright|pytype|tsc|typecheck|type-check|dialyzer|dialyxir)\b")),
    (
        "test",
        re.compile(
            r"\b(test|tests|pytest|jest|vitest|mocha|rspec|phpunit|ctest|tox|nox|spec|llvm-cov|coverage|nextest|"
            r"gotestsum|unittest|nose2|ava|karma|minitest|bats)\b"
        ),
    ),
    (
        "lint",
        # pre-commit runs the project's linters (and formatters) as hooks: a way of linting, as recall reads it
        re.compile(
            r"\b(lint|ruff|eslint|flake8|pylint|clippy|credo|rubocop|golangci-lint|shellcheck|stylelint|pre-commit|"
            r"biome|oxlint|hadolint|staticcheck|revive|ktlint|detekt|swiftlint|markdownlint|yamllint)\b"
        ),
    ),
    ("check", re.compile(r"\b(check|verify|ci|precommit|validate)\b")),
    ("build", re.compile(r"\b(build|compile|webpack|bundle|assemble|dist)\b")),
)
_INSPECTION_WORDS = """
    ls cat head tail grep rg find pwd echo which wc less tree file stat du df whoami date env printenv type
    realpath readlink sed awk diff jq curl ps id uname hostname open xdg-open start printf test
"""
INSPECTION = frozenset(_INSPECTION_WORDS.split())
_GIT_INSPECTION = frozenset({"status", "log", "diff", "show", "branch", "remote", "rev-parse", "config", "blame"})


def role(sig: str) -> str | None:
    """What a command is for in a project: test, lint, format, typecheck, check, build; None otherwise."""
    words = sig.split()
    if not words or words[0] in INSPECTION or words[0] in {"git", "gh", "cd", "mkdir", "rm", "cp", "mv"}:
        return None
    for name, pattern in ROLES:
        if pattern.search(sig):
            return name
    return None


def is_inspection(sig: str) -> bool:
    """Commands that look around rather than change or verify anything."""
    words = sig.split()
    if not words:
        return True
    return words[0] in INSPECTION or (words[0] == "git" and (len(words) == 1 or words[1] in _GIT_INSPECTION))
