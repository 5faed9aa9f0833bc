"""The runtime of compiled enforcement: one stdlib-only file that decides on one tool call for every
compiled lesson of its scope.

``reverie compile`` writes one copy of this file per scope and agent (a project's
``.claude/hooks/reverie/enforce.py``, the user's, ``$CODEX_HOME``'s) with its ``CONFIG`` filled in (see
``hook_script.render_script``): the artifact it belongs to, where it lives, and a list of ``checks``, one per
lesson. It is registered once per agent event, so a tool call costs one process however many lessons
there are. A script committed to a repository runs on a teammate's machine without reverie: any
``python3`` >= 3.9, standard library only, no site-packages (``-I -S``). The file agents run is
``enforce_loader.py`` with this module (and ``shell``, ``lean_json``) inside it as a string, compiled
once per machine and interpreter; so nothing here imports ``json`` or ``typing`` (4.5 ms together, half
an interpreter start, on every tool call).

Four kinds of check:

``never-command``  PreToolUse on a shell tool: block a call whose command runs one of ``commands``
                   (a command prefix: ``git push --force`` matches ``sudo git push origin main --force``,
                   not ``echo git push --force`` nor ``git push --force-with-lease``).
``never-path``     PreToolUse on an edit tool, ``apply_patch`` or the shell: block a call that writes
                   under one of ``paths`` (globs relative to the project folder, ``**`` for any depth).
``always-before``  PreToolUse on a shell tool: block a call that runs one of ``commands`` unless this
                   session's own transcript (``transcript_path``) shows a call of one of ``required``
                   that did not fail.
``remind``         PostToolUse: after a matching call, add the lesson to the model's context.

The event comes from the payload's ``hook_event_name``, or from the first argument when the payload
has none. Every check that applies is evaluated: a call that two lessons forbid names both.

Blocking is exit status 2 with the reason on stderr: Claude Code and Codex both hand that text to the
model as the tool's error result, before the call runs. Everything else, including any error inside
the hook, is exit 0 with nothing printed: a broken hook must never stop the agent. ``REVERIE_ALLOW``
(lesson ids separated by commas, or ``all``) in the agent's environment turns checks off without
removing them; the model cannot set it from a command, because hooks read the environment of the
agent, not of the command.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

from reverie.artifacts.shell import matching_command, written_paths  # written in by render_script
from reverie.lean_json import dumps, loads  # written in by render_script (not json: 1.5 ms)

TYPE_CHECKING = False  # ``typing`` costs a hook 3 ms: annotations only
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

CONFIG: dict[str, Any] = {}

BLOCK = 2
ALLOW_VARIABLE = "REVERIE_ALLOW"
# The tag that starts every message of ours (domain.markers.HOOK_MARK), so that reverie never learns
# from its own block or reminder texts when the agent reports them back as a tool error.
MARK = "[reverie-hook]"
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024  # beyond this the check gives up (fails open) rather than stall
PATCH_TOOL = "apply_patch"
_PATH_KEYS = ("file_path", "notebook_path", "path")
_PATCH_START = "*** Begin Patch"
_PATCH_FILE = re.compile(r"^\*\*\* (?:(?:Update|Add|Delete) File|Move to): (.+?)\s*$", re.M)

Verdict = tuple[int, str, str]  # (exit status, stdout, stderr)


def decide(config: dict[str, Any], payload: dict[str, Any], env: dict[str, str], event: str = "") -> Verdict:
    """What the hook answers to one payload: every check that applies, one verdict. Pure apart from
    reading the session's transcript. ``config`` holds ``checks``, or is one check itself."""
    event = str(payload.get("hook_event_name") or event)
    call = _Call(payload, env)
    blocks: list[str] = []
    reminders: list[str] = []
    for check in checks_of(config):
        if _allowed(check, env) or not _applies(check, payload, event):
            continue
        code, text = _decide_one(check, call)
        if code == BLOCK:
            blocks.append(text)
        elif text:
            reminders.append(text)
    if blocks:
        return BLOCK, "", "\n\n".join(blocks)
    if reminders:
        specific = {"hookEventName": event or "PostToolUse", "additionalContext": "\n".join(reminders)}
        return 0, dumps({"hookSpecificOutput": specific}, ascii=True), ""
    return 0, "", ""


def checks_of(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Each check with the script-wide fields (``artifact``, ``files``) it names in its messages."""
    shared = {key: value for key, value in config.items() if key != "checks"}
    listed = config.get("checks")
    return [{**shared, **item} for item in listed if isinstance(item, dict)] if isinstance(listed, list) else [shared]


def _decide_one(check: dict[str, Any], call: _Call) -> tuple[int, str]:
    kind = check.get("check")
    if kind == "never-command":
        hit = matching_command(call.command, check.get("commands", []))
        return (BLOCK, _block_message(check, hit)) if hit else (0, "")
    if kind == "never-path":
        hit = _forbidden_write(call, check.get("paths", []))
        return (BLOCK, _block_message(check, hit)) if hit else (0, "")
    if kind == "always-before":
        return _check_before(check, call)
    if kind == "remind":
        return _remind(check, call)
    return 0, ""


class _Call:
    """One tool call, read once for every check: its command, and where it writes (parsed on demand)."""

    def __init__(self, payload: dict[str, Any], env: dict[str, str]) -> None:
        given = payload.get("tool_input")
        self.payload = payload
        self.tool = str(payload.get("tool_name") or "")
        self.tool_input: dict[str, Any] = given if isinstance(given, dict) else {}
        self.project = env.get("CLAUDE_PROJECT_DIR") or str(payload.get("cwd") or "")
        self.cwd = str(payload.get("cwd") or self.project)
        text = _command_of(self.tool_input)
        self.patch = text if self.tool == PATCH_TOOL or text.lstrip().startswith(_PATCH_START) else ""
        self.command = "" if self.patch and self.tool == PATCH_TOOL else text
        self._written: list[str] | None = None

    @property
    def written(self) -> list[str]:
        """Every path the call writes: the edit tool's file, the files a patch names (Codex's
        ``apply_patch`` hands its patch over as ``command``; a shell heredoc may carry one too), or
        whatever a shell command writes (redirections, ``tee``, ``sed -i``, ``rm``, ``mv``, ...)."""
        if self._written is None:
            found = written_paths(self.command, self.cwd) if self.command else [_path_of(self.tool_input)]
            patched = self.patch or (self.command if _PATCH_START in self.command else "")
            found += [os.path.join(self.cwd, name) for name in _patched_paths(patched)]
            self._written = found
        return self._written


def _allowed(check: dict[str, Any], env: dict[str, str]) -> bool:
    allowed = {item.strip() for item in env.get(ALLOW_VARIABLE, "").split(",")}
    return "all" in allowed or check.get("lesson") in allowed


def _applies(check: dict[str, Any], payload: dict[str, Any], event: str) -> bool:
    if event and event != check.get("event"):
        return False
    tools = check.get("tools") or []
    return not tools or payload.get("tool_name") in tools


def _command_of(tool_input: dict[str, Any]) -> str:
    for key in ("command", "cmd"):
        value = tool_input.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, list):  # Codex's older shell tool: an argv list
            return " ".join(shlex.quote(str(part)) for part in value)
    return ""


def _path_of(tool_input: dict[str, Any]) -> str:
    for key in _PATH_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _forbidden_write(call: _Call, patterns: list[str]) -> str:
    """The pattern that a write of this call falls under; "" when it writes nowhere forbidden."""
    return next((hit for hit in (_touches(path, patterns, call.project) for path in call.written) if hit), "")


def _touches(path: str, patterns: list[str], project_dir: str) -> str | None:
    """The pattern a write to ``path`` reaches: a file under it, the folder itself, or a folder that
    holds it (``rm -rf src`` removes ``src/generated/`` too)."""
    if not path:
        return None
    hit = matching_path(path, patterns, project_dir) or matching_path(path.rstrip("/") + "/-", patterns, project_dir)
    if hit:
        return hit
    folder = relative_path(path, project_dir).strip("/")
    if not folder and project_dir and os.path.normpath(path) == os.path.normpath(project_dir):
        return patterns[0] if patterns else None  # the whole project: `rm -rf .`
    for pattern in patterns:
        fixed = re.split(r"[*?\[]", pattern.strip().lstrip("/").removeprefix("./"), maxsplit=1)[0]
        if folder and not folder.startswith("/") and fixed.startswith(folder + "/"):
            return pattern
    return None


def _patched_paths(patch: str) -> list[str]:
    """The files a patch in Codex's ``apply_patch`` format adds, updates, deletes or moves to."""
    if _PATCH_START not in patch:
        return []
    return [match.group(1) for match in _PATCH_FILE.finditer(patch)]


# -- paths -------------------------------------------------------------------------------------------


def glob_regex(pattern: str) -> str:
    """``**`` any depth, ``*`` and ``?`` within one folder; a pattern without ``/`` matches a name anywhere."""
    pattern = pattern.strip().lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out) + "(?:/.*)?"


def relative_path(path: str, project_dir: str) -> str:
    path = path.replace("\\", "/")
    root = project_dir.replace("\\", "/").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) + 1 :]
    if path.startswith("./"):
        return path[2:]
    return path


def matching_path(path: str, patterns: list[str], project_dir: str) -> str | None:
    if not path:
        return None
    relative = relative_path(path, project_dir)
    for pattern in patterns:
        if re.fullmatch(glob_regex(pattern), relative):
            return pattern
    return None


# -- always X before Y -------------------------------------------------------------------------------


def _check_before(check: dict[str, Any], call: _Call) -> tuple[int, str]:
    guarded = matching_command(call.command, check.get("commands", []))
    transcript = call.payload.get("transcript_path")
    if not guarded or not isinstance(transcript, str) or not transcript:
        return 0, ""  # not the guarded call, or no trace to check: nothing to enforce
    required = check.get("required", [])
    if any(matching_command(done, required) for done in succeeded_commands(transcript)):
        return 0, ""
    return BLOCK, _block_message(check, guarded, missing=required)


def succeeded_commands(transcript_path: str) -> list[str]:
    """Shell commands this session ran that did not fail, from its Claude Code transcript or Codex rollout.

    A missing file is an empty session (nothing ran yet); a huge one is not read (the hook fails open)."""
    try:
        if os.path.getsize(transcript_path) > MAX_TRANSCRIPT_BYTES:
            raise OSError("transcript too large to check quickly")
    except FileNotFoundError:
        return []
    calls: dict[str, str] = {}
    failed: set[str] = set()
    with open(transcript_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = loads(line)
            except ValueError:
                continue
            for item in _content_items(record):
                _note_item(item, calls, failed)
    return [command for call_id, command in calls.items() if call_id not in failed]


def _content_items(record: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(record, dict):
        return
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        yield from (item for item in content if isinstance(item, dict))
    payload = record.get("payload")  # a Codex rollout line
    if isinstance(payload, dict):
        yield payload


def _note_item(item: dict[str, Any], calls: dict[str, str], failed: set[str]) -> None:
    kind = item.get("type")
    if kind == "tool_use" and isinstance(item.get("input"), dict):
        command = _command_of(item["input"])
        if command:
            calls[str(item.get("id"))] = command
    elif kind == "tool_result" and item.get("is_error"):
        failed.add(str(item.get("tool_use_id")))
    elif kind == "function_call":
        try:
            arguments = loads(item.get("arguments") or "{}")
        except ValueError:
            return
        command = _command_of(arguments) if isinstance(arguments, dict) else ""
        if command:
            calls[str(item.get("call_id"))] = command
    elif kind == "function_call_output":
        output = item.get("output")
        text = output if isinstance(output, str) else dumps(output)
        exit_code = re.search(r"exited with code (\d+)", text)
        if exit_code and exit_code.group(1) != "0":
            failed.add(str(item.get("call_id")))


# -- reminders and messages --------------------------------------------------------------------------


def _remind(check: dict[str, Any], call: _Call) -> tuple[int, str]:
    commands, paths = check.get("commands") or [], check.get("paths") or []
    hit = (commands and matching_command(call.command, commands)) or (
        paths and matching_path(_path_of(call.tool_input), paths, call.project)
    )
    if (commands or paths) and not hit:
        return 0, ""
    return 0, f"{MARK} Reminder from reverie lesson {check.get('lesson')}: {check.get('statement')}"


def _block_message(check: dict[str, Any], hit: str, missing: list[str] | None = None) -> str:
    lesson = check.get("lesson")
    lines = [f"{MARK} Blocked by reverie lesson {lesson}: {check.get('statement')}"]
    if missing:
        wanted = " or ".join(f"`{m}`" for m in missing)
        lines.append(f"This session has not run {wanted} successfully yet; run it first, then `{hit}`.")
    else:
        lines.append(f"The call matches `{hit}`.")
    lines.append(
        f"To override, start the agent with {ALLOW_VARIABLE}={lesson}; to remove reverie's checks here, run"
        f" `reverie artifacts remove {check.get('artifact')}` (or delete {check.get('files')})."
    )
    return "\n".join(lines)


def run(config: dict[str, Any], argv: list[str]) -> int:
    """The hook's entry point: read the payload, answer, never raise. ``argv[1]``: the event it is
    registered for, in case the payload does not say."""
    try:
        payload = loads(sys.stdin.read() or "{}")
        if not isinstance(payload, dict):
            return 0
        code, out, err = decide(config, payload, dict(os.environ), argv[1] if len(argv) > 1 else "")
        if out:
            sys.stdout.write(out)
        if err:
            sys.stderr.write(err)
        return code
    except Exception:
        return 0  # fail open: a broken hook must not stop the agent


if __name__ == "__main__":
    sys.exit(run(CONFIG, sys.argv))
