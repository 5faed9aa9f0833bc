"""Workflows: the same sequence of commands in more than one session.

A session's successful shell commands, reduced to signatures, without the ones that only look
around (``ls``, ``cat``, ``git status``), without one-off inline scripts (``python - <<'PY'``,
``node -e``) and patches applied through the shell (Codex's ``apply_patch``), and without
immediate repeats, are cut into windows of
``LENGTH`` steps. Each window is an observation; a lesson forms when ``MIN_SESSIONS`` sessions
share one. Workflows are procedures for later: candidates for a slash command or a skill, never
active on their own, because a sequence seen twice is a hint, not an instruction.
"""

from __future__ import annotations

from collections.abc import Iterator

from reverie.distill import commands
from reverie.distill.extractor import Extractor
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, LessonKind, LessonStatus, Observation, Trigger

NAME = "workflows"
LENGTH = 3
MIN_SESSIONS = 2


def extract(view: SessionView) -> Iterator[Observation]:
    steps = _steps(view)
    seen: set[tuple[str, ...]] = set()
    for start in range(len(steps) - LENGTH + 1):
        window = steps[start : start + LENGTH]
        names = tuple(name for name, _ in window)
        if names in seen or len(set(names)) < 2:
            continue
        seen.add(names)
        flow = " → ".join(f"`{name}`" for name in names)
        yield Observation(
            key="workflow:" + " → ".join(names),
            kind=LessonKind.PROCEDURE,
            statement=f"In this project, a recurring workflow: {flow}.",
            scope=view.scope(),
            evidence=tuple(evidence(action.call, Basis.OBSERVED, "step", action.command) for _, action in window),
            extractor=NAME,
            trigger=Trigger(commands=names),
            min_sessions=MIN_SESSIONS,
            max_status=LessonStatus.CANDIDATE,
            uncertainty="a repeated sequence: a candidate for a command or skill, not an instruction",
        )


def _steps(view: SessionView) -> list[tuple[str, Action]]:
    steps: list[tuple[str, Action]] = []
    for action in view.shell_runs():
        if not action.ok:
            continue
        name = commands.signature(commands.main_segment(action.command or ""))
        if (
            not name
            or commands.is_inspection(name)
            or _one_off(action.command or "")
            or (steps and steps[-1][0] == name)
        ):
            continue
        steps.append((name, action))
    return steps


_INLINE_FLAGS = frozenset({"-", "-c", "-e", "--eval"})


def _one_off(command: str) -> bool:
    main = commands.main_segment(command)
    return "<<" in command or (bool(main) and (main[0] == "apply_patch" or bool(_INLINE_FLAGS & set(main[1:2]))))


EXTRACTOR = Extractor(name=NAME, summary="command sequences repeated across sessions", extract=extract)
