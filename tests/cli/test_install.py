"""``reverie init`` / ``reverie uninstall`` against realistic settings files, end to end through the CLI."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reverie.adapters import hook_install
from reverie.adapters.settings_file import read_settings, schema_problems
from reverie.cli import install as install_cli
from reverie.cli import main
from reverie.errors import ConfigError
from tests.capture.resident_helpers import alive, server, wait_for

CLAUDE_SCHEMA = "claude-code-settings.json"
CODEX_SCHEMA = "codex-hooks.json"
CLAUDE_EVENTS = 9
CODEX_EVENTS = 8

# A user's real-looking settings: their own hooks for events we capture too (Windows paths in commands),
# permissions, env, statusLine, a key the schema does not know, and four-space indentation.
USER_SETTINGS = """{
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {
        "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
        "deny": ["Read(./.env)"]
    },
    "env": {"NODE_ENV": "development", "NAME": "Zoë"},
    "statusLine": {"type": "command", "command": "~/.claude/statusline.sh"},
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [
                    {"type": "command", "command": "\\"C:\\\\Users\\\\Dev User\\\\guard.exe\\" --strict", "timeout": 30}
                ]
            }
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]
    },
    "teamSecretSauce": {"level": 3}
}
"""

USER_CODEX_HOOKS = """{
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash",
        "hooks": [{"type": "command", "command": "python3 ~/.codex/hooks/guard.py", "statusMessage": "Checking"}]
      }
    ],
    "Stop": [{"hooks": [{"type": "command", "command": "bash ~/.codex/hooks/stop.sh", "timeout": 10}]}]
  }
}
"""


@dataclass(frozen=True)
class Machine:
    home: Path
    claude_settings: Path
    codex_hooks: Path
    reverie_home: Path
    hook: Path


@pytest.fixture(autouse=True)
def registered() -> None:
    for command in install_cli.COMMANDS:
        main.add_command(command)


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reverie_home: Path) -> Iterator[Machine]:
    home = tmp_path / "user"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home / ".claude"))
    monkeypatch.setenv("CODEX_HOME", str(home / ".codex"))
    hook = tmp_path / "site-packages" / "reverie" / "capture" / "hook.py"
    hook.parent.mkdir(parents=True)
    hook.write_text("")
    monkeypatch.setattr(hook_install, "capture_hook_script", lambda: hook)
    yield Machine(home, home / ".claude" / "settings.json", home / ".codex" / "hooks.json", reverie_home, hook)


def reverie(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def ours(data: dict[str, Any], agent: str = "claude-code") -> list[dict[str, Any]]:
    hooks = hook_install.AGENT_HOOKS[agent]
    return [
        handler
        for groups in data.get("hooks", {}).values()
        for group in groups
        for handler in group["hooks"]
        if hooks.is_ours(handler)
    ]


def backups(machine: Machine) -> list[Path]:
    folder = machine.reverie_home / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- round trips on the user's own settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "original",
    [USER_SETTINGS, USER_SETTINGS.replace("\n", "\r\n"), "", "{}", '{"hooks": {}}\n', '{"hooks": {"Stop": []}}'],
    ids=["realistic", "crlf", "empty-file", "empty-object", "empty-hooks", "empty-event"],
)
def test_init_then_uninstall_gives_back_the_very_same_file(machine: Machine, original: str) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_bytes(original.encode())
    machine.claude_settings.chmod(0o644)

    result = reverie("init")
    assert result.exit_code == 0, result.output
    assert f"Installed reverie's capture hooks for Claude Code in {machine.claude_settings}" in result.output
    written = read_settings(machine.claude_settings).data
    assert schema_problems(written, CLAUDE_SCHEMA) == []
    assert len(ours(written)) == CLAUDE_EVENTS
    assert stat.S_IMODE(machine.claude_settings.stat().st_mode) == 0o644
    original_data = json.loads(original) if original.strip() else {}
    assert {k: v for k, v in written.items() if k != "hooks"} == {
        k: v for k, v in original_data.items() if k != "hooks"
    }

    result = reverie("uninstall")
    assert result.exit_code == 0, result.output
    assert "back to what it was before" in result.output
    assert machine.claude_settings.read_bytes() == original.encode()


def test_the_users_hooks_for_the_same_events_run_first_and_stay_as_they_were(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(USER_SETTINGS)
    reverie("init")
    written = read_settings(machine.claude_settings).data
    before = json.loads(USER_SETTINGS)["hooks"]
    assert written["hooks"]["PreToolUse"][0] == before["PreToolUse"][0]
    assert written["hooks"]["Stop"][0] == before["Stop"][0]
    assert written["hooks"]["PreToolUse"][1]["matcher"] == "*"
    assert list(written) == list(json.loads(USER_SETTINGS))


def test_a_second_init_changes_nothing_and_says_so(machine: Machine) -> None:
    reverie("init")
    content, saved = machine.claude_settings.read_bytes(), backups(machine)
    result = reverie("init")
    assert result.exit_code == 0
    assert "already in" in result.output and "nothing changed" in result.output
    assert machine.claude_settings.read_bytes() == content
    assert backups(machine) == saved


def test_a_missing_file_and_folder_are_created_privately_and_removed_again(machine: Machine) -> None:
    assert not machine.claude_settings.parent.exists()
    reverie("init")
    assert stat.S_IMODE(machine.claude_settings.stat().st_mode) == 0o600
    assert stat.S_IMODE(machine.claude_settings.parent.stat().st_mode) == 0o700
    result = reverie("uninstall")
    assert "deleted" in result.output
    assert not machine.claude_settings.exists()
    assert not machine.claude_settings.parent.exists()


@pytest.mark.parametrize(
    "content",
    ['{\n  // my settings\n  "model": "opus"\n}\n', '{"model": "opus",}', "[1, 2]", '{"a": 1, "a": 2}'],
    ids=["comment", "trailing-comma", "array", "duplicate-key"],
)
def test_a_file_that_is_not_one_plain_json_object_is_refused_and_untouched(machine: Machine, content: str) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(content)
    for command in ("init", "uninstall"):
        result = reverie(command)
        assert result.exit_code == 1
        assert result.output.startswith(f"reverie: {machine.claude_settings}")
        assert "nothing was written" in result.output
        assert machine.claude_settings.read_text() == content
    assert not (machine.reverie_home / "installs").exists()
    assert backups(machine) == []


def test_an_upgrade_replaces_ours_in_place_and_uninstall_still_restores_the_original(
    machine: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(USER_SETTINGS)
    reverie("init")
    monkeypatch.setattr(hook_install, "interpreter", lambda: Path("/usr/local/bin/python3.13"))
    result = reverie("init", "--json")
    outcome = json.loads(result.output)
    assert outcome["status"] == "updated"
    assert len(outcome["replaced"]) == CLAUDE_EVENTS and outcome["added"] == []
    written = read_settings(machine.claude_settings).data
    assert len(ours(written)) == CLAUDE_EVENTS
    assert all(h["command"].startswith("/usr/local/bin/python3.13 -I -S ") for h in ours(written))
    assert [g.get("matcher") for g in written["hooks"]["PreToolUse"]] == ["Bash", "*"]
    reverie("uninstall")
    assert machine.claude_settings.read_text() == USER_SETTINGS


CODEX_USER_HOOKS = '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo bye"}]}]}}\n'


def _with_separate_recall_handlers(data: dict[str, Any], hook: Path, agent: str) -> dict[str, Any]:
    """``data`` as the reverie before one-process-per-event left it: a recall handler of its own on the
    three recall events, running reverie/recall/hook.py."""
    recall = hook.parent.parent / "recall" / "hook.py"
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse"):
        command = f"/usr/bin/python3 -I -S {recall} --agent {agent} --event {event} --home /data/reverie || true"
        group: dict[str, Any] = {"hooks": [{"type": "command", "command": command, "timeout": 5}]}
        if agent == "claude-code" and event == "PreToolUse":
            group = {"matcher": "*", **group}
        data["hooks"][event].append(group)
    return data


@pytest.mark.parametrize("agent", ["claude-code", "codex"])
def test_init_replaces_the_separate_recall_handlers_with_one_handler_per_event(machine: Machine, agent: str) -> None:
    settings = machine.claude_settings if agent == "claude-code" else machine.codex_hooks
    settings.parent.mkdir(parents=True, exist_ok=True)
    original = USER_SETTINGS if agent == "claude-code" else CODEX_USER_HOOKS
    settings.write_text(original)
    reverie("init", "--agent", agent)
    old = _with_separate_recall_handlers(read_settings(settings).data, machine.hook, agent)
    settings.write_text(json.dumps(old, indent=4))

    outcome = json.loads(reverie("init", "--agent", agent, "--json").output)
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse"} <= set(outcome["replaced"])
    written = read_settings(settings).data
    schema = CLAUDE_SCHEMA if agent == "claude-code" else CODEX_SCHEMA
    assert schema_problems(written, schema) == []
    handlers = [h for groups in written["hooks"].values() for g in groups for h in g["hooks"]]
    assert not any("recall/hook.py" in h["command"] for h in handlers)  # the separate handler, not a path word
    assert len(ours(written, agent)) == (CLAUDE_EVENTS if agent == "claude-code" else CODEX_EVENTS)
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse"):
        mine = [h for g in written["hooks"][event] for h in g["hooks"] if "reverie" in h["command"]]
        assert len(mine) == 1 and mine[0]["command"].endswith(" --recall yes || true") and "async" not in mine[0]

    reverie("uninstall", "--agent", agent)
    assert settings.read_text() == original


def test_uninstall_removes_the_separate_recall_handlers_too(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(USER_SETTINGS)
    reverie("init")
    old = _with_separate_recall_handlers(read_settings(machine.claude_settings).data, machine.hook, "claude-code")
    machine.claude_settings.write_text(json.dumps(old, indent=4))
    reverie("uninstall")
    assert read_settings(machine.claude_settings).data == json.loads(USER_SETTINGS)


def test_what_the_user_changed_after_init_survives_uninstall(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(USER_SETTINGS)
    reverie("init")
    data = read_settings(machine.claude_settings).data
    data["model"] = "sonnet"
    data["hooks"]["SessionEnd"][0]["hooks"].append({"type": "command", "command": "echo bye"})  # into our group
    machine.claude_settings.write_text(json.dumps(data, indent=4))

    result = reverie("uninstall")
    assert "Removed reverie's capture hooks" in result.output
    after = read_settings(machine.claude_settings).data
    expected = json.loads(USER_SETTINGS)
    expected["model"] = "sonnet"
    expected["hooks"]["SessionEnd"] = [{"hooks": [{"type": "command", "command": "echo bye"}]}]
    assert after == expected
    assert ours(after) == []


def test_uninstall_without_the_record_still_removes_everything_of_ours(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text(USER_SETTINGS)
    reverie("init")
    shutil.rmtree(machine.reverie_home / "installs")
    reverie("uninstall")
    assert read_settings(machine.claude_settings).data == json.loads(USER_SETTINGS)


def test_a_problem_already_in_the_users_file_is_reported_not_blamed_on_us(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    odd = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "once": True}]}]}}
    machine.claude_settings.write_text(json.dumps(odd))
    result = reverie("init")
    assert result.exit_code == 0
    assert "warning: already in the file, left as it is: $.hooks.Stop[0].hooks[0]" in result.output
    assert read_settings(machine.claude_settings).data["hooks"]["Stop"][0] == odd["hooks"]["Stop"][0]


def test_init_warns_when_the_user_turned_all_hooks_off(machine: Machine) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text('{"disableAllHooks": true}')
    assert 'warning: "disableAllHooks": true' in reverie("init").output


def test_a_concurrent_save_by_the_agent_is_kept(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    machine.claude_settings.parent.mkdir(parents=True)
    machine.claude_settings.write_text("{}")
    real_backup = hook_install.backup
    calls: list[int] = []

    def agent_saves_meanwhile(*args: Any, **kwargs: Any) -> Path | None:
        if not calls:
            machine.claude_settings.write_text('{"permissions": {"allow": ["Bash(ls)"]}}')
        calls.append(1)
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(hook_install, "backup", agent_saves_meanwhile)
    assert reverie("init").exit_code == 0
    written = read_settings(machine.claude_settings).data
    assert written["permissions"] == {"allow": ["Bash(ls)"]}
    assert len(ours(written)) == CLAUDE_EVENTS


# --- output, dry run and confirmation ----------------------------------------------------------------------


def test_dry_run_shows_the_diff_and_writes_nothing(machine: Machine) -> None:
    result = reverie("init", "--dry-run")
    assert result.exit_code == 0
    assert "Would install" in result.output
    assert f"+++ {machine.claude_settings} (new)" in result.output and '"async": true' in result.output
    assert not machine.claude_settings.exists()
    assert not machine.reverie_home.exists()


def test_json_output_names_the_file_and_what_changed(machine: Machine) -> None:
    outcome = json.loads(reverie("init", "--json").output)
    assert outcome["path"] == str(machine.claude_settings)
    assert outcome["status"] == "installed"
    assert len(outcome["added"]) == CLAUDE_EVENTS and outcome["replaced"] == [] and outcome["unchanged"] == []
    assert outcome["backup"] is None
    removal = json.loads(reverie("uninstall", "--json").output)
    assert [o["status"] for o in removal] == ["deleted"]


def test_on_a_terminal_init_asks_first(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install_cli, "_stdin_is_terminal", lambda: True)
    result = reverie("init", input="n\n")
    assert "Cancelled" in result.output
    assert f"+++ {machine.claude_settings} (new)" in result.output  # the diff came before the question
    assert not machine.claude_settings.exists()
    assert "Installed" in reverie("init", input="y\n").output
    assert "Removed" in reverie("uninstall", "--yes", input="").output


def test_without_a_terminal_nothing_is_read_from_stdin(machine: Machine) -> None:
    result = reverie("init", input="n\n")  # would cancel if it were read
    assert "Installed" in result.output
    assert "Removed" in reverie("uninstall", input="n\n").output


# --- --project -----------------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_text('{"permissions": {"allow": ["Bash(make test)"]}}\n')
    return repo


def test_project_writes_only_settings_local_json_and_keeps_it_out_of_git(machine: Machine, repo: Path) -> None:
    exclude = repo / ".git" / "info" / "exclude"
    exclude_before = exclude.read_text()
    shared = (repo / ".claude" / "settings.json").read_bytes()
    result = reverie("init", "--project", str(repo))
    assert result.exit_code == 0, result.output
    local = repo / ".claude" / "settings.local.json"
    assert len(ours(read_settings(local).data)) == CLAUDE_EVENTS
    assert schema_problems(read_settings(local).data, CLAUDE_SCHEMA) == []
    assert (repo / ".claude" / "settings.json").read_bytes() == shared
    assert not machine.claude_settings.exists()
    assert "/.claude/settings.local.json" in exclude.read_text()
    assert "settings.local.json" not in git(repo, "status", "--porcelain", "--untracked-files=all")
    assert f"undo: reverie uninstall --project {repo}" in result.output

    result = reverie("uninstall", "--project", str(repo))
    assert not local.exists()
    assert (repo / ".claude" / "settings.json").read_bytes() == shared
    assert exclude.read_text() == exclude_before


def test_project_defaults_to_the_repository_of_the_current_folder(
    machine: Machine, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(repo / "src" / "deep")
    assert reverie("init", "--project").exit_code == 0
    assert (repo / ".claude" / "settings.local.json").exists()


def test_project_refuses_a_settings_local_json_that_git_tracks(machine: Machine, repo: Path) -> None:
    local = repo / ".claude" / "settings.local.json"
    local.write_text("{}\n")
    git(repo, "add", ".claude/settings.local.json")
    result = reverie("init", "--project", str(repo))
    assert result.exit_code == 1
    assert "tracked by git" in result.output
    assert local.read_text() == "{}\n"


def test_project_leaves_an_existing_ignore_rule_alone(machine: Machine, repo: Path) -> None:
    (repo / ".gitignore").write_text(".claude/settings.local.json\n")
    exclude_before = (repo / ".git" / "info" / "exclude").read_text()
    assert "already ignored" in reverie("init", "--project", str(repo)).output
    assert (repo / ".git" / "info" / "exclude").read_text() == exclude_before


def test_project_outside_any_repository_still_works(machine: Machine, tmp_path: Path) -> None:
    folder = tmp_path / "scratch"
    folder.mkdir()
    result = reverie("init", "--project", str(folder))
    assert "not inside a git repository" in result.output
    reverie("uninstall", "--project", str(folder))
    assert list(folder.iterdir()) == []


def test_codex_has_no_project_file(machine: Machine, repo: Path) -> None:
    result = reverie("init", "--agent", "codex", "--project", str(repo))
    assert result.exit_code == 1
    assert "Codex has no per-clone settings file" in result.output


# --- Codex ---------------------------------------------------------------------------------------------------


def test_codex_round_trip_validates_and_explains_trust(machine: Machine) -> None:
    machine.codex_hooks.parent.mkdir(parents=True)
    machine.codex_hooks.write_text(USER_CODEX_HOOKS)
    result = reverie("init", "--agent", "codex")
    assert result.exit_code == 0, result.output
    assert "/hooks" in result.output and "--dangerously-bypass-hook-trust" in result.output
    written = read_settings(machine.codex_hooks).data
    assert list(written) == ["hooks"]
    assert schema_problems(written, CODEX_SCHEMA) == []
    assert len(ours(written, "codex")) == CODEX_EVENTS
    assert written["hooks"]["Stop"][0] == json.loads(USER_CODEX_HOOKS)["hooks"]["Stop"][0]
    assert "nothing changed" in reverie("init", "--agent", "codex").output
    reverie("uninstall", "--agent", "codex")
    assert machine.codex_hooks.read_text() == USER_CODEX_HOOKS


def test_codex_file_created_by_init_is_deleted_by_uninstall(machine: Machine) -> None:
    reverie("init", "--agent", "codex")
    assert schema_problems(read_settings(machine.codex_hooks).data, CODEX_SCHEMA) == []
    reverie("uninstall", "--agent", "codex")
    assert not machine.codex_hooks.exists()


def test_codex_warns_when_config_toml_turns_hooks_off(machine: Machine) -> None:
    machine.codex_hooks.parent.mkdir(parents=True)
    (machine.codex_hooks.parent / "config.toml").write_text("[features]\nhooks = false\n")
    assert "turns hooks off" in reverie("init", "--agent", "codex").output


# --- uninstall --all -----------------------------------------------------------------------------------------


def test_uninstall_all_finds_every_file_that_init_changed(machine: Machine, tmp_path: Path) -> None:
    project = tmp_path / "elsewhere"
    project.mkdir()
    reverie("init")
    reverie("init", "--agent", "codex")
    reverie("init", "--project", str(project))
    result = reverie("uninstall", "--all", "--json")
    statuses = {Path(o["path"]): o["status"] for o in json.loads(result.output)}
    assert statuses == {
        machine.claude_settings: "deleted",
        machine.codex_hooks: "deleted",
        project / ".claude" / "settings.local.json": "deleted",
    }
    assert not list((machine.reverie_home / "installs").iterdir())
    again = json.loads(reverie("uninstall", "--all", "--json").output)
    assert {o["status"] for o in again} == {"absent"}


# --- locating the hook script --------------------------------------------------------------------------------


def test_the_hook_script_must_be_a_real_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing from this installation"):
        hook_install.capture_hook_script(tmp_path)
    (tmp_path / "hook.py").write_text("")
    assert hook_install.capture_hook_script(tmp_path) == tmp_path / "hook.py"


def test_the_command_names_this_interpreter_by_absolute_path(machine: Machine) -> None:
    reverie("init")
    command = ours(read_settings(machine.claude_settings).data)[0]["command"]
    python = hook_install.interpreter()
    assert python.is_absolute()
    assert command.startswith(f"{python} -I -S {machine.hook} --agent claude-code --event SessionStart --home ")


def test_uninstall_tells_the_resident_hook_server_to_leave(machine: Machine) -> None:
    reverie("init")
    with server(machine.reverie_home) as process:
        result = reverie("uninstall", "--yes")
        assert "the resident hook server was told to leave" in result.output
        assert not (machine.reverie_home / "run" / "resident").exists()
        wait_for(lambda: process.poll() is not None or not alive(process.pid), "the server to leave")
    assert "told to leave" not in reverie("uninstall", "--yes").output  # nothing of ours left, no server
