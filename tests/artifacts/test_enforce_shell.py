"""Enforcement that the shell cannot walk around: what a command does, not how it is spelled.

A compiled never-path hook must stop a shell command that writes into the forbidden folder, however it
writes (redirections, ``tee``, in-place editors, ``rm``/``mv``/``cp``, ``chmod``, ``cd`` first, inline
Python), and let reads and writes elsewhere pass. A never-command hook must stop the forbidden command
under every spelling the shell accepts (short flags, global options, wrappers, ``sh -c``, ``eval``,
``xargs``, substitutions), and nothing that merely mentions it.
"""

from __future__ import annotations

from typing import Any

import pytest

from reverie.artifacts import enforce

PROJECT = "/work/app"
NEVER_GENERATED: dict[str, Any] = {
    "check": "never-path",
    "event": "PreToolUse",
    "tools": ["Edit", "Write", "apply_patch", "Bash"],
    "paths": ["src/generated/"],
    "lesson": "L7",
    "artifact": "A7",
    "statement": "Never edit `src/generated/`.",
    "files": ".claude/hooks/reverie/x.py",
}
NEVER_FORCE_PUSH: dict[str, Any] = {
    "check": "never-command",
    "event": "PreToolUse",
    "tools": ["Bash"],
    "commands": ["git push --force"],
    "lesson": "L8",
    "artifact": "A8",
    "statement": "Never run `git push --force`.",
    "files": ".claude/hooks/reverie/y.py",
}


def shell(command: str, cwd: str = PROJECT) -> dict[str, Any]:
    return {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}, "cwd": cwd}


SHELL_WRITES = [
    "sed -i 's/old/new/' src/generated/api.py",
    "echo x > src/generated/api.py",
    "echo x >> src/generated/api.py",
    "date | tee src/generated/stamp.txt",
    "rm -rf src/generated",
    "mv src/generated/api.py /tmp/",
    "cp /tmp/api.py src/generated/",
    "cd src/generated && sed -i 's/a/b/' api.py",
    "python3 -c \"open('src/generated/api.py', 'w').write('x')\"",
    "chmod -w src/generated/api.py",
    "perl -pi -e 's/a/b/' src/generated/api.py",
    "bash -c 'echo hi > src/generated/x.txt'",
    "cd src && touch generated/new.py",
    f"cat /tmp/x > {PROJECT}/src/generated/api.py",
    "printf 'x' 1> src/generated/api.py",
    "find src/generated -name '*.pyc' -exec rm {} \\;",
    "echo x >src/generated/api.py",
    "rm -rf src",
    "rm -rf .",
]


@pytest.mark.parametrize("command", SHELL_WRITES)
def test_shell_writes_into_a_forbidden_path_are_blocked(command: str) -> None:
    code, _, err = enforce.decide(NEVER_GENERATED, shell(command), {"CLAUDE_PROJECT_DIR": PROJECT})
    assert code == enforce.BLOCK, command
    assert "src/generated/" in err


@pytest.mark.parametrize(
    "command",
    [
        "cat src/generated/api.py",
        "grep -r TODO src/generated",
        "cp src/generated/api.py /tmp/copy.py",
        "echo x > src/handwritten.py",
        "sed -i 's/a/b/' src/app.py",
        "python3 -c \"print(open('src/generated/api.py').read())\"",
        "ls src/generated 2>&1 | head",
        "echo 'rm -rf src/generated' > notes.txt",
        "cd docs && echo x > generated.md",
        "diff src/generated/api.py src/api.py > /tmp/d.txt",
    ],
)
def test_reads_and_writes_elsewhere_pass(command: str) -> None:
    assert enforce.decide(NEVER_GENERATED, shell(command), {"CLAUDE_PROJECT_DIR": PROJECT})[0] == 0, command


def test_an_unreadable_command_fails_open() -> None:
    assert enforce.decide(NEVER_GENERATED, shell("echo 'unclosed > src/generated/x"), {})[0] == 0


def patch(*hunks: str) -> dict[str, Any]:
    """What Codex 0.169 hands a PreToolUse hook for a freeform ``apply_patch`` call (recorded with the real
    CLI: the patch text arrives as ``tool_input.command``)."""
    text = "*** Begin Patch\n" + "".join(hunks) + "*** End Patch\n"
    call = {"tool_name": "apply_patch", "tool_input": {"command": text}}
    return {"hook_event_name": "PreToolUse", **call, "cwd": PROJECT}


@pytest.mark.parametrize(
    "hunk",
    [
        "*** Update File: src/generated/api.py\n@@\n-a\n+b\n",
        "*** Add File: src/generated/new.py\n+x\n",
        "*** Delete File: src/generated/old.py\n",
        "*** Update File: src/api.py\n*** Move to: src/generated/api.py\n@@\n-a\n+b\n",
        "*** Add File: notes.md\n+x\n*** Update File: src/generated/api.py\n@@\n-a\n+b\n",
    ],
)
def test_a_codex_apply_patch_into_the_forbidden_path_is_blocked(hunk: str) -> None:
    code, _, err = enforce.decide(NEVER_GENERATED, patch(hunk), {})
    assert code == enforce.BLOCK and "matches `src/generated/`" in err


def test_a_codex_apply_patch_elsewhere_passes_and_is_not_read_as_a_shell_line() -> None:
    redirect_inside = patch("*** Update File: src/api.py\n@@\n-a > src/generated/x\n+b\n")
    assert enforce.decide(NEVER_GENERATED, redirect_inside, {})[0] == 0
    assert enforce.decide(NEVER_GENERATED, patch("*** Add File: docs/generated.md\n+x\n"), {})[0] == 0


def test_a_patch_fed_to_apply_patch_through_the_shell_is_read_too() -> None:
    heredoc = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: src/generated/x.py\n+x\n*** End Patch\nEOF"
    assert enforce.decide(NEVER_GENERATED, shell(heredoc), {})[0] == enforce.BLOCK


FORCE_PUSHES = [
    "git push --force",
    "git push -f",
    "git push -fu origin main",
    "git push origin +main",
    "git -C . push --force",
    "git -c core.editor=true push -f origin main",
    "git --no-pager push --force",
    "sh -c 'git push --force'",
    'bash -lc "git push -f"',
    "eval git push --force",
    "eval 'git push -f origin main'",
    "echo origin | xargs git push --force",
    "git $(echo push) --force",
    "git `echo push` -f",
    "timeout 60 git push --force",
    "env GIT_TRACE=1 git push -f",
    "sudo -u deploy git push --force",
    "cd repo && git push --force origin main",
    "true; git push --force=true",
    "find . -maxdepth 0 -exec git push --force \\;",
    "nice -n 5 git push -f",
]


@pytest.mark.parametrize("command", FORCE_PUSHES)
def test_every_spelling_of_the_forbidden_command_is_blocked(command: str) -> None:
    assert enforce.decide(NEVER_FORCE_PUSH, shell(command), {})[0] == enforce.BLOCK, command


@pytest.mark.parametrize(
    "command",
    [
        "git push",
        "git push origin main",
        "git push --force-with-lease",
        "git fetch --force",
        "echo git push --force",
        "grep -n 'git push -f' notes.md",
        "git commit -m 'do not git push --force'",
        "git $(echo status)",
    ],
)
def test_what_only_mentions_it_or_runs_something_else_passes(command: str) -> None:
    assert enforce.decide(NEVER_FORCE_PUSH, shell(command), {})[0] == 0, command


def test_written_paths_follow_cd_and_resolve_against_the_calls_folder() -> None:
    found = enforce.written_paths("cd a/b && echo x > ../c.txt; cd /tmp && rm y", "/p")
    assert found == ["/p/a/c.txt", "/tmp/y"]
