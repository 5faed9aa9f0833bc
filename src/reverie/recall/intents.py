"""What a tool is for: "run the tests" should find the lesson about ``pytest``.

People ask for an intent ("run the tests", "lint it", "install the deps", "format the code") and
lessons name the project's own tool (``make check``, ``pnpm``, ``ruff``). The recall index adds a
lesson's intents to its terms, so the prompt's words meet the lesson's tool. The table is a fact about
the ecosystems, one line per family of tools, not a list of ways to phrase things: phrasing is left to
the tokenizer and its stemmer (``terms``), so "tests", "testing" and "tested" all meet "test".

A lesson's tools are the programs of its trigger commands and of the code spans in its statement, and
for the programs that run other things (``make``, ``npm run``, ``just``, ``python -m``) the word after
them: ``make test`` is for testing, ``python -m pytest`` too.
"""

from __future__ import annotations

from reverie import normal

INTENTS: dict[str, tuple[str, ...]] = {
    "test": (
        "pytest",
        "unittest",
        "nose2",
        "tox",
        "nox",
        "jest",
        "vitest",
        "mocha",
        "ava",
        "karma",
        "cypress",
        "playwright",
        "rspec",
        "minitest",
        "phpunit",
        "ctest",
        "check",
        "test",
        "tests",
        "spec",
        "bats",
        "nextest",
        "gotestsum",
    ),
    "lint": (
        "ruff",
        "flake8",
        "pylint",
        "eslint",
        "biome",
        "clippy",
        "golangci-lint",
        "rubocop",
        "shellcheck",
        "stylelint",
        "hadolint",
        "lint",
        "credo",
        "oxlint",
        "staticcheck",
        "revive",
        "ktlint",
        "detekt",
        "swiftlint",
        "markdownlint",
        "yamllint",
        "pre-commit",  # the hook runner a project lints (and formats) with
    ),
    "format": (
        "black",
        "prettier",
        "gofmt",
        "rustfmt",
        "fmt",
        "isort",
        "clang-format",
        "yapf",
        "autopep8",
        "format",
        "dprint",
        "stylua",
    ),
    "type check": ("mypy", "pyright", "tsc", "typecheck", "pytype", "flow"),
    "install dependency package": (
        "pip",
        "pip3",
        "uv",
        "poetry",
        "pipenv",
        "conda",
        "npm",
        "pnpm",
        "yarn",
        "bun",
        "bundle",
        "gem",
        "composer",
        "apt",
        "apt-get",
        "brew",
        "install",
        "add",
        "deps",
    ),
    "build compile": ("make", "cmake", "gradle", "mvn", "webpack", "vite", "esbuild", "rollup", "build", "bazel"),
    "database migration migrate": ("alembic", "prisma", "flyway", "liquibase", "migrate", "knex", "diesel"),
    # Version control by what it does: a lesson about `git push` is not one about committing, and
    # "git" alone says nothing of which (``git`` is a runner below: its subcommand carries the intent).
    "commit": ("commit",),
    "push": ("push",),
    "branch": ("branch", "checkout", "switch"),
    "deploy release publish": (
        "twine",
        "kubectl",
        "helm",
        "terraform",
        "fly",
        "flyctl",
        "vercel",
        "netlify",
        "ansible",
        "deploy",
        "release",
        "publish",
        "serverless",
    ),
    "run serve start dev": ("uvicorn", "gunicorn", "flask", "nodemon", "serve", "dev", "start"),
    "docs documentation": ("sphinx", "mkdocs", "docusaurus", "typedoc", "docs"),
}
_RUNNERS = frozenset(
    {"make", "just", "task", "npm", "pnpm", "yarn", "bun", "mix", "cargo", "go", "poetry", "uv", "git", "gh"}
)
_BY_TOOL: dict[str, str] = {tool: intent for intent, tools in INTENTS.items() for tool in tools}


def intents_of(commands: tuple[str, ...] | list[str], statement: str) -> list[str]:
    """The intent words of the tools a lesson names, in order, without repeats."""
    found: dict[str, None] = {}
    for words in [command.split() for command in commands] + [span.split() for span in _code_spans(statement)]:
        for tool in _meant(words):
            intent = _BY_TOOL.get(tool)
            if intent:
                found.update(dict.fromkeys(intent.split()))
    return list(found)


# The purposes that distill files a project's own commands under ("run the tests with `X`": keyword
# ``test``), by the intent of the tools above.
ROLE_OF_INTENT = {
    "test": "test",
    "lint": "lint",
    "format": "format",
    "type check": "typecheck",
    "build compile": "build",
}


def roles_of(command: list[str]) -> list[str]:
    """What a simple command does, in distill's words for a project's commands: ``uv run pytest -q``
    tests, ``npx eslint .`` lints."""
    return [role for tool in _meant(command) if (role := ROLE_OF_INTENT.get(_BY_TOOL.get(tool, ""), ""))]


_INSTALLING = frozenset({"install", "add", "i", "ci", "sync"})  # npm i, npm ci, uv sync: installs too


def installs(command: list[str]) -> bool:
    """Whether a simple command installs or adds packages (``npm install``, ``pnpm add x``, ``uv sync``)."""
    words = [word.lower() for word in command if word and not word.startswith("-")]
    return len(words) > 1 and words[1] in _INSTALLING


def intent_terms(commands: tuple[str, ...] | list[str], statement: str) -> list[str]:
    """The same, as index terms (stemmed the way prompts are)."""
    words = " ".join(intents_of(commands, statement))
    found = _STEMMED.get(words)
    if found is None:  # a prompt's candidates share a handful of intents: each is stemmed once
        found = _STEMMED[words] = normal.terms(words)
    return list(found)


_STEMMED: dict[str, list[str]] = {}  # a few dozen intents at most (``INTENTS``)


def _tools(words: list[str]) -> list[str]:
    """The program, and what it runs when it is a runner (``make test``, ``npm run lint``, ``python -m
    pytest``): both may carry an intent."""
    words = [word.lower() for word in words if word and not word.startswith("-") and "=" not in word]
    if not words:
        return []
    program = words[0].rsplit("/", 1)[-1]
    tools = [program]
    rest = words[1:]
    if program.startswith("python") and rest:
        tools.append(rest[0])  # python -m pytest: "-m" was dropped with the other options
    elif program in _RUNNERS and rest:
        target = rest[1] if rest[0] in ("run", "exec", "x") and len(rest) > 1 else rest[0]
        tools.append(target.split(":")[0])
    return tools


def _meant(words: list[str]) -> list[str]:
    """The tools whose purpose the command has: what a runner runs, when that has a purpose of its
    own (``uv run pytest`` tests and installs nothing, ``make test`` tests and builds nothing), else
    the program too (``uv sync`` installs: ``uv`` is a package manager)."""
    tools = _tools(words)
    return tools[1:] if len(tools) > 1 and tools[1] in _BY_TOOL else tools


def _code_spans(statement: str) -> list[str]:
    parts = statement.split("`")
    return [parts[index] for index in range(1, len(parts), 2)]
