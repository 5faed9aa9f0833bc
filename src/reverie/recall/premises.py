"""Verified before shown: a lesson whose checkable premise no longer holds in the workspace is not shown.

A lesson says "run the tests with `make check`"; the Makefile lost its ``check`` target last week.
Showing it would send the agent into a failing command with reverie's authority. Before anything is
shown in a session, the premises that can be checked cheaply and deterministically are checked
against the project folder:

* a ``make`` target it recommends exists in the project's Makefile (``check:``), when there is one;
* a package script it recommends (``npm run X``, ``pnpm X``, ``yarn X``, ``bun run X``) exists in
  ``package.json``;
* the package manager it recommends still has its lockfile, when another manager's lockfile is there
  instead ("use pnpm" in a project that moved to ``yarn.lock``);
* the tool it recommends still has its configuration, when a tool of the same role has one instead
  ("run the tests with `npx jest`" in a project that now has ``vitest.config.ts`` and no jest config,
  "use `npx eslint`" beside a new ``biome.json``) or no package script runs it any more; a tool that
  cannot run without its file (``pre-commit``, ``tox``, ``nox``, ``just``) still has it;
* a file or folder it names literally (a path trigger without wildcards) still exists;
* a program it says is not installed here ("`jq` is not installed here") is still not on the search path
  of the session (the hook's ``PATH``): installed since, the warning would keep the agent from it.

Only what the lesson *recommends* is checked (its stance, or the commands of a positive statement), never
what it warns against: "never run `make deploy-prod`" stays true when the target is gone. Nothing is
decided on absence of evidence: no project folder, no lesson premise, a file that cannot be read,
all mean "holds". The next dream proposes such lessons as stale (``dream`` reads the same function).

Standard library only, without ``re``, ``json`` or ``os`` (``lean_os``): it runs inside the session-start
hook.
"""

from __future__ import annotations

from reverie import lean_os
from reverie.recall import render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from reverie.capture.file_stamps import Stamps
    from reverie.recall.lookup import IndexRow

MAX_FILE_BYTES = 512 * 1024
MAX_PARENTS = 12
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
LOCKFILES = {
    "pnpm": ("pnpm-lock.yaml",),
    "yarn": ("yarn.lock",),
    "npm": ("package-lock.json", "npm-shrinkwrap.json"),
    "bun": ("bun.lockb", "bun.lock"),
    "poetry": ("poetry.lock",),
    "uv": ("uv.lock",),
    "pipenv": ("Pipfile.lock",),
}
# The configuration a tool cannot run without, by role: a tool of one role replaces another of it. Where
# package.json can hold the configuration instead, its key is the last entry ("key:jest").
TOOL_CONFIGS: dict[str, dict[str, tuple[str, ...]]] = {
    "lint": {
        "eslint": (
            *(f"eslint.config.{ext}" for ext in ("js", "mjs", "cjs", "ts", "mts", "cts")),
            *(f".eslintrc{ext}" for ext in ("", ".js", ".cjs", ".json", ".yml", ".yaml")),
            "key:eslintConfig",
        ),
        "biome": ("biome.json", "biome.jsonc"),
    },
    "js tests": {
        "vitest": tuple(f"{name}.config.{ext}" for name in ("vitest", "vite") for ext in ("ts", "js", "mts", "mjs")),
        "jest": (*(f"jest.config.{ext}" for ext in ("js", "ts", "mjs", "cjs", "json")), "key:jest"),
    },
    "python sessions": {"tox": ("tox.ini",), "nox": ("noxfile.py",)},
}
# Tools that cannot run at all without their file: its absence is evidence, not a lack of it ("No
# .pre-commit-config.yaml file was found"). A section of pyproject.toml or setup.cfg counts for tox.
REQUIRED_FILES = {
    "pre-commit": (".pre-commit-config.yaml",),
    "tox": ("tox.ini", "pyproject.toml:[tool.tox", "setup.cfg:[tox:tox]"),
    "nox": ("noxfile.py",),
    "just": ("justfile", "Justfile", ".justfile"),
}
_PACKAGE_ROLES = ("lint", "js tests")  # run from package.json's scripts when they run at all
_RUNNERS = frozenset({"npx", "bunx", "pnpx", "exec", "dlx", "pnpm", "yarn", "bun", "uv", "run", "uvx", "poetry"})
_SCRIPT_RUNNERS = {"npm": ("run", "run-script"), "pnpm": ("run",), "yarn": ("run",), "bun": ("run",)}
_BUILTIN = frozenset({"install", "i", "add", "remove", "ci", "test", "exec", "dlx", "x", "create", "init", "update"})
_WILDCARDS = "*?["


class Workspace:
    """The project folder of a session, read lazily and at most once per file. ``stamps`` (optional)
    collects a stamp of every path looked at, before it is looked at: the session-start digest is
    cached while they hold (``digest_cache``)."""

    __slots__ = ("files", "root", "search_path", "stamps")

    def __init__(self, cwd: str, stamps: Stamps | None = None, search_path: Sequence[str] | None = None) -> None:
        self.stamps = stamps
        self.root = _project_root(cwd, stamps)
        self.files: dict[str, str | None] = {}
        if search_path is None:  # where programs are found: the session's PATH (a replay of a world passes its own)
            search_path = (lean_os.getenv("PATH") or "").split(lean_os.pathsep)
        self.search_path = tuple(folder for folder in search_path if folder)

    def read(self, name: str) -> str | None:
        if name not in self.files:
            path = lean_os.join(self.root, name)
            if self.stamps is not None:
                self.stamps.content(path)
            self.files[name] = _read(path)
        return self.files[name]

    def modified(self, relative: str) -> float:
        """Epoch seconds of the file's last change (0 when it cannot be read)."""
        path = lean_os.join(self.root, relative)
        if self.stamps is not None:
            self.stamps.content(path)
        try:
            return lean_os.getmtime(path)
        except OSError:
            return 0.0

    def exists(self, relative: str) -> bool:
        path = lean_os.join(self.root, relative)
        if self.stamps is not None:
            self.stamps.presence(path)
        return lean_os.lexists(path)

    def installed(self, program: str) -> bool:
        """An executable file of that name in a folder of the search path."""
        for folder in self.search_path:
            path = lean_os.join(folder, program)
            if self.stamps is not None:
                self.stamps.presence(path)
            if lean_os.isfile(path) and lean_os.access(path, lean_os.X_OK):
                return True
        return False


def unmet_in(workspace: Workspace, rows: Sequence[IndexRow]) -> dict[str, str]:
    """Lesson id -> why its premise no longer holds, for the rows whose premise fails here."""
    if not workspace.root:
        return {}
    found = {}
    for row in rows:
        reason = unmet(workspace, row.statement, row.stance, row.commands, row.paths, since=row.newest)
        if reason:
            found[row.id] = reason
    return found


def unmet(
    workspace: Workspace,
    statement: str,
    stance: str,
    commands: Sequence[str],
    paths: Sequence[str],
    *,
    since: float = 0.0,
) -> str | None:
    """Why the lesson's premise no longer holds here, or None when it holds (or cannot be checked).
    ``since``: epoch seconds of the lesson's newest evidence (0: unknown)."""
    missing = _missing_program(statement)
    if missing is not None and workspace.installed(missing):
        return f"`{missing}` is installed now"
    if _forbidding(statement):
        return None
    for command in _recommended(statement, stance, commands):
        reason = _command_gone(workspace, command.split(), since)
        if reason:
            return reason
    for path in paths:
        literal = path.strip().rstrip("/").removeprefix("./")
        checkable = literal and not any(char in literal for char in _WILDCARDS) and not lean_os.isabs(literal)
        if checkable and not workspace.exists(literal):
            return f"`{literal}` no longer exists"
    return None


def _recommended(statement: str, stance: str, commands: Sequence[str]) -> list[str]:
    if stance:
        return [stance]
    spans = statement.split("`")[1::2]
    return [*spans, *commands]


def _command_gone(workspace: Workspace, words: list[str], since: float = 0.0) -> str | None:
    words = [word for word in words if "=" not in word]  # TEST_DATABASE_URL=... make test-integration
    if not words:
        return None
    program = words[0]
    if program == "make" and len(words) > 1 and not words[1].startswith("-"):
        return _make_target_gone(workspace, words[1])
    if program in _SCRIPT_RUNNERS and len(words) > 1:
        return _script_gone(workspace, program, words[1:])
    if program in LOCKFILES and len(words) == 1:
        return _lockfile_gone(workspace, program, since)
    return _tool_config_gone(workspace, words, since)


def _make_target_gone(workspace: Workspace, target: str) -> str | None:
    text = next((found for found in map(workspace.read, MAKEFILES) if found is not None), None)
    if text is None:
        return None  # no Makefile at the root: it may live in a subfolder the command cds into
    for line in text.splitlines():
        head, colon, rest = line.partition(":")
        if colon and not rest.startswith("=") and target in head.split() and not line.startswith(("\t", " ", "#")):
            return None
    if "include " in text:
        return None  # the target may live in an included file: no evidence either way
    return f"the Makefile has no `{target}` target any more"


def _script_gone(workspace: Workspace, runner: str, rest: list[str]) -> str | None:
    script = rest[1] if rest[0] in _SCRIPT_RUNNERS[runner] and len(rest) > 1 else rest[0]
    if script in _BUILTIN or script.startswith("-") or (runner == "npm" and rest[0] not in _SCRIPT_RUNNERS[runner]):
        return None
    if workspace.read("package.json") is None:
        return None
    block = _scripts(workspace)
    if block is None:
        return f"package.json has no scripts, so no `{script}`"
    return None if f'"{script}"' in block else f"package.json has no `{script}` script any more"


def _lockfile_gone(workspace: Workspace, manager: str, since: float) -> str | None:
    """Another manager's lockfile instead of this one's. One that was already there when the lesson was
    last said or seen is no news: "no, use pnpm" right after the agent's `npm install` wrote
    package-lock.json is the person correcting that, not a project that moved to npm."""
    if any(workspace.exists(name) for name in LOCKFILES[manager]):
        return None
    other = next(
        (name for tool, names in LOCKFILES.items() if tool != manager for name in names if workspace.exists(name)), None
    )
    if other is None or workspace.modified(other) <= since:
        return None
    return f"`{LOCKFILES[manager][0]}` is gone and the project has `{other}`"


def _tool_config_gone(workspace: Workspace, words: list[str], since: float) -> str | None:
    """The tool the command runs (after ``npx``, ``pnpm exec``, ``uv run`` ...) cannot run without a file
    that is gone, or has none of its configuration here while a tool of its role has some (or, for a
    JavaScript tool, no package script runs it), changed after the lesson was last said or seen."""
    tool = next((word for word in words if word not in _RUNNERS), "")
    if tool in REQUIRED_FILES and not any(_holds(workspace, name) for name in REQUIRED_FILES[tool]):
        return f"`{tool}` cannot run here: `{REQUIRED_FILES[tool][0]}` is gone"
    role = next((name for name, tools in TOOL_CONFIGS.items() if tool in tools), "")
    if not role or _configured(workspace, TOOL_CONFIGS[role][tool]):
        return None
    for rival, names in TOOL_CONFIGS[role].items():
        present = [name for name in names if not name.startswith("key:") and workspace.exists(name)]
        if rival != tool and present and workspace.modified(present[0]) > since:
            return f"`{tool}` has no configuration here and the project has `{present[0]}`"
    scripts = _scripts(workspace) if role in _PACKAGE_ROLES else None
    if scripts is not None and tool not in scripts and workspace.modified("package.json") > since:
        return f"`{tool}` has no configuration here and no package script runs it"
    return None


def _scripts(workspace: Workspace) -> str | None:
    """The ``scripts`` block of package.json as text, or None when there is none to read."""
    manifest = workspace.read("package.json")
    start = manifest.find('"scripts"') if manifest is not None else -1
    if manifest is None or start == -1:
        return None
    return manifest[start : manifest.find("}", start) + 1]


def _holds(workspace: Workspace, name: str) -> bool:
    """``file`` exists, or ``file:[section`` is in that file."""
    file, _, section = name.partition(":")
    if not section:
        return workspace.exists(file)
    text = workspace.read(file)
    return text is not None and section in text


def _configured(workspace: Workspace, names: Sequence[str]) -> bool:
    keys = [name.removeprefix("key:") for name in names if name.startswith("key:")]
    if any(workspace.exists(name) for name in names if not name.startswith("key:")):
        return True
    manifest = workspace.read("package.json") if keys else None
    return manifest is not None and any(f'"{key}"' in manifest for key in keys)


_NOT_INSTALLED = "` is not installed here"  # how distill says it (``hazards``): "`jq` is not installed here"


def _missing_program(statement: str) -> str | None:
    text = render.statement_text(statement)  # without its scope prefix
    end = text.find(_NOT_INSTALLED)
    name = text[1:end] if text.startswith("`") and end > 1 else ""
    return name if name and not any(char in name for char in "`/ ") else None


def _forbidding(statement: str) -> bool:
    text = render.statement_text(statement).lower()  # without its scope prefix, whichever it is
    return text.startswith(("never ", "do not ", "don't ", "avoid ", "stop "))


def _project_root(cwd: str, stamps: Stamps | None = None) -> str:
    """The repository root above ``cwd`` (where ``.git`` is), else ``cwd`` itself."""
    folder = lean_os.abspath(cwd) if cwd else ""
    for _ in range(MAX_PARENTS):
        marker = lean_os.join(folder, ".git") if folder else ""
        if stamps is not None and marker:
            stamps.presence(marker)
        if not folder or lean_os.lexists(marker):
            return folder
        parent = lean_os.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return lean_os.abspath(cwd) if cwd else ""


def _read(path: str) -> str | None:
    """A regular file's text (a symlinked Makefile is fine), at most ``MAX_FILE_BYTES``; None for anything
    else: ``O_NONBLOCK`` keeps a FIFO from hanging the hook, and ``fstat`` turns it away."""
    try:
        descriptor = lean_os.open(path, lean_os.O_RDONLY | lean_os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if lean_os.fstat(descriptor).st_mode & 0o170000 != 0o100000:  # not a regular file (S_ISREG)
            return None
        return lean_os.read(descriptor, MAX_FILE_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        lean_os.close(descriptor)
