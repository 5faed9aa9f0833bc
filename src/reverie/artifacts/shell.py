"""The shell, as a hook must read it: what a command line runs, and what it writes.

A hook must judge what a command does, not how it is spelled, so it reads the line the way the shell
would: ``shlex`` (the standard library's POSIX lexer) splits words and operators; ``;``, ``&&``,
``||``, pipes and subshell parentheses separate simple commands; ``cd DIR`` moves the folder that
later relative paths resolve against; wrappers (``sudo``, ``env``, ``timeout 5``, ``xargs``, ...)
and variable assignments are looked through; ``sh -c '...'``, ``eval ...``, ``find -exec ...`` and
command substitutions are parsed as commands of their own. A word the shell computes (``$(...)``,
a backquote, ``$VAR``) is *dynamic*: it may stand for anything. A line the lexer cannot read (an
unclosed quote) gives no commands, so the hook fails open on it.

Standard library only, and Python 3.9: ``hook_script.render_script`` copies this module into every
compiled hook (where enforce.py imports it), so a hook committed to a repository runs without reverie.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shlex
from collections.abc import Iterator

DYNAMIC = "\x00dynamic\x00"
_MAX_DEPTH = 4
_CONTROL = {";", "&&", "||", "|", "|&", "&", ";;", "(", ")", "!"}
_WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", ">&", "<>"}
_READ_REDIRECTS = {"<", "<<", "<<<", "<&"}
_WRAPPERS = {"sudo", "doas", "env", "command", "builtin", "exec", "time", "nohup", "nice", "ionice", "stdbuf"}
_WRAPPERS_WITH_ARGUMENT = {"timeout": 1, "xargs": 0, "chronic": 0, "unbuffer": 0}
_OPTION_ARGUMENTS = {  # options of wrappers that take the next word as their value
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"},
    "env": {"-u", "-C", "-S"},
    "nice": {"-n"},
    "ionice": {"-c", "-n", "-p"},
    "timeout": {"-k", "-s", "--kill-after", "--signal"},
    "xargs": {"-I", "-i", "-n", "-L", "-l", "-P", "-d", "-a", "-E", "-e", "-s", "--delimiter", "--arg-file"},
}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh"}
_FIND_WRITES = {"-delete", "-exec", "-execdir", "-ok", "-okdir"}  # a find that acts on what it finds
_GIT_GLOBAL_WITH_VALUE = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"}
_FLAG_ALIASES = {  # short and long spellings of one flag, per command (program and subcommand)
    "git push": {"-f": "--force", "-u": "--set-upstream", "-d": "--delete", "-n": "--dry-run"},
    "git commit": {"-n": "--no-verify", "-a": "--all", "-m": "--message"},
    "git clean": {"-f": "--force", "-d": "-d", "-x": "-x"},
    "git reset": {},
    "rm": {"-r": "--recursive", "-R": "--recursive", "-f": "--force"},
    "npm install": {"-g": "--global", "-D": "--save-dev"},
    "pip install": {"-U": "--upgrade", "-r": "--requirement", "-e": "--editable"},
}
_SUBCOMMAND_ALIASES = {"npm": {"i": "install", "add": "install", "t": "test"}, "pnpm": {"i": "install"}}
_PATH_LITERAL = re.compile(
    r"""(?:open|Path|unlink|remove|rmtree|rmdir|makedirs|mkdir|writeFileSync|appendFileSync|rmSync|unlinkSync)"""
    r"""\s*\(\s*(['"])([^'"]+)\1"""
)
_WRITES_CODE = re.compile(r"""['"][wax]b?\+?['"]|write_text|write_bytes|unlink|remove|rmtree|rmdir|mkdir|Sync\(""")


class Simple:
    """One simple command: its words (wrappers removed), the files it redirects into, its folder."""

    __slots__ = ("argv", "cwd", "redirected")

    def __init__(self, argv: list[str], redirected: list[str], cwd: str) -> None:
        self.argv = argv
        self.redirected = redirected
        self.cwd = cwd


def simple_commands(command: str, cwd: str = "", depth: int = 0) -> list[Simple]:
    """Every simple command the line runs, nested ones included; [] for a line the lexer cannot read."""
    if depth > _MAX_DEPTH or not command.strip():
        return []
    outer, nested = _substitutions(command)
    try:
        lexer = shlex.shlex(outer, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        tokens = list(lexer)
    except ValueError:
        return []
    found: list[Simple] = []
    for inner in nested:
        found.extend(simple_commands(inner, cwd, depth + 1))
    for segment in _segments(tokens):
        argv, redirected = _redirections(segment)
        argv = _unwrapped(argv)
        if not argv:
            found.append(Simple([], redirected, cwd))
            continue
        if argv[0] == "cd" and len(argv) > 1 and DYNAMIC not in argv[1]:
            cwd = _join(cwd, argv[1])
        found.append(Simple(argv, redirected, cwd))
        for text in _commands_inside(argv):
            found.extend(simple_commands(text, cwd, depth + 1))
    return found


def _substitutions(command: str) -> tuple[str, list[str]]:
    """The line with each ``$(...)``, backquote and ``$VAR`` replaced by a dynamic word, and the texts of
    the substituted commands; unquoted newlines become ``;``. Single quotes keep everything literal."""
    out: list[str] = []
    nested: list[str] = []
    index, quote = 0, ""
    while index < len(command):
        char = command[index]
        if quote == "'":
            quote = "" if char == "'" else quote
        elif char == "\\" and index + 1 < len(command):
            out.append(command[index : index + 2])
            index += 2
            continue
        elif char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
        elif command.startswith("$(", index) or char == "`":
            end = _closing(command, index)
            nested.append(command[index + 2 if char == "$" else index + 1 : end])
            out.append(DYNAMIC)
            index = end + 1
            continue
        elif char == "$" and index + 1 < len(command) and (command[index + 1].isalnum() or command[index + 1] in "_{"):
            end = index + 1
            while end < len(command) and (command[end].isalnum() or command[end] in "_{}"):
                end += 1
            out.append(DYNAMIC)
            index = end
            continue
        elif char == "\n" and not quote:
            char = ";"
        out.append(char)
        index += 1
    return "".join(out), nested


def _closing(command: str, start: int) -> int:
    """The index of the ``)`` or backquote that closes the substitution opened at ``start``."""
    if command[start] == "`":
        end = command.find("`", start + 1)
        return end if end != -1 else len(command)
    depth, index = 0, start + 1
    while index < len(command):
        if command[index] == "(":
            depth += 1
        elif command[index] == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(command)


def _segments(tokens: list[str]) -> Iterator[list[str]]:
    segment: list[str] = []
    for token in tokens:
        if token in _CONTROL:
            if segment:
                yield segment
            segment = []
        else:
            segment.append(token)
    if segment:
        yield segment


def _redirections(segment: list[str]) -> tuple[list[str], list[str]]:
    """(the words, the files written by redirection). ``2>&1`` duplicates a descriptor: no file."""
    words: list[str] = []
    written: list[str] = []
    index = 0
    while index < len(segment):
        token = segment[index]
        if token in _WRITE_REDIRECTS or token in _READ_REDIRECTS:
            if words and words[-1].isdigit():
                words.pop()  # the descriptor number of "2>"
            target = segment[index + 1] if index + 1 < len(segment) else ""
            if token in _WRITE_REDIRECTS and target and not target.isdigit() and target != "-":
                written.append(target)
            index += 2
            continue
        words.append(token)
        index += 1
    return words, written


def _unwrapped(words: list[str]) -> list[str]:
    while words:
        name = os.path.basename(words[0])
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        elif name in _WRAPPERS or name in _WRAPPERS_WITH_ARGUMENT:
            words = _after_options(words[1:], _OPTION_ARGUMENTS.get(name, set()))
            words = words[_WRAPPERS_WITH_ARGUMENT.get(name, 0) :]
        else:
            break
    return words


def _after_options(words: list[str], taking_value: set[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != "-":
        index += 2 if words[index] in taking_value else 1
    while index < len(words) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[index]):
        index += 1  # env NAME=value cmd
    return words[index:]


def _commands_inside(argv: list[str]) -> list[str]:
    """Command lines that this command runs: ``sh -c TEXT``, ``eval WORDS``, ``find ... -exec CMD ;``."""
    name = os.path.basename(argv[0])
    if name in _SHELLS:
        flag = next((n for n, word in enumerate(argv[1:], 1) if re.match(r"^-[a-z]*c[a-z]*$", word)), None)
        return [argv[flag + 1]] if flag is not None and flag + 1 < len(argv) else []
    if name == "eval":
        return [" ".join(argv[1:])]
    if name == "find":
        inside = []
        for number, word in enumerate(argv):
            if word in ("-exec", "-execdir", "-ok", "-okdir"):
                rest = argv[number + 1 :]
                end = next((n for n, w in enumerate(rest) if w in (";", "+", "\\;")), len(rest))
                inside.append(" ".join(shlex.quote(w) for w in rest[:end] if w != "{}"))
        return inside
    return []


def _join(cwd: str, path: str) -> str:
    if path.startswith("~") or DYNAMIC in path:
        return cwd
    return os.path.normpath(os.path.join(cwd or ".", path))


def _canonical(words: list[str], subcommand: str = "") -> tuple[list[str], bool]:
    """One spelling per command: the program's name, git's global options dropped, subcommand aliases
    resolved, combined short flags split (``-rf`` is ``-r -f``), each flag in its long form, and a
    ``+refspec`` of ``git push`` read as ``--force``. A dynamic subcommand is read as ``subcommand``
    (the one the pattern names); the second value says whether that was assumed."""
    if not words:
        return [], False
    program = os.path.basename(words[0])
    rest = _without_git_globals(words[1:]) if program == "git" else words[1:]
    assumed = bool(rest and subcommand and DYNAMIC in rest[0])
    if assumed:
        rest = [subcommand, *rest[1:]]
    if rest and program in _SUBCOMMAND_ALIASES:
        rest = [_SUBCOMMAND_ALIASES[program].get(rest[0], rest[0]), *rest[1:]]
    key = f"{program} {rest[0]}" if rest and f"{program} {rest[0]}" in _FLAG_ALIASES else program
    aliases = _FLAG_ALIASES.get(key, {})
    canonical = [program]
    for word in rest:
        if re.match(r"^-[A-Za-z]{2,}$", word) and aliases:
            canonical.extend(aliases.get(f"-{letter}", f"-{letter}") for letter in word[1:])
        else:
            canonical.append(aliases.get(word, word))
    if key == "git push" and any(word.startswith("+") and len(word) > 1 for word in rest):
        canonical.append("--force")
    return canonical, assumed


def _without_git_globals(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-"):
        name = words[index].split("=", 1)[0]
        index += 2 if name in _GIT_GLOBAL_WITH_VALUE and "=" not in words[index] else 1
    return words[index:]


def runs(words: list[str], pattern: str) -> bool:
    """Whether one simple command runs ``pattern``: the same program, the pattern's other words as the
    first arguments in order, and each of its flags somewhere (``--flag`` or ``--flag=value``). A
    dynamic word may stand for any word, but something concrete besides the program must match too."""
    try:
        wanted, _ = _canonical(shlex.split(pattern))
    except ValueError:
        wanted, _ = _canonical(pattern.split())
    subcommand = wanted[1] if len(wanted) > 1 and not wanted[1].startswith("-") else ""
    have, assumed = _canonical(words, subcommand)
    if not wanted or not have or (have[0] != wanted[0] and DYNAMIC not in have[0]):
        return False
    positional = [word for word in have[1:] if not word.startswith("-")]
    flags = [word for word in have[1:] if word.startswith("-")]
    wanted_positional = [word for word in wanted[1:] if not word.startswith("-")]
    wanted_flags = [word for word in wanted[1:] if word.startswith("-")]
    if len(positional) < len(wanted_positional):
        return False
    concrete = -1 if assumed else 0
    for index, want in enumerate(wanted_positional):  # no zip(strict=): this runs on Python 3.9
        word = positional[index]
        if DYNAMIC in word:
            continue
        if word != want:
            return False
        concrete += 1
    for want in wanted_flags:
        if not any(flag == want or flag.startswith(want + "=") for flag in flags):
            return False
        concrete += 1
    return concrete > 0 or have[0] == wanted[0]


@functools.lru_cache(maxsize=8)
def _parsed(command: str, cwd: str) -> tuple[Simple, ...]:
    """One parse per line: a compiled script asks about the same call once for each of its lessons."""
    return tuple(simple_commands(command, cwd))


def matching_command(command: str, patterns: list[str]) -> str | None:
    for simple in _parsed(command, ""):
        for pattern in patterns:
            if simple.argv and runs(simple.argv, pattern):
                return pattern
    return None


def written_paths(command: str, cwd: str) -> list[str]:
    """Every file or folder the line writes, moves, deletes or changes the mode of, resolved against
    ``cwd`` and the ``cd`` s before it. Reads are not writes: ``cat``, ``grep``, ``cp`` from a folder."""
    found: list[str] = []
    for simple in _parsed(command, cwd):
        targets = simple.redirected + _written_by(simple.argv)
        found.extend(_join(simple.cwd, target) for target in targets if target and DYNAMIC not in target)
    return found


def _written_by(argv: list[str]) -> list[str]:
    if not argv:
        return []
    name = os.path.basename(argv[0])
    operands = [word for word in argv[1:] if not word.startswith("-")]
    if name in ("rm", "rmdir", "unlink", "touch", "mkdir", "truncate", "shred", "tee", "mv"):
        return [word for word in operands if not (name == "truncate" and word.isdigit())]
    if name in ("chmod", "chown", "chgrp"):
        return _mode_operands(argv[1:])[1:]
    if name == "find" and any(word in _FIND_WRITES for word in argv[1:]):
        return list(itertools.takewhile(lambda word: not word.startswith(("-", "(", "!")), argv[1:]))
    if name in ("cp", "install", "ln", "rsync", "scp"):
        target = next((argv[n + 1] for n, w in enumerate(argv[:-1]) if w in ("-t", "--target-directory")), None)
        return [target] if target else operands[-1:]
    if name == "dd":
        return [word[3:] for word in argv[1:] if word.startswith("of=")]
    if name in ("sed", "perl", "ruby") and any(_in_place(word) for word in argv[1:]):
        scripted = any(word in ("-e", "-f", "--expression", "--file") for word in argv[1:])
        return operands if scripted else operands[1:]
    if name == "git" and len(operands) > 1 and operands[0] in ("rm", "mv", "checkout", "restore"):
        return operands[1:]
    if re.match(r"^(?:python[\d.]*|node|deno|bun|perl|ruby)$", name):
        return _written_by_code(argv)
    return []


def _mode_operands(words: list[str]) -> list[str]:
    """The mode (or owner) and files of chmod/chown/chgrp: ``-w`` is a mode, ``-R`` an option."""
    return [word for word in words if not (word.startswith("--") or word in ("-R", "-v", "-c", "-f", "-h"))]


def _in_place(word: str) -> bool:
    return word.startswith("--in-place") or (bool(re.match(r"^-[a-zA-Z]*i", word)) and not word.startswith("--"))


def _written_by_code(argv: list[str]) -> list[str]:
    """String literals that inline code opens for writing or deletes (``python -c "open('x', 'w')"``)."""
    flag = next((n for n, w in enumerate(argv) if w in ("-c", "-e", "--eval", "-E")), None)
    if flag is None or flag + 1 >= len(argv):
        return []
    code = argv[flag + 1]
    if not _WRITES_CODE.search(code):
        return []
    return [match.group(2) for match in _PATH_LITERAL.finditer(code)]
