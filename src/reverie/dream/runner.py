"""Running a dream: one store version and the sessions in range in, a change-set out.

The record follows the Anthropic Dreams contract: ``pending`` when created, ``running`` once it
has sealed its input version, then ``completed`` (with its change-set and a proposed store version),
``failed`` (with the error; a budget overrun is a failure) or ``canceled`` (interrupted). A dream
killed outright stays ``running`` in the store; the next dream, or ``reverie dreams``, finds its lock
free and marks it failed. In every case the input version is exactly as it was: a dream writes no
lesson, only its own record and change-set, the latter in one transaction at the end.

Which sessions: ``--sessions`` names them; ``--since`` takes those that started in the window;
otherwise every session with events after the last completed dream (``through_seq``), which is
what keeps the cost of a dream proportional to the new work.

A *gate* (``reverie.review.gate``, chosen by the application layer) may measure the input lessons against the
proposed ones (the input with every change applied) once the passes ran; what it returns (the
verdict, as numbers) is written into the record's usage with the outcome, in the same transaction.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reverie.domain.changes import Change
from reverie.domain.lessons import Lesson
from reverie.dream import registry, snapshot
from reverie.dream.registry import DreamPass
from reverie.dream.safety import Budget, BudgetExceeded, DreamBusy, quiet, single_flight
from reverie.errors import InputError, NotFoundError
from reverie.store import Store
from reverie.store.protocol import DreamRecord

UNFINISHED = ("pending", "running")

# (input lessons, proposed lessons, the dream's clock) -> numbers to keep in the record's usage
Gate = Callable[[Sequence[Lesson], Sequence[Lesson], datetime], Mapping[str, float]]
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class DreamRequest:
    session_ids: tuple[str, ...] = ()  # ids or unique prefixes
    since: timedelta | None = None
    instructions: str = ""
    trigger: str = "manual"  # manual | auto
    budget_seconds: float = 300.0
    budget_tokens: int = 0
    wait: float = 5.0  # seconds to wait for another dream to finish
    now: datetime | None = None  # the dream's clock (replays pass the replay time)
    # what recall's premise checks found in these sessions (the application layer reads recall's state)
    premise_checks: Callable[[Sequence[str]], Sequence[snapshot.PremiseCheck]] | None = None


def run_dream(
    store: Store,
    home: Path,
    request: DreamRequest,
    *,
    passes: Sequence[DreamPass] | None = None,
    gate: Gate | None = None,
    progress: Progress | None = None,
) -> DreamRecord:
    """``progress`` hears (passes run, passes) after each pass."""
    quiet()
    with single_flight(home, wait=request.wait) as held:
        if not held:
            raise DreamBusy(f"another dream is running in {home}; try again when it has finished (`reverie dreams`)")
        reap(store)
        return _dream(store, request, passes if passes is not None else registry.passes(), gate, progress)


def _dream(
    store: Store,
    request: DreamRequest,
    passes: Sequence[DreamPass],
    gate: Gate | None = None,
    progress: Progress | None = None,
) -> DreamRecord:
    moment = request.now or datetime.now(UTC)
    session_ids, through = select_sessions(store, request, moment)
    record = DreamRecord(
        id=new_id(moment),
        status="pending",
        trigger=request.trigger,
        created_at=moment.isoformat(timespec="seconds"),
        session_ids=session_ids,
        through_seq=through,
        instructions=request.instructions,
    )
    store.create_dream(record)
    budget = Budget(seconds=request.budget_seconds, tokens=request.budget_tokens)
    sealed = store.seal_head()
    store.start_dream(record.id, input_version=sealed.id, pid=os.getpid())
    try:
        lessons = None if store.head().id == sealed.id else store.version_lessons(sealed.id)
        view = snapshot.build(
            store,
            version=sealed.id,
            session_ids=session_ids,
            now=moment,
            instructions=request.instructions,
            lessons=lessons,
            budget=budget,
            premises=request.premise_checks(session_ids) if request.premise_checks else (),
        )
        changes = run_passes(view, passes, budget, progress)
        verdict = dict(gate(view.live(), view.with_changes(changes).live(), moment)) if gate else {}
    except BudgetExceeded as error:
        return store.finish_dream(record.id, status="failed", usage=_usage(budget, 0), error=str(error))
    except Exception as error:  # a pass's bug fails this dream and is reported; the input is untouched
        return store.finish_dream(
            record.id, status="failed", usage=_usage(budget, 0), error=f"{type(error).__name__}: {error}"
        )
    except KeyboardInterrupt:
        store.finish_dream(record.id, status="canceled", usage=_usage(budget, 0), error="interrupted")
        raise
    usage = _usage(budget, len(view.lessons)) | {"sessions": float(len(session_ids))} | verdict
    return store.finish_dream(record.id, status="completed", usage=usage, changes=changes)


def run_passes(
    view: snapshot.Snapshot,
    passes: Sequence[DreamPass],
    budget: Budget | None = None,
    progress: Progress | None = None,
) -> list[Change]:
    """Every pass in order, each on the snapshot as the earlier ones' changes leave it; ids C1, C2, ..."""
    changes: list[Change] = []
    for number, dream_pass in enumerate(passes, 1):
        proposed = [
            replace(change, id=f"C{len(changes) + number}", proposed_by=change.proposed_by or dream_pass.name)
            for number, change in enumerate(dream_pass.run(view), 1)
        ]
        changes.extend(proposed)
        view = view.with_changes(proposed)
        if budget is not None:
            budget.check_time(f"after the {dream_pass.name} pass")
        if progress is not None:
            progress(number, len(passes))
    return changes


def propose(store: Store, home: Path, changes: Sequence[Change], *, note: str) -> DreamRecord:
    """Hand-made proposals (``reverie promote``, ``reverie evolve``): a dream record with no passes,
    reviewed and accepted like any other."""

    def given(_: snapshot.Snapshot) -> Sequence[Change]:
        return changes

    request = DreamRequest(instructions=note, trigger="proposal", session_ids=())
    quiet()
    with single_flight(home, wait=request.wait) as held:
        if not held:
            raise DreamBusy("a dream is running; propose again when it has finished")
        return _dream(store, request, (DreamPass("proposal", note, given),))


def select_sessions(store: Store, request: DreamRequest, now: datetime) -> tuple[tuple[str, ...], int]:
    last = last_completed(store)
    through = last.through_seq if last else 0
    if request.trigger == "proposal":
        return (), through
    if request.session_ids:
        return tuple(_resolve_session(store, prefix) for prefix in request.session_ids), through
    if request.since is not None:
        cutoff = (now - request.since).isoformat(timespec="seconds")
        found = [s for s in store.find_sessions("") if (s.started_at or s.ended_at or "") >= cutoff]
        _, newest = store.sessions_since(through)
        return tuple(s.id for s in found), newest
    return store.sessions_since(through)


def _resolve_session(store: Store, prefix: str) -> str:
    found = store.find_sessions(prefix)
    if len(found) != 1:
        raise NotFoundError(
            f"no session {prefix!r}" if not found else f"{prefix!r} matches {len(found)} sessions: give more of the id"
        )
    return found[0].id


def last_completed(store: Store) -> DreamRecord | None:
    return next((d for d in store.dreams() if d.status == "completed" and d.trigger != "proposal"), None)


def reap(store: Store) -> list[str]:
    """Mark dreams that never finished as failed. Call only while holding the dream lock: then no
    other dream can be running, so an unfinished record means its process died."""
    dead = [d.id for d in store.dreams() if d.status in UNFINISHED]
    for dream_id in dead:
        store.finish_dream(
            dream_id, status="failed", usage={}, error="the dream process stopped before it finished (killed?)"
        )
    return dead


def reap_if_idle(store: Store, home: Path) -> list[str]:
    with single_flight(home) as held:
        return reap(store) if held else []


def resolve(store: Store, prefix: str) -> DreamRecord:
    if not prefix:
        raise InputError("give a dream id (`reverie dreams` lists them)")
    found = store.find_dreams(prefix)
    if len(found) != 1:
        raise NotFoundError(
            f"no dream {prefix!r}; `reverie dreams` lists them" if not found else f"{prefix!r} matches several dreams"
        )
    return found[0]


def new_id(moment: datetime) -> str:
    # Eight hex digits: a property test (or a busy machine) runs many dreams within one second.
    return f"D{moment.astimezone(UTC):%Y%m%d%H%M%S}{secrets.token_hex(4)}"


def _usage(budget: Budget, lessons: int) -> dict[str, float]:
    return {
        "wall_seconds": round(budget.elapsed(), 3),
        "tokens": float(budget.spent_tokens),
        "lessons_read": float(lessons),
    }


def auto_due(store: Store, *, min_sessions: int, cooldown: timedelta, now: datetime) -> str | None:
    """Why an automatic dream should not run now, or None when it should."""
    last = last_completed(store)
    if last is not None and last.finished_at:
        finished = datetime.fromisoformat(last.finished_at)
        if now - finished < cooldown:
            return f"the last dream finished at {last.finished_at}; the cooldown is {cooldown}"
    new, _ = store.sessions_since(last.through_seq if last else 0)
    if len(new) < min_sessions:
        return f"{len(new)} new session(s) since the last dream; an automatic dream waits for {min_sessions}"
    return None
