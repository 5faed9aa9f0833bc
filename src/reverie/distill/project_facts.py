"""Project facts from commands that worked: how to test, lint, format, type-check, build, and
which package manager the project uses.

Only successful commands count, and what counts is the agent's own command line with its outcome
(observed behaviour), never what a README or command output claims. A command is reduced to its
signature plus the flags that select what runs (``python -m pytest``, ``cargo llvm-cov
--fail-under-lines <n>`` becomes ``cargo llvm-cov``), so the same fact from two sessions merges.

The package manager is a stance on a topic per ecosystem ("package-manager:javascript"), so a
project that moved from yarn to pnpm gets the pnpm fact superseding the yarn one. How a project
installs is part of the fact when its flags decide where packages come from: ``pip install
--no-index --find-links ./vendor/wheels x`` says "install with `pip install --no-index --find-links
./vendor/wheels <package>`", never a bare "the package manager is `pip`" that would send the next
session to a network the project does not have.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from reverie.distill import canonical, commands
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, Evidence, LessonKind, Observation, Trigger

NAME = "project_facts"
_PURPOSE = {
    "test": "run the tests",
    "lint": "lint",
    "format": "format the code",
    "typecheck": "type-check",
    "check": "run the checks",
    "build": "build",
}
# (ecosystem, manager) by the program that runs; npx/pipx are runners, not managers
MANAGERS: dict[str, tuple[str, str]] = {
    "npm": ("javascript", "npm"),
    "pnpm": ("javascript", "pnpm"),
    "yarn": ("javascript", "yarn"),
    "bun": ("javascript", "bun"),
    "pip": ("python", "pip"),
    "pip3": ("python", "pip"),
    "uv": ("python", "uv"),
    "poetry": ("python", "poetry"),
    "pipenv": ("python", "pipenv"),
    "pdm": ("python", "pdm"),
    "hatch": ("python", "hatch"),
    "conda": ("python", "conda"),
    "bundle": ("ruby", "bundler"),
    "composer": ("php", "composer"),
}
LOCKFILES: dict[str, tuple[str, str]] = {
    "package-lock.json": ("javascript", "npm"),
    "pnpm-lock.yaml": ("javascript", "pnpm"),
    "yarn.lock": ("javascript", "yarn"),
    "bun.lockb": ("javascript", "bun"),
    "bun.lock": ("javascript", "bun"),
    "uv.lock": ("python", "uv"),
    "poetry.lock": ("python", "poetry"),
    "Pipfile.lock": ("python", "pipenv"),
    "pdm.lock": ("python", "pdm"),
}


def extract(view: SessionView) -> Iterator[Observation]:
    seen: set[str] = set()
    replacing = replacements(view)
    repairing = repairs(view)
    for action in view.actions:
        if not action.ok or action.call.sidechain:
            continue
        found = (
            (_role_fact(view, action, replacing, repairing), _manager_fact(view, action))
            if action.command
            else (_lockfile_fact(view, action),)
        )
        for observation in found:
            if observation is not None and observation.key not in seen:
                seen.add(observation.key)
                yield observation


def _role_fact(view: SessionView, action: Action, replacing: dict[int, str], repairing: set[int]) -> Observation | None:
    main = commands.main_segment(action.command or "")
    sig = commands.signature(main)
    role = commands.role(sig) or replacing.get(action.index)
    if role is None:
        return None
    tag = selected_tag(main)
    if action.index in repairing and role_topic(role, sig) == f"command:{role}" and not tag:
        return None  # the repair of one variant is the fix's lesson, not how the project runs this chore
    purpose = f"{_PURPOSE[role]} tagged `{tag}`" if tag else _PURPOSE[role]
    return Observation(
        key=f"fact:{role}:{sig}" + (f":tags={tag}" if tag else ""),
        kind=LessonKind.FACT,
        statement=f"In this project: {purpose} with `{_form(action.command or '')}`.",
        scope=view.scope(),
        evidence=_proof(action),
        extractor=NAME,
        trigger=Trigger(tools=(action.call.tool_name or "Bash",), keywords=(role,)),
        topic=role_topic(role, sig) + (f":tags={tag}" if tag else ""),
        stance=sig,
        outcomes=1,
    )


def replacements(view: SessionView) -> dict[int, str]:
    """Commands the agent ran in place of a failing one of known role, by action index, with that
    role: `go test ./...` fails and `gotestsum ./...` works right after, so `gotestsum` is how the
    tests run, though no table knows it. Only the very next shell command counts, with no edit in
    between, and only a program with no role of its own that is not looking around, installing or
    version control."""
    runs = view.shell_runs()
    found: dict[int, str] = {}
    for failed, after in itertools.pairwise(runs):
        role = commands.role(commands.signature(commands.main_segment(failed.command or "")))
        if role is None or not failed.failed or not after.ok or _edited_between(view, failed.index, after.index):
            continue
        main = commands.main_segment(after.command or "")
        sig = commands.signature(main)
        program = sig.split(" ", 1)[0]
        if commands.role(sig) is None and program and not _bystander(program, failed, after):
            found[after.index] = role
    return found


def repairs(view: SessionView) -> set[int]:
    """Runs that repair a variant the agent chose, by action index: `go test -race ./...` fails and
    `go test -race -p 1 ./...` works right after. That says how to get the race run through
    (``command_fixes`` and ``hazards`` keep it), not how the project runs its tests: taken as the
    project's test command it would replace `make test` whenever a race run was repaired. The repair
    of the plain command (`make build` -> `NODE_OPTIONS=... make build`) is the project's way of doing
    the chore, and stays a fact."""
    found: set[int] = set()
    for failed, after in itertools.pairwise(view.shell_runs()):
        if not failed.failed or not after.ok or _edited_between(view, failed.index, after.index):
            continue
        chosen, repaired = canonical.of_command(failed.command or ""), canonical.of_command(after.command or "")
        if chosen is None or repaired is None or not chosen.flags:
            continue
        before, now = commands.main_segment(failed.command or ""), commands.main_segment(after.command or "")
        if commands.signature(before) == commands.signature(now) and chosen.form != repaired.form:
            found.add(after.index)
    return found


def _bystander(program: str, failed: Action, after: Action) -> bool:
    before = commands.signature(commands.main_segment(failed.command or "")).split(" ", 1)[0]
    # A step before the same command (``ulimit -n 4096 && cargo test``) fixes that command; it is
    # not a new way to run the tests.
    again = any(commands.signature(part).split(" ", 1)[0] == before for part in commands.segments(after.command or ""))
    return (
        program == before
        or again
        or program in MANAGERS
        or program in _NOT_A_RUNNER
        or commands.is_inspection(program)
        or program.startswith("python")
    )


_NOT_A_RUNNER = frozenset({"git", "gh", "cd", "mkdir", "rm", "cp", "mv", "touch", "chmod", "docker", "kill", "sleep"})


def _edited_between(view: SessionView, start: int, end: int) -> bool:
    return any(action.is_edit and start < action.index < end for action in view.actions)


def selected_tag(main: list[str]) -> str:
    """The build tag a run selects (``go test -tags=integration``): such a run answers its own
    question ("how are the tests tagged integration run?"), so it neither replaces nor is replaced by
    the project's plain test command, nor by a target that names the same part (``make
    test-integration``): a project may run both. (Folders and files are not parts: running one test
    file is a narrower run of the same suite.)"""
    for word in main[1:]:
        name, equals, value = word.partition("=")
        if equals and name in ("-tags", "--tags") and value.replace("-", "").replace("_", "").isalnum():
            return value
    return ""


def _form(command: str) -> str:
    """How to run it, with the settings it needs (``TEST_DATABASE_URL=<url> make test-integration``)."""
    found = canonical.of_command(command)
    return found.form if found is not None else ""


def role_topic(role: str, sig: str) -> str:
    """The question a command answers ("how are the tests run here?"), so that when a project moves
    from one test command to another the newer observed one supersedes the older (and the older comes
    back if it is seen working again). A target that names a part ("make test-integration", "npm run
    test:unit") answers its own question, so a project's unit and integration runs do not displace
    each other."""
    part = next((word for word in sig.split()[1:] if re.match(r"^[a-z]+[-_:][\w:-]+$", word)), "")
    qualifier = re.sub(r"^(?:test|tests|lint|check|build|format|fmt|typecheck)[-_:]", "", part)
    return f"command:{role}:{qualifier}" if qualifier else f"command:{role}"


def _manager_fact(view: SessionView, action: Action) -> Observation | None:
    main = commands.main_segment(action.command or "")
    found = MANAGERS.get(commands.signature(main).split(" ", 1)[0]) if main else None
    if not found:
        return None
    form = canonical.canonicalise(main)
    if set(form.flags) & SOURCE_FLAGS:
        return _source_observation(view, action, found[0], form)
    return _manager_observation(view, action, *found)


# Flags that decide where packages come from (an offline wheelhouse, a private index or registry).
SOURCE_FLAGS = frozenset(
    {"--no-index", "--find-links", "--index-url", "--extra-index-url", "--registry", "--offline", "--prefer-offline"}
)


def _source_observation(view: SessionView, action: Action, ecosystem: str, form: canonical.Canonical) -> Observation:
    how = " ".join(word for word in form.rendered.split(" ") if word != "<package>..." and word != "<package>")
    return Observation(
        key=f"fact:install:{ecosystem}:{form.head} {' '.join(sorted(set(form.flags) & SOURCE_FLAGS))}",
        kind=LessonKind.FACT,
        statement=f"In this project: install {ecosystem} packages with `{how} <package>`, not from the default index.",
        scope=view.scope(),
        evidence=_proof(action),
        extractor=NAME,
        trigger=_managers_of(ecosystem),
        topic=f"install-source:{ecosystem}",
        stance=form.key,
        outcomes=1,
    )


def _lockfile_fact(view: SessionView, action: Action) -> Observation | None:
    """A lockfile that a file tool read or edited exists, so its manager is the project's."""
    names = [path.replace("\\", "/").rsplit("/", 1)[-1] for path in action.paths]
    found = next((LOCKFILES[name] for name in names if name in LOCKFILES), None)
    return _manager_observation(view, action, *found) if found else None


def _managers_of(ecosystem: str) -> Trigger:
    """The programs of every package manager of ``ecosystem``: what a lesson about installing watches."""
    return Trigger(commands=tuple(sorted({name for name, (kind, _) in MANAGERS.items() if kind == ecosystem})))


def _manager_observation(view: SessionView, action: Action, ecosystem: str, manager: str) -> Observation:
    return Observation(
        key=f"fact:package-manager:{ecosystem}:{manager}",
        kind=LessonKind.FACT,
        statement=f"In this project: the {ecosystem} package manager is `{manager}`; use it for dependencies.",
        scope=view.scope(),
        evidence=_proof(action),
        extractor=NAME,
        trigger=_managers_of(ecosystem),
        topic=f"package-manager:{ecosystem}",
        stance=manager,
        outcomes=1,
    )


def _proof(action: Action) -> tuple[Evidence, ...]:
    return (
        evidence(action.call, Basis.OBSERVED, "command", action.command or ", ".join(action.paths)),
        *((evidence(action.result, Basis.OBSERVED, "success"),) if action.result else ()),
    )


EXTRACTOR = Extractor(name=NAME, summary="test/lint/build commands and the package manager that work", extract=extract)
