"""What the recall hook does once it runs: read the payload, answer the event, fail open.

Agents reach it through the combined hook, ``capture/hook.py --recall yes``, which spools the event and
then calls :func:`answer_raw` in the same process (one process per event). ``recall/hook.py`` (the
separate recall entry that ``reverie init`` wrote before) still works and calls :func:`main`.

The agent waits for the hook, so it is built like the capture hook and stricter still: standard library
only (and not even ``json``, ``re``, ``typing`` or the ``sqlite3`` package: see ``wire`` and ``lookup``)
and it fails open: whatever goes wrong, it exits 0 with nothing on stdout and writes the traceback to
``<home>/logs/recall.log``. The answer is written in one piece, only once it is complete.

Output, for both Claude Code and Codex (whose hook output schema accepts the same object for
SessionStart, UserPromptSubmit and PreToolUse)::

    {"hookSpecificOutput": {"hookEventName": "<event>", "additionalContext": "<reverie-context ...>"}}

and, before a call that a lesson forbids (``verdicts``)::

    {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                            "permissionDecisionReason": "<reverie-context kind=\"decision\">...">}}

When the recall index is found stale (lessons changed since it was built), a rebuild is started fully
detached (``python -m reverie.recall.index``), at most one every two minutes.
"""

from __future__ import annotations

import sys
import time

from reverie import deadline, lean_os
from reverie.atomic import make_private_dir
from reverie.recall import config, inject, lookup, verdicts, wire
from reverie.recall import session_state as states

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

HOME_ENV = "REVERIE_HOME"
SHOWN_ENV = "REVERIE_RECALL_SHOWN"  # lesson ids the session's prompt already carries
EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse")
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024  # a prompt or a tool input; anything longer is read and dropped
MAX_LOG_BYTES = 1024 * 1024
DEADLINE_SECONDS = 3.0  # the agent waits for this hook; its own timeout is 5 s
REFRESH_LOCK = lean_os.join("recall", "refresh.lock")
REFRESH_LOCK_SECONDS = 120  # a rebuild that has not finished by then is presumed dead
_FRESH_CONTEXT = ("startup", "clear", "compact")


def main(argv: list[str]) -> int:
    """The standalone recall hook (``recall/hook.py``): read stdin, answer, fail open."""
    options = _options(argv)
    home = lean_os.getenv(HOME_ENV) or options.get("home")
    disarm = deadline.arm(DEADLINE_SECONDS)
    try:
        try:
            raw = _read_stdin()
        finally:
            disarm()
    except BaseException:
        _log_error(home)
        return 0
    return answer_raw(options.get("agent", ""), options.get("event", ""), raw, home)


def answer_raw(agent: str, event: str, raw: bytes, home: str | None) -> int:
    """Answer one event whose payload was already read (by this hook or by the combined capture hook).

    Runs under its own ``DEADLINE_SECONDS``; on any error, nothing reaches stdout and the traceback goes
    to ``recall.log``. A payload over ``MAX_PAYLOAD_BYTES`` gets no answer, as if it had been cut.
    """
    disarm = deadline.arm(DEADLINE_SECONDS)
    try:
        try:
            if not home:
                raise ValueError("no --home given and REVERIE_HOME is not set")
            if len(raw) > MAX_PAYLOAD_BYTES:
                raise ValueError(f"a payload of {len(raw)} bytes is over the recall hook's bound")
            payload = wire.loads(raw.decode("utf-8", "replace"))
            if not isinstance(payload, dict):
                raise ValueError("the payload is not a JSON object")
            output = hook_output(event, *reply(agent, event, payload, home, lean_os.environ()))
        finally:
            disarm()
        if output:
            sys.stdout.write(wire.dumps(output))
            sys.stdout.flush()
    except BaseException:
        _log_error(home)
    return 0


def answer(agent: str, event: str, payload: dict[str, object], home: str, environ: Mapping[str, str]) -> str:
    """The context to inject for one hook event ("" for none); updates the session's state."""
    return reply(agent, event, payload, home, environ)[0]


def hook_output(event: str, text: str, decision: verdicts.Verdict | None) -> dict[str, object] | None:
    """The object the agent reads: a permission decision with its reason, or context, or nothing."""
    if decision is not None:
        specific = {"hookEventName": event, "permissionDecision": decision.decision}
        return {"hookSpecificOutput": {**specific, "permissionDecisionReason": decision.reason}}
    if text:
        return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": text}}
    return None


def reply(
    agent: str, event: str, payload: dict[str, object], home: str, environ: Mapping[str, str]
) -> tuple[str, verdicts.Verdict | None]:
    """(context, permission decision) for one hook event; updates the session's state."""
    if event not in EVENTS or not config.injection_enabled(environ):
        return "", None
    session_id = states.safe_session_id(payload.get("session_id"))
    state = states.SessionState.load(home, session_id)
    if event == "SessionStart":
        if payload.get("source", "startup") in _FRESH_CONTEXT:
            state.forget_shown()
        budget = config.load(home, environ)
        state.budget = budget.to_json()
    else:
        budget = config.from_environment(environ, state.budget)
    if event == "UserPromptSubmit":
        state.new_turn()
    state.mark_elsewhere(_shown_elsewhere(environ))
    cwd = payload.get("cwd")
    project = inject.project_of(cwd if isinstance(cwd, str) else "", state, home, session_id)
    tokens = lookup.scope_tokens(project, session_id)
    head = lookup.read_head(home)
    if head is None:
        state.save()
        return "", None
    record: dict[str, object] = {"event": event, "turn": state.turn}
    if event == "SessionStart":
        text, decision = _session_start(agent, payload, state, budget, home, head, tokens, record), None
    else:
        index = lookup.open_index(home, tokens, head)
        text, decision = _respond(agent, event, payload, state, budget, index, record) if index else ("", None)
    record["project"] = project
    state.save()
    if text or decision:
        states.log_injection(home, session_id, record)
    if head.stale:
        request_refresh(home)
    return text, decision


def _session_start(
    agent: str,
    payload: dict[str, object],
    state: states.SessionState,
    budget: config.Budget,
    home: str,
    head: lookup.Head,
    tokens: list[str],
    record: dict[str, object],
) -> str:
    """The digest: from ``digest_cache`` when a fresh session of this project already had it, else built
    (premises checked first) and kept for the next one."""
    from reverie.recall import digest_cache  # only at session start

    record["channel"] = states.DIGEST
    text, record["lessons"] = digest_cache.answer(home, head, tokens, state, budget, agent, _project_dir(payload))
    return text


def _respond(
    agent: str,
    event: str,
    payload: dict[str, object],
    state: states.SessionState,
    budget: config.Budget,
    index: lookup.RecallIndex,
    record: dict[str, object],
) -> tuple[str, verdicts.Verdict | None]:
    now = time.time()
    if event == "UserPromptSubmit":
        prompt = payload.get("prompt")
        result = inject.prompt(index, state, budget, agent, now, prompt if isinstance(prompt, str) else "")
        record["channel"] = states.PROMPT
    else:
        tool_name = payload.get("tool_name")
        tool_input = payload.get("tool_input")
        name = tool_name if isinstance(tool_name, str) else ""
        result, in_play = inject.call(index, state, budget, agent, now, name, tool_input)
        record.update(channel=states.TOOL, call=in_play.describe(), tool_use_id=payload.get("tool_use_id"))
        decision = inject.call_decision(result, state, budget.integer("call_decision"))
        if decision is not None:
            record.update(decision=decision.decision, lessons=decision.lessons)
            return "", decision  # the reason carries the lesson: no second copy as context
    record["lessons"] = inject.lesson_ids(result.shown)
    return result.text, None


def _project_dir(payload: dict[str, object]) -> str:
    folder = lean_os.getenv("CLAUDE_PROJECT_DIR") or payload.get("cwd")
    return folder if isinstance(folder, str) else ""


def _shown_elsewhere(environ: Mapping[str, str]) -> list[str]:
    """Lessons the session's own prompt already carries (``reverie loop`` names them): never again."""
    return [item for item in environ.get(SHOWN_ENV, "").split(",") if item.strip()][:200]


def request_refresh(home: str) -> None:
    """Start ``python -m reverie.recall.index`` detached, unless one started less than two minutes ago."""
    lock = lean_os.join(home, REFRESH_LOCK)
    try:
        if time.time() - lean_os.getmtime(lock) < REFRESH_LOCK_SECONDS:
            return
        lean_os.unlink(lock)
    except FileNotFoundError:
        pass
    make_private_dir(lean_os.dirname(lock))
    try:
        lean_os.close(lean_os.open(lock, lean_os.O_CREAT | lean_os.O_EXCL | lean_os.O_WRONLY, 0o600))
    except FileExistsError:
        return  # another hook won the race
    import os  # only here, with subprocess: most hook calls never need them
    import subprocess

    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    env = {**os.environ, "REVERIE_CAPTURE": "0", config.INJECT_ENV: "0", HOME_ENV: home}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
    command = [sys.executable, "-m", "reverie.recall.index", "--home", home, "--unlock", lock]
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if os.name == "nt":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        subprocess.Popen(command, **quiet, close_fds=True, cwd=home, env=env, creationflags=flags)  # type: ignore[call-overload]
    else:
        subprocess.Popen(command, **quiet, close_fds=True, cwd=home, env=env, start_new_session=True)  # type: ignore[call-overload]


def _options(argv: list[str]) -> dict[str, str]:
    """``--name value`` pairs; argparse costs more to import than the rest of the hook."""
    return {word[2:]: argv[i + 1] for i, word in enumerate(argv[:-1]) if word.startswith("--")}


def _read_stdin() -> bytes:
    """The payload, at most ``MAX_PAYLOAD_BYTES``; the rest is read (the agent must not block on a full
    pipe) and dropped. A cut payload is not valid JSON, so nothing is injected for it."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None or stream.isatty():
        return b""
    kept = bytearray()
    while chunk := stream.read(1024 * 1024):
        if len(kept) <= MAX_PAYLOAD_BYTES:  # one byte over the bound marks the payload as cut
            kept += chunk[: MAX_PAYLOAD_BYTES + 1 - len(kept)]
    return bytes(kept)


def _log_error(home: str | None) -> None:
    """Append the current exception to ``<home>/logs/recall.log`` (0600, rotated at ``MAX_LOG_BYTES``)."""
    try:
        import traceback

        if not home:
            return
        folder = lean_os.join(home, "logs")
        make_private_dir(folder)
        path = lean_os.join(folder, "recall.log")
        if lean_os.exists(path) and lean_os.getsize(path) > MAX_LOG_BYTES:
            lean_os.replace(path, path + ".1")
        descriptor = lean_os.open(path, lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_APPEND, 0o600)
        with open(descriptor, "a", encoding="utf-8") as log:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            log.write(f"{stamp} {' '.join(sys.argv[1:])}\n{traceback.format_exc()}\n")
    except BaseException:
        pass
