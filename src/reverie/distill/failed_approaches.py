"""Failed approaches: what was tried, failed, and was given up, so the next session skips it.

Two structural signals (the person's own "stop doing X" comes from ``corrections``):

* **repeated and abandoned**: the same action (program and subcommand, or tool) failed at least
  ``MIN_ATTEMPTS`` times in one session with the same kind of error, variants included, and never
  succeeded later in the session. Failures that are the work going as it should (a red test run,
  a ``grep`` without a match: ``hazards.expected_failure``) are not attempts at anything;
* **reverted**: files were edited and then restored with git (``git checkout -- f``, ``git
  restore f``, ``git reset --hard``): the change was abandoned. (``git stash`` is left out: it is
  usually popped again.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from reverie.distill import canonical, commands, signatures
from reverie.distill.expected import expected_failure, session_noise
from reverie.distill.extractor import Extractor
from reverie.distill.hazards import abandoned_topic
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, LessonKind, LessonStatus, Observation, Trigger

NAME = "failed_approaches"
MIN_ATTEMPTS = 2
_REVERTS = frozenset({"git checkout", "git restore", "git reset"})


def extract(view: SessionView) -> Iterator[Observation]:
    yield from _abandoned(view)
    yield from _reverted(view)


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


def _restored(main: list[str], edited: dict[str, Action]) -> list[str]:
    if "--hard" in main:
        return list(edited)
    arguments = {token.rsplit("/", 1)[-1] for token in main[2:] if not token.startswith("-")}
    return [path for path in edited if path.rsplit("/", 1)[-1] in arguments]


def _edit_excerpt(action: Action) -> str:
    return f"{action.call.tool_name}: {', '.join(action.paths)}"


EXTRACTOR = Extractor(name=NAME, summary="actions repeated and abandoned, changes reverted", extract=extract)
