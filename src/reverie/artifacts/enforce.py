"""The runtime of every compiled hook: one stdlib-only file that decides on one tool call.

``reverie compile`` writes each enforcing hook as a copy of this file with its ``CONFIG`` filled in
(see ``hooks.render_script``), so a hook that is committed to a repository runs on a teammate's
machine without reverie: any ``python3`` >= 3.9, standard library only, no site-packages (``-I -S``).

One config, four checks:

``never-command``  PreToolUse on a shell tool: block a call whose command runs one of ``commands``
                   (a command prefix: ``git push --force`` matches ``sudo git push origin main --force``,
                   not ``echo git push --force`` nor ``git push --force-with-lease``).
``never-path``     PreToolUse on an edit tool: block a call whose file is under one of ``paths``
                   (globs relative to the project folder, ``**`` for any depth).
``always-before``  PreToolUse on a shell tool: block a call that runs one of ``commands`` unless this
                   session's own transcript (``transcript_path``) shows a call of one of ``required``
                   that did not fail.
``remind``         PostToolUse: after a matching call, add the lesson to the model's context.

Blocking is exit status 2 with the reason on stderr: Claude Code and Codex both hand that text to the
model as the tool's error result. Everything else, including any error inside the hook, is exit 0
with nothing printed: a broken hook must never stop the agent. ``REVERIE_ALLOW`` (lesson ids separated
by commas, or ``all``) in the agent's environment turns a hook off without removing it; the model
cannot set it from a command, because hooks read the environment of the agent, not of the command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections.abc import Iterator
from typing import Any

from reverie.artifacts.shell import matching_command, written_paths  # inlined by hooks.render_script

CONFIG: dict[str, Any] = {}

BLOCK = 2
ALLOW_VARIABLE = "REVERIE_ALLOW"
# The tag that starts every message of ours (domain.markers.HOOK_MARK), so that reverie never learns
# from its own block or reminder texts when the agent reports them back as a tool error.
MARK = "[reverie-hook]"
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024  # beyond this the check gives up (fails open) rather than stall
_PATH_KEYS = ("file_path", "notebook_path", "path")

Verdict = tuple[int, str, str]  # (exit status, stdout, stderr)


def decide(config: dict[str, Any], payload: dict[str, Any], env: dict[str, str]) -> Verdict:
    """What the hook answers to one payload. Pure apart from reading the session's transcript."""
    if _allowed(config, env) or not _tool_applies(config, payload):
        return 0, "", ""
    check = config.get("check")
    given = payload.get("tool_input")
    tool_input: dict[str, Any] = given if isinstance(given, dict) else {}
    if check == "never-command":
        hit = matching_command(_command_of(tool_input), config.get("commands", []))
        return (BLOCK, "", _block_message(config, hit)) if hit else (0, "", "")
    if check == "never-path":
        hit = _forbidden_write(tool_input, config.get("paths", []), payload, env)
        return (BLOCK, "", _block_message(config, hit)) if hit else (0, "", "")
    if check == "always-before":
        return _check_before(config, payload, _command_of(tool_input))
    if check == "remind":
        return _remind(config, tool_input, _project_dir(payload, env))
    return 0, "", ""


def _allowed(config: dict[str, Any], env: dict[str, str]) -> bool:
    allowed = {item.strip() for item in env.get(ALLOW_VARIABLE, "").split(",")}
    return "all" in allowed or config.get("lesson") in allowed


def _tool_applies(config: dict[str, Any], payload: dict[str, Any]) -> bool:
    if payload.get("hook_event_name") not in (None, config.get("event")):
        return False
    tools = config.get("tools") or []
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


def _forbidden_write(
    tool_input: dict[str, Any], patterns: list[str], payload: dict[str, Any], env: dict[str, str]
) -> str:
    """The pattern that a write of this call falls under: the edit tool's file, the files an
    ``apply_patch`` names, or whatever a shell command writes (redirections, ``tee``, ``sed -i``, ``rm``,
    ``mv``, ``cp`` into, ``chmod``, inline ``python -c`` writes, ...). "" when it writes nowhere forbidden."""
    project = _project_dir(payload, env)
    command = _command_of(tool_input)
    if command:
        cwd = str(payload.get("cwd") or project)
        paths = written_paths(command, cwd)
    else:
        paths = [_path_of(tool_input), *_patched_paths(tool_input)]
    return next((hit for hit in (_touches(path, patterns, project) for path in paths) if hit), "")


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


def _patched_paths(tool_input: dict[str, Any]) -> list[str]:
    """The files a Codex ``apply_patch`` call adds, updates, deletes or moves to."""
    patch = tool_input.get("input") or tool_input.get("patch")
    if not isinstance(patch, str):
        return []
    pattern = r"^\*\*\* (?:(?:Update|Add|Delete) File|Move to): (.+?)\s*$"
    return [match.group(1) for match in re.finditer(pattern, patch, re.M)]


def _project_dir(payload: dict[str, Any], env: dict[str, str]) -> str:
    return env.get("CLAUDE_PROJECT_DIR") or str(payload.get("cwd") or "")


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


def _check_before(config: dict[str, Any], payload: dict[str, Any], command: str) -> Verdict:
    guarded = matching_command(command, config.get("commands", []))
    transcript = payload.get("transcript_path")
    if not guarded or not isinstance(transcript, str) or not transcript:
        return 0, "", ""  # not the guarded call, or no trace to check: nothing to enforce
    required = config.get("required", [])
    if any(matching_command(done, required) for done in succeeded_commands(transcript)):
        return 0, "", ""
    return BLOCK, "", _block_message(config, guarded, missing=required)


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
                record = json.loads(line)
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
            arguments = json.loads(item.get("arguments") or "{}")
        except ValueError:
            return
        command = _command_of(arguments) if isinstance(arguments, dict) else ""
        if command:
            calls[str(item.get("call_id"))] = command
    elif kind == "function_call_output":
        output = item.get("output")
        text = output if isinstance(output, str) else json.dumps(output)
        exit_code = re.search(r"exited with code (\d+)", text)
        if exit_code and exit_code.group(1) != "0":
            failed.add(str(item.get("call_id")))


# -- reminders and messages --------------------------------------------------------------------------


def _remind(config: dict[str, Any], tool_input: dict[str, Any], project_dir: str) -> Verdict:
    commands, paths = config.get("commands") or [], config.get("paths") or []
    hit = (commands and matching_command(_command_of(tool_input), commands)) or (
        paths and matching_path(_path_of(tool_input), paths, project_dir)
    )
    if (commands or paths) and not hit:
        return 0, "", ""
    context = f"{MARK} Reminder from reverie lesson {config.get('lesson')}: {config.get('statement')}"
    answer = {"hookSpecificOutput": {"hookEventName": config.get("event"), "additionalContext": context}}
    return 0, json.dumps(answer), ""


def _block_message(config: dict[str, Any], hit: str, missing: list[str] | None = None) -> str:
    lesson = config.get("lesson")
    lines = [f"{MARK} Blocked by reverie lesson {lesson}: {config.get('statement')}"]
    if missing:
        wanted = " or ".join(f"`{m}`" for m in missing)
        lines.append(f"This session has not run {wanted} successfully yet; run it first, then `{hit}`.")
    else:
        lines.append(f"The call matches `{hit}`.")
    lines.append(
        f"To override, start the agent with {ALLOW_VARIABLE}={lesson}; to remove this hook, run"
        f" `reverie artifacts remove {config.get('artifact')}` (or delete {config.get('files')})."
    )
    return "\n".join(lines)


def run(config: dict[str, Any]) -> int:
    """The hook's entry point: read the payload, answer, never raise."""
    try:
        payload = json.loads(sys.stdin.read() or "{}")
        if not isinstance(payload, dict):
            return 0
        code, out, err = decide(config, payload, dict(os.environ))
        if out:
            sys.stdout.write(out)
        if err:
            sys.stderr.write(err)
        return code
    except Exception:
        return 0  # fail open: a broken hook must not stop the agent


if __name__ == "__main__":
    sys.exit(run(CONFIG))
