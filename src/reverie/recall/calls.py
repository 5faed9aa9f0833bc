"""What a tool call puts in play: the commands it runs, the paths it touches, the tool itself.

A lesson's trigger names command prefixes (``git push``, ``npm``), path globs (``migrations/**``),
tools and keywords. Before a call runs, recall turns the call into the same vocabulary and looks the
lesson up by *trigger keys*, exact strings indexed in the recall index:

* ``c:<prefix>``  every prefix of up to four words of every simple command in a shell line, after
  unwrapping noise (``cd x && FOO=1 sudo npm test | tail`` yields ``c:npm``, ``c:npm test``, ...);
* ``p:<segment>`` every segment of every path in play, and ``x:<extension>`` its extension; a glob is
  indexed under its most specific literal segment (``migrations/**`` under ``p:migrations``), so the
  lookup finds candidates and :func:`glob_matches` confirms them;
* ``t:<tool>``    the tool name, for lessons about a tool rather than a command;
* ``k:<term>``    the call's words, for lessons triggered by keywords.

A glob without a leading ``/`` matches any tail of the path (``migrations/**`` matches
``/home/me/app/migrations/0001.py``): agents pass absolute paths, lessons name project-relative ones.

Standard library only, without ``re``, ``shlex`` or ``fnmatch`` (each imports ``re``): the small shell
splitter and glob matcher below cover what agents actually run.
"""

from __future__ import annotations

from reverie import normal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MAX_PREFIX_WORDS = 4
MAX_COMMAND_CHARS = 4_000
MAX_PATHS = 32
_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "\n")
_WRAPPERS = frozenset({"sudo", "time", "nohup", "env", "command", "exec", "builtin", "stdbuf", "nice", "xargs"})
_NAVIGATION = frozenset({"cd", "pushd", "popd", "export", "source", ".", "set", "unset", "true", ":"})
_PATH_KEYS = ("file_path", "notebook_path", "path", "filePath")
_PATCH_MARKERS = ("*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: ")
_WILDCARDS = "*?["


class CallInPlay:
    """The parts of one tool call that triggers can match."""

    __slots__ = ("commands", "paths", "tokens", "tool", "words")

    def __init__(
        self, tool: str, commands: list[list[str]], paths: list[str], words: list[str], tokens: list[str] | None = None
    ) -> None:
        self.tool = tool
        self.commands = commands  # simple commands, each a token list, program first
        self.paths = paths
        self.words = words
        self.tokens = tokens or []  # the shell line's words as written: assignments and operators too

    def keys(self) -> list[str]:
        """The trigger keys to look up, most specific first."""
        keys: list[str] = []
        for command in self.commands:
            keys.extend("c:" + prefix for prefix in prefixes(command))
        for path in self.paths:
            keys.extend(path_keys(path))
        keys.append("t:" + self.tool.lower())
        keys.extend("k:" + word for word in self.words)
        return list(dict.fromkeys(keys))

    def describe(self) -> str:
        """A short label for the call, for the injected text: ``npm test``, ``Edit src/app.py``."""
        if self.commands:
            return " ".join(self.commands[0][:MAX_PREFIX_WORDS])
        if self.paths:
            return f"{self.tool} {self.paths[0]}"
        return self.tool


def call_in_play(tool_name: str, tool_input: object) -> CallInPlay:
    fields = tool_input if isinstance(tool_input, dict) else {}
    command = _command_text(fields)
    commands = [part for part in simple_commands(command) if _program(part) not in _NAVIGATION] if command else []
    paths = _paths(fields, commands)
    text = " ".join(filter(None, (command or "", " ".join(paths))))
    tokens = _tokens(command) if command else []
    return CallInPlay(tool_name or "", commands, paths, normal.query_terms(text), tokens)


def _command_text(fields: Mapping[str, object]) -> str | None:
    for name in ("command", "cmd"):
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return value[:MAX_COMMAND_CHARS]
        if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
            # Codex wraps commands as ["bash", "-lc", "<command>"]
            if len(value) >= 3 and value[0].rsplit("/", 1)[-1] in ("bash", "sh", "zsh") and value[1] in ("-lc", "-c"):
                return str(value[2])[:MAX_COMMAND_CHARS]
            return " ".join(str(part) for part in value)[:MAX_COMMAND_CHARS]
    return None


def _paths(fields: Mapping[str, object], commands: list[list[str]]) -> list[str]:
    found: list[str] = [value for key in _PATH_KEYS if isinstance(value := fields.get(key), str) and value]
    for value in fields.values():
        if isinstance(value, str) and "*** " in value:  # an apply_patch body names its files
            for line in value.splitlines():
                found.extend(line[len(m) :].strip() for m in _PATCH_MARKERS if line.startswith(m))
    for command in commands:
        found.extend(token for token in command[1:] if _looks_like_path(token))
    return list(dict.fromkeys(path for path in found if path))[:MAX_PATHS]


def _looks_like_path(token: str) -> bool:
    if token.startswith("-") or "://" in token:
        return False
    return "/" in token or ("." in token.strip(".") and not token.replace(".", "").isdigit())


# ---------------------------------------------------------------------------------------------------
# Shell lines


def simple_commands(line: str) -> list[list[str]]:
    """The simple commands of a shell line, split at operators, with env assignments and wrappers
    (``sudo``, ``time``, ``timeout 5``) removed. Unbalanced quotes end the word at the line's end."""
    commands: list[list[str]] = [[]]
    for token in _tokens(line):
        if token in _OPERATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [unwrapped for command in commands if (unwrapped := _unwrap(command))]


def _tokens(line: str) -> list[str]:
    tokens: list[str] = []
    word: list[str] = []
    quote = ""
    started = False
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and index + 1 < len(line):
                index += 1
                word.append(line[index])
            else:
                word.append(char)
        elif char == "\\" and index + 1 < len(line):
            index += 1
            if line[index] != "\n":
                word.append(line[index])
                started = True
        elif char in "'\"":
            quote, started = char, True
        elif char == "#" and not started and not word:
            while index < len(line) and line[index] != "\n":
                index += 1
            continue
        elif char in " \t\r" or char in "&|;\n()":
            if started or word:
                tokens.append("".join(word))
                word, started = [], False
            operator = _operator_at(line, index)
            if operator:
                tokens.append(operator)
                index += len(operator)
                continue
        elif char in "<>":  # a redirection: the file after it is not an argument of the program
            if (started or word) and not "".join(word).isdigit():  # "2>" names a descriptor, not a word
                tokens.append("".join(word))
            word, started = [], False
            index = _skip_redirect(line, index)
            continue
        else:
            word.append(char)
            started = True
        index += 1
    if started or word:
        tokens.append("".join(word))
    return tokens


def _operator_at(line: str, index: int) -> str | None:
    for operator in _OPERATORS:
        if line.startswith(operator, index):
            return operator
    return None


def _skip_redirect(line: str, index: int) -> int:
    """Past ``>``, ``>>``, ``2>&1``, ``< file`` and the file name that follows."""
    while index < len(line) and line[index] in "<>&":
        index += 1
    if index < len(line) and line[index].isdigit() and line[index - 1] == "&":
        return index + 1
    while index < len(line) and line[index] in " \t":
        index += 1
    while index < len(line) and line[index] not in " \t\n;&|()":
        index += 1
    return index


def _unwrap(command: list[str]) -> list[str]:
    index = 0
    while index < len(command):
        token = command[index]
        if _is_assignment(token) or token in _WRAPPERS or (token.startswith("-") and index and command[0] in _WRAPPERS):
            index += 1
        elif token == "timeout" and index + 1 < len(command):
            index += 2
        else:
            break
    words = command[index:]
    if words and ("(" in words[0] or ")" in words[0]):
        return []
    return words


def _is_assignment(token: str) -> bool:
    name, equals, _ = token.partition("=")
    return bool(equals) and bool(name) and (name[0].isalpha() or name[0] == "_") and name.replace("_", "a").isalnum()


def _program(command: list[str]) -> str:
    return command[0].rsplit("/", 1)[-1].lower() if command else ""


def prefixes(command: list[str]) -> list[str]:
    """``["npm", "run", "test"]`` -> ``npm run test``, ``npm run``, ``npm``: longest first, program
    reduced to its base name and lower case, so ``/usr/bin/Python3`` reads ``python3``."""
    if not command:
        return []
    words = [_program(command), *command[1:MAX_PREFIX_WORDS]]
    return [" ".join(words[:size]) for size in range(len(words), 0, -1)]


def normalise_prefix(prefix: str) -> str:
    """A trigger's command prefix as the index keys it (the same shape :func:`prefixes` yields)."""
    parts = simple_commands(prefix)
    return prefixes(parts[0])[0] if parts else ""


# ---------------------------------------------------------------------------------------------------
# Paths and globs


def path_segments(path: str) -> list[str]:
    return [segment for segment in path.replace("\\", "/").lower().split("/") if segment not in ("", ".")]


def path_keys(path: str) -> list[str]:
    segments = path_segments(path)
    keys = ["p:" + segment for segment in segments]
    if segments and "." in segments[-1].strip("."):
        keys.append("x:" + segments[-1].rsplit(".", 1)[-1])
    keys.append("p:*")
    return keys


def glob_key(glob: str) -> str:
    """Where a glob is indexed: its last literal segment, else its extension, else everywhere."""
    segments = path_segments(glob)
    literal = [segment for segment in segments if not any(char in segment for char in _WILDCARDS)]
    if literal:
        return "p:" + literal[-1]
    last = segments[-1] if segments else ""
    if last.startswith("*.") and not any(char in last[2:] for char in _WILDCARDS):
        return "x:" + last[2:]
    return "p:*"


def glob_matches(glob: str, path: str) -> bool:
    """Whether ``path`` (or, for a relative glob, any tail of it) matches ``glob``; case-insensitive."""
    pattern = path_segments(glob)
    segments = path_segments(path)
    if not pattern:
        return False
    if glob.replace("\\", "/").startswith("/"):
        return _match_segments(pattern, segments)
    return any(_match_segments(pattern, segments[start:]) for start in range(len(segments)))


def _match_segments(pattern: list[str], segments: list[str]) -> bool:
    if not pattern:
        return not segments
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match_segments(rest, segments[skip:]) for skip in range(len(segments) + 1))
    return bool(segments) and _match_name(head, segments[0]) and _match_segments(rest, segments[1:])


def _match_name(pattern: str, name: str) -> bool:
    """``*``, ``?`` and ``[abc]`` / ``[!abc]`` / ``[a-z]`` within one path segment."""
    if not pattern:
        return not name
    char = pattern[0]
    if char == "*":
        return any(_match_name(pattern[1:], name[skip:]) for skip in range(len(name) + 1))
    if not name:
        return False
    if char == "?":
        return _match_name(pattern[1:], name[1:])
    if char == "[" and "]" in pattern[2:]:
        end = pattern.index("]", 2)
        return _in_class(pattern[1:end], name[0]) and _match_name(pattern[end + 1 :], name[1:])
    return char == name[0] and _match_name(pattern[1:], name[1:])


def _in_class(spec: str, char: str) -> bool:
    negate = spec[:1] in ("!", "^")
    spec = spec[1:] if negate else spec
    found = False
    index = 0
    while index < len(spec):
        if index + 2 < len(spec) and spec[index + 1] == "-":
            found = found or spec[index] <= char <= spec[index + 2]
            index += 3
        else:
            found = found or spec[index] == char
            index += 1
    return found != negate


def any_glob_matches(globs: Iterable[str], paths: Iterable[str]) -> str | None:
    """The first glob that matches one of the paths."""
    candidates = list(paths)
    return next((glob for glob in globs if any(glob_matches(glob, path) for path in candidates)), None)
