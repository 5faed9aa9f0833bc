"""What one session has been shown, kept in one tiny file: ``<home>/recall/sessions/<session id>.json``.

The hook is a new process for every event, so what it must remember between events of a session
lives here: the turn (prompts so far), the project of each working directory (computing it imports
more than the hook can afford, so it is done once), the budget resolved at session start, the tokens
spent this turn and in the whole session, when and how each lesson was shown, and which lessons
stopped a call.

**Once.** A lesson reaches a session at most once, whatever the channel (digest, prompt, tool call):
a second copy costs tokens and says nothing new. One token budget covers the whole session
(``session_tokens``), within which each turn keeps its own (``turn_tokens``). A lesson that forbids
the call about to run is different: it may stop that call once (``verdicts``), even when the digest
already showed it, because stopping the call is the point.

A compaction (``SessionStart`` with ``source: compact``) or ``/clear`` empties the context, and with
it what was shown. Parallel tool calls may race on the file; the last writer wins, which at worst
shows a lesson twice.

Each injection is also appended to ``<home>/recall/injections/<session id>.jsonl`` for outcome
tracking (``reverie.recall.outcomes``).
"""

from __future__ import annotations

import time

from reverie import lean_os
from reverie.atomic import make_private_dir, write_text_atomic
from reverie.recall import wire

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

STATE_DIR = lean_os.join("recall", "sessions")
INJECTION_DIR = lean_os.join("recall", "injections")
DIGEST = "digest"
PROMPT = "prompt"
TOOL = "tool"
ELSEWHERE = "elsewhere"  # in the session's own prompt (the loop's briefing), not injected by us
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def safe_session_id(session_id: object) -> str | None:
    """A session id usable as a file name, or None (then nothing is kept between events)."""
    if not isinstance(session_id, str) or not 0 < len(session_id) <= 128 or session_id.startswith("."):
        return None
    return session_id if set(session_id) <= _SAFE else None


class SessionState:
    __slots__ = (
        "budget",
        "denied_ids",
        "followed",
        "loaded",
        "path",
        "projects",
        "shown",
        "spent",
        "spent_total",
        "spent_turn",
        "turn",
        "unmet",
    )

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.turn = 0
        self.projects: dict[str, str] = {}
        self.budget: dict[str, float] | None = None
        self.shown: dict[str, list[object]] = {}  # lesson id -> [turn, channel, just_in_time_before]
        self.spent = 0
        self.spent_turn = 0
        self.spent_total = 0  # every token injected this session, whatever the channel
        self.denied_ids: list[str] = []  # lessons that stopped a call this session
        self.unmet: dict[str, str] = {}  # lesson id -> why its premise failed in this workspace (``premises``)
        self.followed: list[str] = []  # lessons about a chore whose command a call of this session already ran
        self.loaded = ""  # the file as read, so an unchanged state is not written again

    @classmethod
    def load(cls, home: str, session_id: str | None) -> SessionState:
        path = lean_os.join(home, STATE_DIR, session_id + ".json") if session_id else None
        state = cls(path)
        if path is None:
            return state
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read()
            data = wire.loads(text)
        except (OSError, ValueError):
            return state  # none yet, or unreadable: start clean rather than fail
        if isinstance(data, dict):
            state._read(data)
            state.loaded = text
        return state

    def _read(self, data: dict[str, object]) -> None:
        turn, projects, budget, shown, spent = (data.get(k) for k in ("turn", "projects", "budget", "shown", "spent"))
        self.turn = turn if isinstance(turn, int) else 0
        self.projects = {str(k): str(v) for k, v in projects.items()} if isinstance(projects, dict) else {}
        self.budget = dict(budget) if isinstance(budget, dict) else None
        self.shown = {str(k): v for k, v in shown.items() if isinstance(v, list)} if isinstance(shown, dict) else {}
        if isinstance(spent, list) and len(spent) == 2 and all(isinstance(x, int) for x in spent):
            self.spent_turn, self.spent = spent
        total, denied, unmet = data.get("spent_total"), data.get("denied"), data.get("unmet")
        self.unmet = {str(k): str(v) for k, v in unmet.items()} if isinstance(unmet, dict) else {}
        self.spent_total = total if isinstance(total, int) else 0
        self.denied_ids = [str(item) for item in denied] if isinstance(denied, list) else []
        followed = data.get("followed")
        self.followed = [str(item) for item in followed] if isinstance(followed, list) else []

    def save(self) -> None:
        if self.path is None:
            return
        data = {
            "v": 1,
            "turn": self.turn,
            "projects": self.projects,
            "budget": self.budget,
            "shown": self.shown,
            "spent": [self.spent_turn, self.spent],
            "spent_total": self.spent_total,
            "denied": self.denied_ids,
            "unmet": self.unmet,
            "followed": self.followed,
        }
        text = wire.dumps(data)
        if text != self.loaded:
            _write_private(self.path, text)
            self.loaded = text

    # -- turns and budget -----------------------------------------------------------------------

    def new_turn(self) -> None:
        self.turn += 1
        self.spent_turn, self.spent = self.turn, 0

    def tokens_left(self, turn_tokens: int, session_tokens: int | None = None) -> int:
        """What this turn may still inject: the turn's budget, within what is left of the session's."""
        spent = self.spent if self.spent_turn == self.turn else 0
        left = max(0, turn_tokens - spent)
        return left if session_tokens is None else min(left, max(0, session_tokens - self.spent_total))

    def forget_shown(self) -> None:
        """The context was compacted or cleared: what it showed is gone, and so is what it cost."""
        self.shown = {}
        self.spent_total = 0

    def denied(self, lesson_id: str) -> bool:
        return lesson_id in self.denied_ids

    def mark_denied(self, lesson_id: str) -> None:
        if lesson_id not in self.denied_ids:
            self.denied_ids.append(lesson_id)

    # -- repeats ------------------------------------------------------------------------------

    def eligible(self, lesson_id: str) -> tuple[bool, str]:
        """Whether the lesson may be shown now, and why not if it may not: once per session, whatever
        the channel (a lesson that forbids a call may still stop it once: see ``verdicts``)."""
        seen = self.shown.get(lesson_id)
        if not seen:
            return True, ""
        turn = seen[0] if isinstance(seen[0], int) else 0
        how = seen[1] if len(seen) > 1 else DIGEST
        if how == ELSEWHERE:
            return False, "already in the session's prompt"
        return False, f"already shown this session (turn {turn}, {how})"

    def mark_elsewhere(self, lesson_ids: Sequence[str]) -> None:
        """Lessons that reached the session some other way (the loop's briefing): never shown here."""
        for lesson_id in lesson_ids:
            self.shown[lesson_id] = [0, ELSEWHERE]

    def mark_shown(self, lesson_ids: Sequence[str], channel: str, tokens: int) -> None:
        for lesson_id in lesson_ids:
            self.shown[lesson_id] = [self.turn, channel]
        self.spent_total += tokens
        if channel != DIGEST:
            if self.spent_turn != self.turn:
                self.spent_turn, self.spent = self.turn, 0
            self.spent += tokens

    def withdraw(self, lesson_ids: Sequence[str], tokens: int) -> None:
        """Lessons marked shown at this call that did not reach the model after all (a permission decision
        took the place of the context they were in): they may still be shown later in the session."""
        for lesson_id in lesson_ids:
            self.shown.pop(lesson_id, None)
        self.spent_total = max(0, self.spent_total - tokens)
        if self.spent_turn == self.turn:
            self.spent = max(0, self.spent - tokens)


def log_injection(home: str, session_id: str | None, record: dict[str, object]) -> None:
    """Append one injection to the session's log (what outcome tracking reads later)."""
    if session_id is None:
        return
    folder = lean_os.join(home, INJECTION_DIR)
    make_private_dir(folder)
    record = {"at": _iso_now(), **record}
    flags = lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_APPEND
    with open(lean_os.open(lean_os.join(folder, session_id + ".jsonl"), flags, 0o600), "a", encoding="utf-8") as file:
        file.write(wire.dumps(record) + "\n")


def _write_private(path: str, text: str) -> None:
    write_text_atomic(path, text)


def _iso_now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}+00:00"
