"""One call of the capture hook: read the payload, redact it, note its project, spool it.

``hook.py`` is the script that agents run; it only sets up ``sys.path`` and calls ``main`` here, so
that this code loads from cached bytecode (a script is compiled from source on every run: 3.5 ms
for this module, a third of an interpreter start). Together they sit on the agent's critical path,
so they do as little as possible, import the standard library and ``reverie.capture.{redact,spool,
project}`` only (plus the two small modules that keep the hook fast, ``pattern_cache`` and
``lean_json``), never touch the network or an LLM, and fail open: whatever goes wrong, the hook
exits 0 with nothing on stdout and writes the traceback to ``<home>/logs/hook.log`` (0600, cut at
``MAX_LOG_BYTES``).

Bounds: the payload is read to the end (an agent blocked on a full pipe must never wait on us),
but only the first ``MAX_PAYLOAD_BYTES`` (32 MiB) are kept. Each string in the payload is kept up
to ``MAX_FIELD_CHARS`` (256 Ki characters); a longer one (a file read whole, a long command output)
is cut at a whitespace before that limit, so that no token is cut in half and left unrecognisable
to redaction, and a note says how much was dropped. Text that is not a JSON object is kept
(redacted, bounded) so that ``reverie ingest`` can report it; nothing is dropped silently.

``REVERIE_CAPTURE=0`` turns the hook off; reverie's own background agent runs set it so that they
never observe themselves. When a session ends (``SessionEnd``; Codex has it since 0.16x) the hook
starts ``reverie ingest --quiet --distill`` fully detached and does not wait for it (``REVERIE_AUTO_INGEST=0``
turns that off).

**One process per event.** With ``--recall yes`` (the entries ``reverie init`` writes for the events
where recall answers: SessionStart, UserPromptSubmit, PreToolUse) the same process then answers the event
through ``reverie.recall.respond``: the spool record is written first, then the answer (context or a
permission decision) is printed. Each part keeps its own deadline and its own log (``hook.log``,
``recall.log``); a failed capture does not keep recall from answering, a hang does (whatever hung would
hang recall too). ``REVERIE_CAPTURE=0`` turns capture off and ``REVERIE_INJECT=0`` recall; with both off
the process imports nothing. Other events never import the recall modules.

``SessionStart`` records a little more than its payload: the hook's interpreter and reverie's
version (to read old spool records correctly later) and ``CLAUDE_PROJECT_DIR``, the project root
that Claude Code resolved, which may differ from the working directory.
"""

from __future__ import annotations

import sys
import time

from reverie import deadline, lean_os
from reverie.capture import lean_json, redact, spool

CAPTURE_ENV = "REVERIE_CAPTURE"
INJECT_ENV = "REVERIE_INJECT"  # recall.config.INJECT_ENV, not imported: events without recall never load recall
HOME_ENV = "REVERIE_HOME"
RECALL_OPTION = "recall"  # ``--recall yes``: this entry also answers the event (see the module docstring)

TYPE_CHECKING = False  # typing costs the hook more than its own work
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
MAX_FIELD_CHARS = 256 * 1024
_WHITESPACE_SEARCH = 2048  # how far back a cut looks for whitespace
MAX_LOG_BYTES = 1024 * 1024
DEADLINE_SECONDS = 10.0  # only hangs reach it: a FIFO named as a cwd's .git, a hung mount
ANSWERING_DEADLINE_SECONDS = 1.5  # capture's share when recall answers next: 1.5 s + recall's 3 s < the 5 s timeout
_INGEST_AFTER = {"claude-code": ("SessionEnd",), "codex": ("SessionEnd",)}
_READ_CHUNK = 1024 * 1024


def main(argv: list[str], captured: Callable[[], None] | None = None) -> int:
    """One event. ``captured`` is called once capture is done, before recall answers (the resident
    server tells its client then that the event is spooled)."""
    options = _options(argv)
    answering = options.get(RECALL_OPTION) == "yes" and (lean_os.getenv(INJECT_ENV) or "").strip() != "0"
    capturing = lean_os.getenv(CAPTURE_ENV) != "0"
    if not (capturing or answering):
        return 0
    home = lean_os.getenv(HOME_ENV) or options.get("home")
    agent, event = options.get("agent", "unknown"), options.get("event", "unknown")
    # The agent waits for an answering call (its timeout is 5 s): capture gets a short deadline so that
    # capture and recall together stay inside it.
    raw = _capture(agent, event, home, capturing, ANSWERING_DEADLINE_SECONDS if answering else DEADLINE_SECONDS)
    if captured is not None:
        captured()
    if answering and raw is not None:
        from reverie.recall import respond  # only for the events where recall answers

        respond.answer_raw(agent, event, raw, home)
    return 0


def _capture(agent: str, event: str, home: str | None, capturing: bool, seconds: float) -> bytes | None:
    """Read the payload and (``capturing``) spool it; the payload, or None when reading it failed or the
    deadline passed (whatever hung here would hang recall too)."""
    raw: bytes | None = None
    disarm = deadline.arm(seconds)
    try:
        try:
            if not home:
                raise ValueError("no --home given and REVERIE_HOME is not set")
            raw, dropped = _read_stdin()
            if capturing:
                if not raw.strip():
                    raise ValueError("empty payload on stdin: nothing to capture")
                _spool(build_record(agent, event, raw, dropped, home), home)
        finally:
            disarm()
    except deadline.DeadlinePassed:
        log_error(home)
        return None
    except BaseException:
        log_error(home)
    return raw


def _spool(record: dict[str, Any], home: str) -> None:
    try:
        spool.write_record(lean_os.join(home, "spool"), record)
    except OSError:  # a full disk: leave a trace that ingest counts and `reverie stats` shows
        payload = record.get("payload")
        session = payload.get("session_id") if isinstance(payload, dict) else None
        spool.note_dropped(lean_os.join(home, "spool"), record["agent"], record["event"], session)
        raise
    ends = record["event"] in _INGEST_AFTER.get(record["agent"], ("SessionEnd",))
    if ends and lean_os.getenv("REVERIE_AUTO_INGEST") != "0":
        start_ingest(home)


def build_record(agent: str, event: str, raw: bytes, dropped: int = 0, home: str | None = None) -> dict[str, Any]:
    """The spool record for one hook call: the redacted payload plus what the hook knows about it.

    ``home`` enables the per-session cache of the project identity (see ``_project``).
    """
    received = time.time()
    record: dict[str, Any] = {
        "version": spool.RECORD_VERSION,
        "id": spool.new_record_id(),
        "agent": agent,
        "event": event,
        "received_at": _iso_utc(received),
        "project": None,
        "payload": None,
    }
    text = raw.decode("utf-8", "replace")
    if dropped:
        record["dropped_bytes"] = dropped
    payload = _parse(text)
    if isinstance(payload, dict):
        kept = redact.redact_value(_bounded(payload))
        if not isinstance(kept, dict):  # redact_value maps a dict to a dict; this keeps mypy honest
            raise TypeError("redaction changed the payload's shape")
        prompt = payload.get("prompt")
        if isinstance(prompt, str) and kept.get("prompt") != prompt:
            kept["prompt_key_digest"] = prompt_key_digest(prompt)
        record["payload"] = kept
        record["project"] = _project(payload, home)
    else:
        record["error"] = "payload is not a JSON object"
        record["raw"] = redact.redact_text(_cut(text))
    if event == "SessionStart":
        record["context"] = {
            "python": sys.version.split()[0],
            "reverie": _reverie_version(),
            "project_dir": lean_os.getenv("CLAUDE_PROJECT_DIR"),
        }
    return record


def prompt_key_digest(prompt: str) -> str:
    """The digest in ``keys.content_key`` of the prompt as typed, before redaction or cutting.

    Transcript import keys a prompt by what was typed; the spool keeps it redacted, so the key is
    taken here, the one place that sees both. Same computation as ``keys.content_key`` over
    ``utf8_safe`` text (a test holds them equal); ``reverie.domain`` is not imported for it because
    that costs the hook more than all the rest of its work.
    """
    import hashlib  # only for the rare prompt that redaction changed

    return hashlib.sha256(" ".join(prompt.split()).encode("utf-8", "replace")).hexdigest()[:20]


def start_ingest(home: str) -> None:
    """Start ``reverie ingest --quiet`` detached (own session, no stdio) and do not wait for it."""
    import os  # only here, with subprocess: most hook calls never need them
    import subprocess

    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    env = {**os.environ, CAPTURE_ENV: "0", HOME_ENV: home}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
    detached: dict[str, Any] = (
        {"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
        if os.name == "nt"
        else {"start_new_session": True}
    )
    subprocess.Popen(
        [sys.executable, "-m", "reverie.cli", "ingest", "--quiet", "--distill"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        cwd=home,
        env=env,
        **detached,
    )


def _options(argv: list[str]) -> dict[str, str]:
    """``--name value`` pairs; argparse would cost more to import than the rest of the hook."""
    options: dict[str, str] = {}
    for index, word in enumerate(argv[:-1]):
        if word.startswith("--"):
            options[word[2:]] = argv[index + 1]
    return options


def _read_stdin() -> tuple[bytes, int]:
    """The payload (at most ``MAX_PAYLOAD_BYTES``) and how many bytes after it were read and dropped."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None or stream.isatty():
        return b"", 0
    kept = bytearray()
    dropped = 0
    while chunk := stream.read(_READ_CHUNK):
        room = max(0, MAX_PAYLOAD_BYTES - len(kept))
        kept += chunk[:room]
        dropped += len(chunk) - min(room, len(chunk))
    return bytes(kept), dropped


def _parse(text: str) -> object:
    try:
        return lean_json.loads(text)
    except ValueError:
        return None


def _bounded(value: object) -> object:
    if isinstance(value, str):
        return _cut(value) if len(value) > MAX_FIELD_CHARS else value
    if isinstance(value, dict):
        return {key: _bounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_bounded(item) for item in value]
    return value


def _cut(text: str) -> str:
    if len(text) <= MAX_FIELD_CHARS:
        return text
    end = MAX_FIELD_CHARS
    space = max(text.rfind(" ", end - _WHITESPACE_SEARCH, end), text.rfind("\n", end - _WHITESPACE_SEARCH, end))
    end = space if space > 0 else end
    return f"{text[:end]}\n[reverie: {len(text) - end} more characters not kept]"


def _project(payload: dict[str, Any], home: str | None) -> dict[str, str] | None:
    """The project of the payload's ``cwd``, computed once per session and working directory.

    Importing ``capture.project`` (and the domain's dataclasses with it) costs more than the rest of
    the hook together, so its answer is kept in ``<home>/cache/projects/<session id>.json`` and the
    session's later events read that instead; a new session in a known folder finds it in
    ``project_cache`` (kept per working directory while the git files it was read from are unchanged).
    The identity is still read at capture time, when the session starts, as it must be: the worktree
    may be gone by the time anything is ingested.
    """
    cwd = payload.get("cwd")
    if not isinstance(cwd, str) or not cwd:
        return None
    cache = _project_cache_path(home, payload.get("session_id"))
    if cache is not None:
        try:
            with open(cache, encoding="utf-8") as file:
                cached = lean_json.loads(file.read())
            if isinstance(cached, dict) and cached.get("cwd") == cwd and isinstance(cached.get("project"), dict):
                return dict(cached["project"])
        except (OSError, ValueError):
            pass  # no cache yet, or a garbled one: read the project afresh
    from reverie.capture import project_cache  # once per session: kept per working directory across sessions

    key, name = project_cache.identity(cwd, home)
    identity = {"key": key, "name": name}
    if cache is not None:
        _write_private_json(cache, {"cwd": cwd, "project": identity})
    return identity


PROJECT_CACHE = lean_os.join("cache", "projects")
_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _project_cache_path(home: str | None, session_id: object) -> str | None:
    if not home or not isinstance(session_id, str) or not 0 < len(session_id) <= 128:
        return None
    if not set(session_id) <= _SAFE_ID or session_id.startswith("."):
        return None
    return lean_os.join(home, PROJECT_CACHE, f"{session_id}.json")


def _write_private_json(path: str, data: object) -> None:
    spool.make_private_dir(lean_os.dirname(path))
    temp = f"{path}.{lean_os.getpid()}.tmp"
    descriptor = lean_os.open(temp, lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8") as file:
        file.write(lean_json.dumps(data))
    lean_os.replace(temp, path)


def _iso_utc(seconds: float) -> str:
    """``2026-01-02T19:11:26.123Z``: the form transcripts use, so events of both sources sort together."""
    whole = int(seconds)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{int((seconds - whole) * 1000):03d}Z"


def _reverie_version() -> str:
    import reverie

    return reverie.__version__


def log_error(home: str | None) -> None:
    """Append the current exception to ``<home>/logs/hook.log`` (0600, rotated at ``MAX_LOG_BYTES``)."""
    try:
        import traceback

        if not home:
            return
        folder = lean_os.join(home, "logs")
        spool.make_private_dir(folder)
        path = lean_os.join(folder, "hook.log")
        if lean_os.exists(path) and lean_os.getsize(path) > MAX_LOG_BYTES:
            lean_os.replace(path, path + ".1")
        descriptor = lean_os.open(path, lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_APPEND, 0o600)
        with open(descriptor, "a", encoding="utf-8") as log:
            # A traceback can quote the payload: the log is redacted like the spool.
            entry = f"{_iso_utc(time.time())} {' '.join(sys.argv[1:])}\n{traceback.format_exc()}\n"
            log.write(redact.redact_text(entry))
    except BaseException:
        pass
