"""Failed approaches: what was tried, failed, and was given up, so the next session skips it.

Two structural signals (the person's own "stop doing X" comes from ``corrections``):

* **repeated and abandoned**: the same action (program and subcommand, or tool) failed at least
  ``MIN_ATTEMPTS`` times in one session with the same kind of error, variants included, and never
  succeeded later in the session. Failures that are the work going as it should (a red test run,
  a ``grep`` without a match: ``hazards.expected_failure``) are not attempts at anything;
* **reverted**: files were edited and then restored with git (``git checkout -- f``, ``git
  restore f``, ``git reset --hard``): the change was abandoned. (``git stash`` is left out: it is
  usually popped again.)
* **undone**: a package was added, upgraded or set with the package manager (``npm install -D
  eslint@9``, ``pip install 'pydantic>=2'``, ``npm pkg set type=module``), something failed after it,
  and the manifest or lockfile was restored with git: the upgrade broke the project and was given up.
  The failure after the change is the evidence, whatever it was (a red test run counts here).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from reverie.distill import canonical, commands, signatures
from reverie.distill.expected import expected_failure, session_noise
from reverie.distill.extractor import Extractor
from reverie.distill.hazards import abandoned_topic
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, Evidence, LessonKind, LessonStatus, Observation, Trigger

NAME = "failed_approaches"
MIN_ATTEMPTS = 2
_REVERTS = frozenset({"git checkout", "git restore", "git reset"})


def extract(view: SessionView) -> Iterator[Observation]:
    yield from _abandoned(view)
    yield from _reverted(view)
    yield from _undone(view)


def _abandoned(view: SessionView) -> Iterator[Observation]:
    groups: dict[tuple[str, str], list[Action]] = defaultdict(list)
    succeeded: dict[str, int] = {}
    noise = session_noise(view)
    for action in view.shell_runs():
        subject = commands.signature(commands.main_segment(action.command or ""))
        if action.failed and not expected_failure(action, noise):
            groups[(subject, signatures.describe(signatures.without(action.output, noise)))].append(action)
        elif action.ok:
            succeeded[subject] = action.index
    for (subject, what), attempts in groups.items():
        if len(attempts) < MIN_ATTEMPTS or succeeded.get(subject, -1) > attempts[0].index:
            continue
        tried = list({_canonical(a).key: _canonical(a).rendered[:80] for a in reversed(attempts)}.values())[::-1][:3]
        variants = ", ".join(f"`{t}`" for t in tried)
        yield Observation(
            key=f"failed:{subject}:{what}",
            topic=abandoned_topic(subject),
            stance="fails",
            kind=LessonKind.FAILED_APPROACH,
            statement=(
                f"In this project: `{subject}` failed {len(attempts)} times in one session "
                f"({signatures.reason(signatures.without(attempts[-1].output, noise))}) and was "
                f"given up; tried {variants}. Do not retry it the same way: find the cause first."
            ),
            scope=view.scope(),
            evidence=tuple(
                item
                for a in attempts
                for item in (
                    evidence(a.call, Basis.OBSERVED, "failure", a.command),
                    *(
                        (evidence(a.result, Basis.OBSERVED, "failure_output", signatures.telling_line(a.output)),)
                        if a.result
                        else ()
                    ),
                )
            ),
            extractor=NAME,
            trigger=Trigger(tools=(attempts[0].call.tool_name or "Bash",), commands=(subject,), keywords=(what,)),
        )


def _canonical(action: Action) -> canonical.Canonical:
    return canonical.canonicalise(commands.main_segment(action.command or ""), action.output)


def _reverted(view: SessionView) -> Iterator[Observation]:
    edited: dict[str, Action] = {}
    for action in view.actions:
        for path in action.paths if action.is_edit else ():
            edited.setdefault(path, action)
        if not action.ok or action.command is None:
            continue
        main = commands.main_segment(action.command)
        if commands.signature(main) not in _REVERTS:
            continue
        for path in _restored(main, edited):
            edit = edited.pop(path)
            name = path.rsplit("/", 1)[-1]
            yield Observation(
                key=f"reverted:{name}",
                kind=LessonKind.FAILED_APPROACH,
                statement=(
                    f"In this project: a change to `{name}` was reverted (`{commands.render(main)}`); "
                    "check why before changing it the same way again."
                ),
                scope=view.scope(),
                evidence=(
                    evidence(edit.call, Basis.OBSERVED, "change", _edit_excerpt(edit)),
                    evidence(action.call, Basis.OBSERVED, "revert", action.command),
                ),
                extractor=NAME,
                trigger=Trigger(paths=(f"**/{name}",)),
                max_status=LessonStatus.CANDIDATE,
            )


# What a package manager rewrites when it adds or changes a package.
_MANIFESTS = frozenset(
    {
        *("package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb"),
        *("requirements.txt", "pyproject.toml", "uv.lock", "poetry.lock", "Pipfile", "Pipfile.lock"),
        *("Cargo.toml", "Cargo.lock", "go.mod", "go.sum", "Gemfile", "Gemfile.lock", "composer.json", "composer.lock"),
    }
)
# program -> the subcommands that change which packages (or which package settings) the project has
_JS_CHANGES = frozenset({"install", "i", "add", "upgrade", "update", "up", "pkg"})
_PACKAGE_CHANGES = {
    **dict.fromkeys(("npm", "pnpm", "yarn", "bun"), _JS_CHANGES),
    **dict.fromkeys(("pip", "pip3", "uv", "poetry", "pipenv", "pdm"), frozenset({"install", "add", "upgrade"})),
    "cargo": frozenset({"add", "update"}),
    "go": frozenset({"get"}),
    "bundle": frozenset({"add", "update"}),
    "composer": frozenset({"require", "update"}),
}


def _undone(view: SessionView) -> Iterator[Observation]:
    change: Action | None = None  # the last package change not yet undone
    broke: Action | None = None  # the first failure after it
    for action in view.actions:
        if action.command is None or action.call.sidechain:
            continue
        main = commands.main_segment(action.command)
        if action.ok and _changes_packages(main):
            change, broke = action, None
        elif change is not None and broke is None and action.failed:
            broke = action
        elif change is not None and broke is not None and action.ok and _restores_manifest(main):
            yield _undone_observation(view, change, broke, action)
            change = broke = None


def _changes_packages(main: list[str]) -> bool:
    """``npm install -D eslint@9``, ``uv pip install 'numpy>=2'``: a named package, not a plain install."""
    words = _after_program(main)
    changing = _PACKAGE_CHANGES.get(main[0].rsplit("/", 1)[-1] if main else "", frozenset())
    return bool(words) and words[0] in changing and bool(_specs(main))


def _specs(main: list[str]) -> list[str]:
    """What a package change names: ``eslint@9``, ``pydantic>=2``, ``type=module`` (``npm pkg set``)."""
    return [word for word in _after_program(main)[1:] if not word.startswith("-") and word != "set"]


def _after_program(main: list[str]) -> list[str]:
    """The subcommand and its arguments (``uv pip install x``: ``install x``)."""
    return main[2:] if main[:2] == ["uv", "pip"] else main[1:]


def _restores_manifest(main: list[str]) -> bool:
    if commands.signature(main) not in _REVERTS:
        return False
    return "--hard" in main or any(token.rsplit("/", 1)[-1] in _MANIFESTS for token in main[2:])


def _undone_observation(view: SessionView, change: Action, broke: Action, revert: Action) -> Observation:
    tried = commands.main_segment(change.command or "")
    # What was added, not with which manager: the manager is a fact of its own, which may change later
    added = " ".join(_specs(tried))
    return Observation(
        key=f"undone:{added.lower()}",
        topic=abandoned_topic(commands.signature(tried)),
        stance="fails",
        kind=LessonKind.FAILED_APPROACH,
        statement=(
            # "has failed here": recall words a command that fails here that way, and stops its next call
            f"In this project: `{added}` has failed here: it broke "
            f"`{commands.render(commands.main_segment(broke.command or ''))}` ({signatures.reason(broke.output)}) and "
            "was undone; do not add it again without fixing why."
        ),
        scope=view.scope(),
        evidence=(
            evidence(change.call, Basis.OBSERVED, "change", change.command),
            evidence(broke.call, Basis.OBSERVED, "failure", broke.command),
            *_output_of(broke),
            evidence(revert.call, Basis.OBSERVED, "revert", revert.command),
        ),
        extractor=NAME,
        trigger=Trigger(
            tools=(change.call.tool_name or "Bash",),
            commands=(" ".join(tried[:4]),),
            keywords=tuple(_specs(tried))[:3],
        ),
    )


def _output_of(action: Action) -> tuple[Evidence, ...]:
    if action.result is None:
        return ()
    return (evidence(action.result, Basis.OBSERVED, "failure_output", signatures.telling_line(action.output)),)


def _restored(main: list[str], edited: dict[str, Action]) -> list[str]:
    if "--hard" in main:
        return list(edited)
    arguments = {token.rsplit("/", 1)[-1] for token in main[2:] if not token.startswith("-")}
    return [path for path in edited if path.rsplit("/", 1)[-1] in arguments]


def _edit_excerpt(action: Action) -> str:
    return f"{action.call.tool_name}: {', '.join(action.paths)}"


EXTRACTOR = Extractor(name=NAME, summary="actions repeated and abandoned, changes reverted", extract=extract)
