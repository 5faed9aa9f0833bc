"""Command fixes: a command fails and a close variant succeeds right after.

"Right after" means within the next few shell commands, with no file edited in between (an edit in
between could be what really fixed it); the person may speak in between (a fix they asked for is
still a fix the agent ran). "A close variant" is
the same program, or a program whose name is nearly the same (``python`` / ``python3``, ``npm`` /
``pnpm``), or one with the same role in the project (a failing ``pytest`` and a passing ``make
check``), with a token similarity of at least ``MIN_SIMILARITY`` unless the role matches. A retry
of the same command (in canonical form: ``-u`` is ``--set-upstream``) that then works is flakiness,
not a fix. Commands are compared and keyed in their canonical form (``canonical``), so one fix
spelled two ways, or made on two branches, is one lesson.

Two shapes of lesson come out:

* the program (or subcommand) changed: "Use `python3`, not `python`", keyed like the person's own
  "use X, not Y", so a correction and an observed fix of the same thing strengthen one lesson;
* the same command with different arguments: "`git push` fails here (no upstream branch); use
  `git push --set-upstream origin <branch>`", generalised so it names no session's values.

A fix is the project's unless its cause lies in the person's machine (``_on_the_machine``): a program
this machine lacks, replaced by a program of nearly the same name (``python`` -> ``python3``,
``docker-compose`` -> ``docker compose``), or git's missing upstream (the person's git settings). Those
are learned for the person everywhere, "On this machine: ...", so the second project does not repeat
the first project's mistake; ``reverie push`` keeps them on the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from reverie.distill import canonical, commands, expected, signatures
from reverie.distill.extractor import Extractor
from reverie.distill.project_facts import MANAGERS
from reverie.distill.session_view import Action, SessionView, evidence
from reverie.domain.lessons import Basis, Evidence, LessonKind, Observation, ScopeLevel, Trigger

WINDOW = 6  # shell commands after the failure in which a fix counts as "right after"
MIN_SIMILARITY = 0.5
NAME = "command_fixes"
# Causes in the person's own tools and settings, whatever the project: git's upstream is a user setting
# (``push.autoSetupRemote``). A missing program counts only with a same-named stand-in (``_on_the_machine``).
_PERSONAL_CAUSES = frozenset({"no upstream branch"})


@dataclass(frozen=True, slots=True)
class Fix:
    failed: Action
    fixed: Action


def find_fixes(view: SessionView) -> list[Fix]:
    """Every failure in the session that a close variant fixed right after."""
    runs = view.shell_runs()
    noise = expected.session_noise(view)
    fixes: list[Fix] = []
    for position, failed in enumerate(runs):
        if not failed.failed or failed.command is None or expected.is_answer(failed, noise):
            continue  # an answer (no match, no such file) is not a mistake that a variant corrects
        fix = _first_fix(view, failed, runs[position + 1 : position + 1 + WINDOW])
        if fix is not None:
            fixes.append(Fix(failed=failed, fixed=fix))
    return fixes


def _first_fix(view: SessionView, failed: Action, following: list[Action]) -> Action | None:
    before = commands.essential(failed.command or "")
    same = canonical.key_of(failed.command or "")
    for candidate in following:
        if _edited_between(view, failed.index, candidate.index):
            return None
        after = commands.essential(candidate.command or "")
        if canonical.key_of(candidate.command or "") == same:
            return None  # the same command again: if it worked now, that was flakiness
        if candidate.ok and _close(before, after):
            return candidate
        if candidate.ok and _step_before(failed, candidate):
            return None  # `ulimit -n 4096 && cargo test` fixed it (a hazard's remedy): what runs next is other work
    return None


def _step_before(failed: Action, candidate: Action) -> bool:
    """The candidate runs the failed command itself after a step of its own (``ulimit -n 4096 &&
    cargo test``). When that step is no close variant, ``hazards._remedy`` reads the fix; either way
    a later command is not what fixed the failure."""
    head = canonical.of_command(failed.command or "")
    parts = canonical.of_parts(candidate.command or "")
    return head is not None and len(parts) > 1 and any(part.head == head.head for part in parts)


def _edited_between(view: SessionView, start: int, end: int) -> bool:
    return any(action.is_edit and start < action.index < end for action in view.actions)


def _close(before: list[str], after: list[str]) -> bool:
    if not before or not after:
        return False
    role = _family(commands.role(commands.signature(before)))
    if role is not None and role == _family(commands.role(commands.signature(after))):
        return True
    first, second = (token.rsplit("/", 1)[-1] for token in (before[0], after[0]))
    same_program = SequenceMatcher(a=first, b=second).ratio() >= 0.6
    return same_program and commands.similarity(before, after) >= MIN_SIMILARITY


def _family(role: str | None) -> str | None:
    """ "Run the tests" and "run the checks" answer the same need: either fixes the other."""
    return "verify" if role in {"test", "check"} else role


def extract(view: SessionView) -> Iterator[Observation]:
    merged: dict[str, Observation] = {}
    for fix in find_fixes(view):
        observation = _observation(view, fix)
        if observation is None:
            continue
        earlier = merged.get(observation.key)
        if earlier is not None:
            observation = replace(
                earlier, evidence=earlier.evidence + observation.evidence, outcomes=earlier.outcomes + 1
            )
        merged[observation.key] = observation
    yield from merged.values()


def _observation(view: SessionView, fix: Fix) -> Observation | None:
    error = signatures.without(fix.failed.output, expected.session_noise(view))
    failed_main = commands.main_segment(fix.failed.command or "")
    fixed_main = commands.main_segment(fix.fixed.command or "")
    old_sig, new_sig = commands.signature(failed_main), commands.signature(fixed_main)
    old_form, new_form = canonical.canonicalise(failed_main, error), canonical.canonicalise(fixed_main, error)
    failed_text = canonical.rendered(fix.failed.command or "", error)
    fixed_parts = canonical.of_parts(fix.fixed.command or "", error)
    if any(part.head == old_form.head for part in fixed_parts) and len(fixed_parts) > 1:
        new_sig = old_sig  # a step before the same command (``ulimit -n 4096 && cargo test``): the same command, fixed
    if not old_sig or not new_sig:
        return None
    what = signatures.describe(error)
    machine = _on_the_machine(fix, error)
    here = "On this machine: " if machine else "In this project: "
    trigger = Trigger(tools=(fix.failed.call.tool_name or "Bash",), commands=(old_sig,), keywords=(what,))
    if old_sig != new_sig:
        old, new = _changed_words(old_sig, new_sig)
        if not _one_name_changed(old_sig, new_sig, old, new):  # say the whole commands
            old, new = old_form.form, new_form.form
        statement = f"{here}Use `{new}`, not `{old}` (`{old}` fails here: {signatures.reason(error)})."
        key, topic, stance, against, kind = (
            f"use:{new}|not:{old}",
            "choice:" + "|".join(sorted({old, new})),
            new,
            old,
            LessonKind.PREFERENCE,
        )
    else:
        new_text = canonical.rendered(fix.fixed.command or "", error)
        statement = f"{here}`{failed_text}` fails here ({signatures.reason(error)}); use `{new_text}` instead."
        new_key = canonical.key_of(fix.fixed.command or "")
        key, topic, stance, against, kind = (
            f"fix:{canonical.key_of(fix.failed.command or '')}=>{new_key}",
            "",
            "",
            "",
            LessonKind.FACT,
        )
    return Observation(
        key=key,
        kind=kind,
        statement=statement,
        scope=view.scope(ScopeLevel.GLOBAL if machine else ScopeLevel.PROJECT),
        evidence=_proof(fix),
        extractor=NAME,
        trigger=trigger,
        topic=topic,
        stance=stance,
        against=against,
        outcomes=1,
    )


def _on_the_machine(fix: Fix, error: str) -> bool:
    """Whether the failure lies in the person's machine rather than the project: git's missing upstream,
    or a missing program that a program of nearly the same name on the PATH replaced. A runner that
    wraps the missing program (``uv run pytest``, ``npx jest``) or a wrapper of the project's own
    (``./gradlew``) says the project provides it: that fix is the project's."""
    cause = signatures.error_class(error)
    if cause in _PERSONAL_CAUSES:
        return True
    missing = signatures.missing_program(error)
    failed, fixed = commands.essential(fix.failed.command or ""), commands.essential(fix.fixed.command or "")
    if cause != "command not found" or missing is None or not failed or not fixed:
        return False
    return (
        failed[0] == missing
        and "/" not in fixed[0]
        and missing not in fixed
        and SequenceMatcher(a=missing, b=fixed[0]).ratio() >= 0.6
    )


def _proof(fix: Fix) -> tuple[Evidence, ...]:
    failed, fixed = fix.failed, fix.fixed
    items = [evidence(failed.call, Basis.OBSERVED, "failure", failed.command)]
    if failed.result is not None:
        items.append(evidence(failed.result, Basis.OBSERVED, "failure_output", signatures.telling_line(failed.output)))
    items.append(evidence(fixed.call, Basis.OBSERVED, "fix", fixed.command))
    if fixed.result is not None:
        items.append(evidence(fixed.result, Basis.OBSERVED, "success"))
    return tuple(items)


def _one_name_changed(old_sig: str, new_sig: str, old: str, new: str) -> bool:
    """Whether "use `pnpm`, not `npm`" says it all: only the program changed, and to a program of the
    same kind (a near-identical name, or another package manager of one ecosystem). ``make test`` ->
    ``go test`` or ``cargo test`` -> ``cargo nextest`` must be said whole."""
    if len(old.split()) > 1 or len(new.split()) > 1 or old != old_sig.split()[0] or new != new_sig.split()[0]:
        return False
    if SequenceMatcher(a=old, b=new).ratio() >= 0.6:
        return True
    ecosystems = {name: found[0] for name, found in MANAGERS.items()}
    return old in ecosystems and ecosystems.get(old) == ecosystems.get(new)


def _changed_words(old: str, new: str) -> tuple[str, str]:
    """``npm test`` -> ``pnpm test`` is a change of ``npm`` to ``pnpm``: drop the common ends."""
    a, b = old.split(), new.split()
    while len(a) > 1 and len(b) > 1 and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    while len(a) > 1 and len(b) > 1 and a[0] == b[0]:
        a, b = a[1:], b[1:]
    return " ".join(a), " ".join(b)


EXTRACTOR = Extractor(name=NAME, summary="a failing command followed by a close variant that works", extract=extract)
