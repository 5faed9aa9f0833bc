"""The rules that make the memory trustworthy, applied to every observation and every lesson.

1. **Nothing reverie wrote is learned.** Evidence whose event is reverie's own injected context is
   dropped, and so is an observation whose statement or evidence quotes reverie's own words; a
   tool call that reverie's compiled hook blocked, that the person's permission settings denied, or
   that ran reverie itself (``reverie lessons``) is not an action at all (``learnable_call``): its
   "failure" is our own block message, its output our own lessons.
2. **Basis must match origin.** Only text the person typed can be a user statement; an agent's text
   is at most an agent claim; tool output (command output, files, web pages) is at most tool text.
   An extractor (or an LLM proposer) that says otherwise is corrected here, not trusted.
3. **Tool text never instructs.** A lesson resting only on tool text is a fact, quarantined: an
   "AI agents must always run …" line in a README can never become a preference, rule or procedure.
4. **Activation needs enough evidence**: an explicit user statement, or user/observed evidence from
   at least ``ACTIVE_SESSIONS`` distinct sessions. Each observation may cap the status it allows
   (an agent's compaction summary never lifts a lesson above candidate on its own).
5. **One-off is not durable.** A non-durable lesson stays a candidate scoped to its session.
6. **Forgotten stays forgotten**, and a superseded lesson stays retired until its topic flips back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from reverie.distill import commands
from reverie.domain.events import Origin
from reverie.domain.lessons import (
    Basis,
    Evidence,
    Lesson,
    LessonKind,
    LessonStatus,
    Observation,
)
from reverie.domain.markers import HOOK_MARK, contains_injected

ACTIVE_SESSIONS = 2
_STATUS_ORDER = (LessonStatus.QUARANTINED, LessonStatus.CANDIDATE, LessonStatus.ACTIVE)
_ALLOWED_BASES: dict[Origin, tuple[Basis, ...]] = {
    Origin.USER: (Basis.USER_STATEMENT, Basis.OBSERVED, Basis.AGENT_CLAIM, Basis.TOOL_TEXT),
    Origin.AGENT: (Basis.OBSERVED, Basis.AGENT_CLAIM, Basis.TOOL_TEXT),
    Origin.SYSTEM: (Basis.OBSERVED, Basis.AGENT_CLAIM, Basis.TOOL_TEXT),
    Origin.TOOL: (Basis.OBSERVED, Basis.TOOL_TEXT),
    Origin.INJECTED: (),
}
_DOWNGRADE = {Origin.AGENT: Basis.AGENT_CLAIM, Origin.SYSTEM: Basis.AGENT_CLAIM, Origin.TOOL: Basis.TOOL_TEXT}


# Our own words, however they reach a transcript: a compiled hook's block or reminder (also hooks
# compiled before they carried ``HOOK_MARK``), wrapped by the agent as "PreToolUse:Edit hook error:
# [python3 .../hooks/reverie/x.py]: ...".
_OWN_WORDS = re.compile(
    r"(?:Blocked by|Reminder from) reverie lesson \S+:|hook error: \[[^\]\n]*hooks/reverie/[^\]\n]*\]:", re.IGNORECASE
)
# The agent's permission layer refusing a call: the call never ran, so it neither failed nor worked.
_DENIED = re.compile(
    r"^\s*(?:Permission to use \S+(?: with command .{0,2000}?)? has been denied|"
    r"Permission for this tool use was denied|Claude requested permissions to |The user doesn't want to proceed)",
    re.DOTALL,
)
_DENIAL_STARTS = frozenset({"P", "C", "T", " ", "\n"})
_REVERIE_PROGRAMS = frozenset({"reverie"})


def written_by_reverie(text: str) -> bool:
    """Text that reverie itself put in the session: injected context, a compiled hook's message."""
    if "reverie" not in text:  # the cheap test first: outputs can be megabytes
        return False
    return HOOK_MARK in text or contains_injected(text) or _OWN_WORDS.search(text) is not None


def learnable_call(command: str | None, result_text: str) -> bool:
    """Whether a tool call and its result say anything about the project (``SessionView`` asks)."""
    if written_by_reverie(result_text) or (result_text[:1] in _DENIAL_STARTS and _DENIED.match(result_text)):
        return False
    return command is None or "reverie" not in command or not runs_reverie(command)


def runs_reverie(command: str) -> bool:
    """``reverie lessons``, ``.venv/bin/reverie recall x``, ``python -m reverie ...``, ``uv run reverie``."""
    for part in commands.segments(command):
        words = [word.rsplit("/", 1)[-1] for word in part[:4]]
        if words and (words[0] in _REVERIE_PROGRAMS or ("reverie" in words[1:3] and words[0] in _LAUNCHERS)):
            return True
    return False


_LAUNCHERS = frozenset({"python", "python3", "uv", "uvx", "pipx", "poetry", "hatch", "pdm"})


def admit(observation: Observation) -> Observation | None:
    """The observation as the guards allow it, or None when nothing trustworthy is left."""
    if written_by_reverie(observation.statement):
        return None
    kept = (e for e in observation.evidence if e.origin is not Origin.INJECTED and not written_by_reverie(e.excerpt))
    evidence = tuple(_honest(e) for e in kept)
    if not evidence:
        return None
    admitted = replace(observation, evidence=evidence)
    if {e.basis for e in evidence} == {Basis.TOOL_TEXT}:
        admitted = replace(admitted, kind=LessonKind.FACT, max_status=LessonStatus.QUARANTINED, explicit=False)
    if not any(e.basis is Basis.USER_STATEMENT for e in evidence):
        admitted = replace(admitted, explicit=False)
    return admitted


def _honest(evidence: Evidence) -> Evidence:
    if evidence.basis in _ALLOWED_BASES[evidence.origin]:
        return evidence
    return replace(evidence, basis=_DOWNGRADE.get(evidence.origin, Basis.TOOL_TEXT))


def decide_status(lesson: Lesson, observations: Sequence[Observation]) -> LessonStatus:
    """The status the evidence earns (before any supersession)."""
    if lesson.forgotten_reason is not None or lesson.superseded_by is not None:
        return LessonStatus.RETIRED
    bases = {e.basis for e in lesson.evidence}
    if bases == {Basis.TOOL_TEXT}:
        return LessonStatus.QUARANTINED
    cap = max((_rank(o.max_status) for o in observations), default=_rank(LessonStatus.CANDIDATE))
    earned = LessonStatus.ACTIVE if _earns_activation(lesson, observations) else LessonStatus.CANDIDATE
    if not lesson.durable:
        earned = LessonStatus.CANDIDATE
    return _STATUS_ORDER[min(cap, _rank(earned))]


def _earns_activation(lesson: Lesson, observations: Sequence[Observation]) -> bool:
    if any(o.explicit for o in observations):
        return True
    trusted = {e.session_id for e in lesson.evidence if e.basis in (Basis.USER_STATEMENT, Basis.OBSERVED)}
    return len(trusted - {None}) >= ACTIVE_SESSIONS


def _rank(status: LessonStatus) -> int:
    return _STATUS_ORDER.index(status) if status in _STATUS_ORDER else 0


def uncertainty(lesson: Lesson, observations: Sequence[Observation]) -> str | None:
    """A plain note when the evidence is thin, for people and for recall."""
    bases = {e.basis for e in lesson.evidence}
    notes = [note for o in observations for note in (o.uncertainty,) if note]
    if bases == {Basis.TOOL_TEXT}:
        notes.append("from untrusted tool output only; quarantined for review")
    elif not bases & {Basis.USER_STATEMENT, Basis.OBSERVED}:
        notes.append("the agent's own account only; not confirmed by the person or by an outcome")
    elif not lesson.durable:
        notes.append("a one-off request: valid for its session only")
    elif len(lesson.sessions) < ACTIVE_SESSIONS and not any(o.explicit for o in observations):
        notes.append("seen in one session only")
    if lesson.confidence.contradictions:
        notes.append(f"contradicted {lesson.confidence.contradictions} time(s)")
    return "; ".join(dict.fromkeys(notes)) or None
