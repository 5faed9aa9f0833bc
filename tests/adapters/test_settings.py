"""Editing agent settings files: strict reading, careful merging, atomic writing, schema validation."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reverie.adapters.claude_code import settings as claude_code
from reverie.adapters.codex import settings as codex
from reverie.adapters.settings_file import (
    ConcurrentEdit,
    HookEntry,
    backup,
    merge_hooks,
    new_problems,
    read_settings,
    remove_hooks,
    render,
    schema_problems,
    write_settings,
)
from reverie.errors import ConfigError

SCHEMAS = Path(__file__).resolve().parents[2] / "src" / "reverie" / "adapters" / "schemas"
PYTHON = Path("/opt/python 3.11/bin/python3.11")
HOOK = Path("/srv/site-packages/reverie/capture/hook.py")
HOME = Path("/home/dev/.local/share/reverie")

USER_HOOK = {"type": "command", "command": '"C:\\Users\\Dev User\\hooks\\guard.exe" --strict', "timeout": 30}
USER_SETTINGS: dict[str, Any] = {
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)"], "defaultMode": "acceptEdits"},
    "env": {"NODE_ENV": "development"},
    "statusLine": {"type": "command", "command": "~/.claude/statusline.sh"},
    "hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [USER_HOOK]}],
        "Notification": [{"hooks": [{"type": "command", "command": "powershell -File C:\\tools\\notify.ps1"}]}],
    },
    "someFutureSetting": {"nested": [1, 2.5, "three", None]},
}


def claude_entries() -> tuple[HookEntry, ...]:
    return claude_code.HOOKS.entries(PYTHON, HOOK, HOME)


def write(path: Path, data: object, indent: int | str | None = 2) -> bytes:
    content = (json.dumps(data, indent=indent) + "\n").encode()
    path.write_bytes(content)
    return content


# --- reading ------------------------------------------------------------------------------------------


def test_a_missing_file_reads_as_an_empty_document(tmp_path: Path) -> None:
    settings = read_settings(tmp_path / "nowhere" / "settings.json")
    assert settings.data == {}
    assert not settings.exists


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_an_empty_file_reads_as_an_empty_object(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings = read_settings(path)
    assert settings.data == {}
    assert settings.exists


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{\n  // my hooks\n  "model": "opus"\n}\n', ":2:"),
        (b'{"model": "opus",}', "not valid JSON"),
        (b'["not", "an", "object"]', "must be a JSON object"),
        (b'{"timeout": NaN}', "NaN is not valid JSON"),
        (b'{"model": "a", "model": "b"}', "appears twice"),
        (b'{"model": "\xff"}', "not UTF-8"),
        (b'{"hooks": {"Stop": [', "not valid JSON"),
        (b'{"a": ' + b"[" * 1001 + b"]" * 1001 + b"}", "nested too deeply"),
    ],
)
def test_anything_but_one_plain_json_object_is_refused_with_its_location(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as error:
        read_settings(path)
    assert str(path) in str(error.value)
    assert says in str(error.value)


# --- keeping the look of the file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "original",
    [
        b'{\n    "model": "opus",\n    "env": {\n        "A": "1"\n    }\n}\n',  # four spaces
        b'{\n\t"model": "opus",\n\t"env": {\n\t\t"A": "1"\n\t}\n}',  # tabs, no final newline
        b'{\r\n  "model": "opus"\r\n}\r\n',  # Windows line endings
        b'\xef\xbb\xbf{\n  "model": "\xc3\xa9t\xc3\xa9"\n}\n',  # BOM and non-ASCII text
    ],
)
def test_a_rewrite_keeps_indentation_line_endings_final_newline_and_bom(tmp_path: Path, original: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(original)
    settings = read_settings(path)
    assert render(settings.data, settings.style) == original


def test_a_one_line_file_is_pretty_printed_once_hooks_go_in(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"model": "opus"}')
    settings = read_settings(path)
    assert render(settings.data, settings.style) == b'{\n  "model": "opus"\n}'


# --- writing ------------------------------------------------------------------------------------------


def test_a_new_file_and_its_folders_are_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "settings.json"
    created = write_settings(read_settings(path), b"{}\n")
    assert path.read_bytes() == b"{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert created == [tmp_path / "a", tmp_path / "a" / "b"]
    assert all(stat.S_IMODE(folder.stat().st_mode) == 0o700 for folder in created)


def test_an_existing_file_keeps_its_mode_and_no_temp_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{}")
    path.chmod(0o640)
    write_settings(read_settings(path), b'{"model": "opus"}')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_symlinked_settings_file_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "settings.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / "settings.json"
    link.symlink_to(target)
    write_settings(read_settings(link), b'{"model": "opus"}')
    assert link.is_symlink()
    assert target.read_bytes() == b'{"model": "opus"}'


def test_a_file_changed_after_reading_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{}")
    settings = read_settings(path)
    path.write_text('{"permissions": {"allow": ["Bash(ls)"]}}')  # the agent saved an approval meanwhile
    with pytest.raises(ConcurrentEdit):
        write_settings(settings, b'{"model": "opus"}')
    assert path.read_text() == '{"permissions": {"allow": ["Bash(ls)"]}}'


def test_backup_is_a_private_copy_of_the_bytes_as_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{ "model" :"opus" }')
    copy = backup(read_settings(path), tmp_path / "backups", "claude-code")
    assert copy is not None
    assert copy.read_bytes() == b'{ "model" :"opus" }'
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.name.endswith("-claude-code-settings.json")
    assert backup(read_settings(tmp_path / "missing.json"), tmp_path / "backups", "x") is None


# --- the hook command and how our handlers are recognised -----------------------------------------------


def test_the_command_runs_this_interpreter_isolated_on_the_hook_script() -> None:
    command = claude_code.HOOKS.command(PYTHON, HOOK, "PreToolUse", HOME)
    assert shlex.split(command) == [
        str(PYTHON),
        "-I",
        "-S",
        str(HOOK),
        "--agent",
        "claude-code",
        "--event",
        "PreToolUse",
        "--home",
        str(HOME),
        "||",
        "true",
    ]
    assert command.startswith("'/opt/python 3.11/bin/python3.11' -I -S ")


def test_paths_with_quotes_and_dollars_stay_literal_in_the_shell() -> None:
    odd = Path("/tmp/it's $HOME/`x`/reverie/capture/hook.py")
    command = claude_code.HOOKS.command(PYTHON, odd, "Stop", Path("/data/$USER"))
    assert shlex.split(command)[3] == str(odd)
    assert shlex.split(command)[-3] == "/data/$USER"


def test_a_missing_hook_script_never_blocks_the_agent(tmp_path: Path) -> None:
    # Both agents read exit status 2 as "block"; python exits 2 when the script is gone.
    gone = tmp_path / "gone" / "reverie" / "capture" / "hook.py"
    command = claude_code.HOOKS.command(Path(sys.executable), gone, "PreToolUse", tmp_path)
    done = subprocess.run(["sh", "-c", command], input="{}", capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout == ""
    assert claude_code.HOOKS.is_ours({"type": "command", "command": command})


def test_the_resident_command_runs_hook_sh_under_bash_with_the_interpreter_as_its_fallback() -> None:
    command = claude_code.HOOKS.command(PYTHON, HOOK, "PreToolUse", HOME, recall=True, resident=True)
    client = str(HOOK.with_name("hook.sh"))
    arguments = ["--agent", "claude-code", "--event", "PreToolUse", "--home", str(HOME), "--recall", "yes"]
    assert shlex.split(command) == [
        "if", "[", "-x", "/bin/bash", "]", "&&", "[", "-f", client, "];", "then",
        "exec", "/bin/bash", client, str(PYTHON), *arguments[:-1], "yes;", "fi;",
        str(PYTHON), "-I", "-S", str(HOOK), *arguments, "||", "true",
    ]  # fmt: skip
    assert claude_code.HOOKS.is_ours({"type": "command", "command": command})
    assert not codex.HOOKS.is_ours({"type": "command", "command": command})


@pytest.mark.parametrize("shell", ["/bin/sh", "/bin/bash"])  # Claude Code's runner, Codex's
def test_without_the_resident_client_the_python_hook_runs_as_before(tmp_path: Path, shell: str) -> None:
    hook = tmp_path / "reverie" / "capture" / "hook.py"  # no hook.sh beside it: a partial install
    hook.parent.mkdir(parents=True)
    seen = tmp_path / "seen"
    hook.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(sys.stdin.read() + ' ' + ' '.join(sys.argv[1:]))\n")
    command = codex.HOOKS.command(Path(sys.executable), hook, "Stop", tmp_path, resident=True)
    done = subprocess.run([shell, "-c", command], input='{"event": 1}', capture_output=True, text=True)
    assert done.returncode == 0
    assert seen.read_text().startswith('{"event": 1} --agent codex --event Stop')


@pytest.mark.parametrize("shell", ["/bin/sh", "/bin/bash"])  # Claude Code's runner, Codex's
def test_a_missing_resident_client_never_blocks_the_agent(tmp_path: Path, shell: str) -> None:
    gone = tmp_path / "gone" / "reverie" / "capture" / "hook.py"
    command = codex.HOOKS.command(Path(sys.executable), gone, "PreToolUse", tmp_path, recall=True, resident=True)
    done = subprocess.run([shell, "-c", command], input="{}", capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


def test_init_writes_the_resident_command_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.adapters import hook_install

    monkeypatch.delenv("REVERIE_RESIDENT", raising=False)
    assert hook_install.current_runtime(HOME).resident is True
    monkeypatch.setenv("REVERIE_RESIDENT", "0")
    assert hook_install.current_runtime(HOME).resident is False


def test_the_home_config_can_turn_the_resident_server_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reverie.adapters import hook_install
    from reverie.errors import ConfigError

    monkeypatch.delenv("REVERIE_RESIDENT", raising=False)
    (tmp_path / "config.toml").write_text("[hooks]\nresident = false\n")
    assert hook_install.current_runtime(tmp_path).resident is False
    (tmp_path / "config.toml").write_text("[hooks]\nresident = true\n")
    assert hook_install.current_runtime(tmp_path).resident is True
    (tmp_path / "config.toml").write_text('[hooks]\nresident = "no"\n')
    with pytest.raises(ConfigError, match="true or false"):
        hook_install.current_runtime(tmp_path)


@pytest.mark.parametrize(
    "command",
    [
        "/usr/bin/python3 -I -S /usr/lib/python3/site-packages/reverie/capture/hook.py --agent claude-code "
        "--event Stop --home /data",
        "[ -f /x/reverie/capture/hook.sh ] && exec /bin/bash /x/reverie/capture/hook.sh /usr/bin/python3 "
        "--agent claude-code --event Stop --home /data; true",
        "if [ -x /bin/bash ] && [ -f /x/reverie/capture/hook.sh ]; then exec /bin/bash /x/reverie/capture/hook.sh "
        "/usr/bin/python3 --agent claude-code --event Stop --home /data; fi; /usr/bin/python3 -I -S "
        "/x/reverie/capture/hook.py --agent claude-code --event Stop --home /data || true",
        '"C:\\Program Files\\Python311\\python.exe" -I -S "C:\\Users\\Dev User\\AppData\\Roaming\\Python\\'
        'site-packages\\reverie\\capture\\hook.py" --agent claude-code --event Stop --home "C:\\reverie data"',
        "'/x y/python' -I -S '/x y/reverie/capture/hook.py' --agent 'claude-code' --event Stop --home /d",
    ],
)
def test_our_handlers_are_recognised_whatever_paths_they_name(command: str) -> None:
    assert claude_code.HOOKS.is_ours({"type": "command", "command": command})
    assert not codex.HOOKS.is_ours({"type": "command", "command": command})


@pytest.mark.parametrize(
    "handler",
    [
        {"type": "command", "command": "python3 ~/bin/reverie-notes.py --agent claude-code"},
        {"type": "command", "command": "python3 /x/reverie/capture/hook.py --agent claude-code-fork --event Stop"},
        {"type": "prompt", "prompt": "reverie/capture/hook.py --agent claude-code"},
        {"type": "command", "command": 42},
        USER_HOOK,
    ],
)
def test_other_handlers_are_not_ours(handler: dict[str, Any]) -> None:
    assert not claude_code.HOOKS.is_ours(handler)


def test_claude_code_answers_synchronously_where_recall_answers_and_captures_in_the_background_elsewhere() -> None:
    policies = {p.event: p for p in claude_code.HOOKS.events}
    assert list(policies) == [
        "SessionStart",
        "UserPromptSubmit",
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "Stop",
        "SubagentStop",
        "PreCompact",
        "SessionEnd",
    ]
    answering = {"SessionStart", "UserPromptSubmit", "PreToolUse"}
    assert {e for e, p in policies.items() if p.recall} == answering
    # recall must answer before the agent goes on; Stop and SessionEnd come right before the process exits
    assert {e for e, p in policies.items() if not p.run_async} == answering | {"Stop", "SessionEnd"}
    commands = {e.event: e.handler["command"] for e in claude_code.HOOKS.entries(PYTHON, HOOK, HOME)}
    assert {e for e, command in commands.items() if command.endswith(" --recall yes || true")} == answering
    assert {e for e, p in policies.items() if p.matcher == "*"} == {"PreToolUse", "PostToolUse", "PostToolUseFailure"}


def test_codex_handlers_are_synchronous_unmatched_and_within_its_session_end_cap() -> None:
    entries = codex.HOOKS.entries(PYTHON, HOOK, HOME)
    assert "PostToolUseFailure" not in {e.event for e in entries}
    assert all(e.matcher is None and "async" not in e.handler for e in entries)
    answering = {e.event for e in entries if "--recall yes" in e.handler["command"]}
    assert answering == {"SessionStart", "UserPromptSubmit", "PreToolUse"}
    assert {e.event: e.handler["timeout"] for e in entries}["SessionEnd"] <= 3


# --- merging and removing -------------------------------------------------------------------------------


def test_merge_appends_our_groups_after_the_users_and_keeps_everything_else() -> None:
    merge = merge_hooks(USER_SETTINGS, claude_entries(), claude_code.HOOKS.is_ours)
    assert merge.added == tuple(p.event for p in claude_code.HOOKS.events)
    assert list(merge.data) == list(USER_SETTINGS)
    assert {k: v for k, v in merge.data.items() if k != "hooks"} == {
        k: v for k, v in USER_SETTINGS.items() if k != "hooks"
    }
    pre_tool_use = merge.data["hooks"]["PreToolUse"]
    assert pre_tool_use[0] == {"matcher": "Bash", "hooks": [USER_HOOK]}
    assert pre_tool_use[1]["matcher"] == "*" and claude_code.HOOKS.is_ours(pre_tool_use[1]["hooks"][0])
    assert list(merge.data["hooks"])[:2] == ["PreToolUse", "Notification"]
    assert USER_SETTINGS["hooks"]["PreToolUse"] == [{"matcher": "Bash", "hooks": [USER_HOOK]}]  # input untouched
    assert merge.created_events == tuple(e for e in merge.added if e != "PreToolUse")


def test_merging_twice_changes_nothing() -> None:
    once = merge_hooks(USER_SETTINGS, claude_entries(), claude_code.HOOKS.is_ours)
    twice = merge_hooks(once.data, claude_entries(), claude_code.HOOKS.is_ours)
    assert not twice.changed
    assert twice.data == once.data
    assert twice.unchanged == once.added


def test_an_upgrade_replaces_our_handlers_in_place() -> None:
    old = merge_hooks(USER_SETTINGS, claude_entries(), claude_code.HOOKS.is_ours).data
    old["hooks"]["PreToolUse"].append({"matcher": "Edit", "hooks": [{"type": "command", "command": "lint"}]})
    new_entries = claude_code.HOOKS.entries(Path("/usr/local/bin/python3.12"), HOOK, HOME)
    upgrade = merge_hooks(old, new_entries, claude_code.HOOKS.is_ours)
    assert upgrade.replaced == tuple(p.event for p in claude_code.HOOKS.events)
    groups = upgrade.data["hooks"]["PreToolUse"]
    assert [g.get("matcher") for g in groups] == ["Bash", "*", "Edit"]  # same position, no duplicate
    assert groups[1]["hooks"][0]["command"].startswith("/usr/local/bin/python3.12 ")


def test_duplicates_of_ours_collapse_to_one_and_a_handler_moved_into_a_users_group_is_updated_there() -> None:
    ours = dict(claude_entries()[5].handler)  # Stop
    stale = {**ours, "command": ours["command"].replace(str(PYTHON), "/old/python")}
    data = {
        "hooks": {
            "Stop": [
                {"hooks": [{"type": "command", "command": "say done"}, stale]},
                {"hooks": [stale]},
                {"matcher": "", "hooks": [stale, {"type": "command", "command": "tput bel"}]},
            ]
        }
    }
    merge = merge_hooks(data, claude_entries(), claude_code.HOOKS.is_ours)
    assert merge.data["hooks"]["Stop"] == [
        {"hooks": [{"type": "command", "command": "say done"}, ours]},
        {"matcher": "", "hooks": [{"type": "command", "command": "tput bel"}]},
    ]
    assert "Stop" in merge.replaced


def test_our_handlers_for_events_we_no_longer_capture_are_removed() -> None:
    entries = claude_entries()
    old = {"hooks": {"Notification": [{"hooks": [dict(entries[0].handler)]}]}}
    merge = merge_hooks(old, entries, claude_code.HOOKS.is_ours)
    assert merge.removed == ("Notification",)
    assert "Notification" not in merge.data["hooks"]


@pytest.mark.parametrize("hooks", [["not", "an", "object"], "x", 3])
def test_a_hooks_value_that_is_not_an_object_is_refused(hooks: object) -> None:
    with pytest.raises(ConfigError, match="not an object"):
        merge_hooks({"hooks": hooks}, claude_entries(), claude_code.HOOKS.is_ours)


def test_an_event_that_is_not_a_list_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"hooks\.Stop"):
        merge_hooks({"hooks": {"Stop": {"hooks": []}}}, claude_entries(), claude_code.HOOKS.is_ours)


def test_remove_takes_out_only_ours_and_what_that_leaves_empty() -> None:
    merged = merge_hooks(USER_SETTINGS, claude_entries(), claude_code.HOOKS.is_ours).data
    merged["hooks"]["Stop"][0]["hooks"].insert(0, {"type": "command", "command": "say done"})  # a user's, same group
    removal = remove_hooks(merged, claude_code.HOOKS.is_ours, drop_empty_hooks_key=True)
    assert set(removal.removed) == {p.event for p in claude_code.HOOKS.events}
    assert removal.data["hooks"] == {
        **USER_SETTINGS["hooks"],
        "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}],
    }
    assert json.dumps(removal.data["hooks"]["PreToolUse"]) == json.dumps(USER_SETTINGS["hooks"]["PreToolUse"])


def test_remove_keeps_an_empty_hooks_key_that_the_user_had() -> None:
    merged = merge_hooks({"hooks": {}}, claude_entries(), claude_code.HOOKS.is_ours).data
    assert remove_hooks(merged, claude_code.HOOKS.is_ours, drop_empty_hooks_key=False).data == {"hooks": {}}
    assert remove_hooks(merged, claude_code.HOOKS.is_ours, drop_empty_hooks_key=True).data == {}


# --- the vendored schemas --------------------------------------------------------------------------------


def test_what_we_write_validates_and_the_validator_catches_broken_hooks() -> None:
    for hooks, start in ((claude_code.HOOKS, USER_SETTINGS), (codex.HOOKS, {})):
        merged = merge_hooks(start, hooks.entries(PYTHON, HOOK, HOME), hooks.is_ours).data
        assert schema_problems(merged, hooks.schema) == []
    broken = {"hooks": {"Stop": [{"hooks": [{"type": "command", "timeout": 0.5}]}]}}
    assert schema_problems(broken, "codex-hooks.json")
    assert schema_problems(broken, "claude-code-settings.json")
    assert schema_problems({"$schema": "x", "hooks": {"Stop": []}}, "codex-hooks.json")


def test_new_problems_separates_ours_from_what_the_file_already_had() -> None:
    before = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x", "once": True}]}]}}
    after = merge_hooks(before, claude_entries(), claude_code.HOOKS.is_ours).data
    introduced, existing = new_problems(before, after, "claude-code-settings.json")
    assert introduced == [] and existing
    broken = {**after, "hooks": {**after["hooks"], "SessionEnd": [{"hooks": [{"type": "command"}]}]}}
    assert new_problems(before, broken, "claude-code-settings.json")[0]


@pytest.mark.corpus
def test_the_vendored_schemas_are_the_shared_copies(shared_data: Path) -> None:
    for name in ("claude-code-settings.json", "codex-hooks.json"):
        shared = shared_data / "schemas" / "schemastore" / "schemas" / "json" / name
        assert (SCHEMAS / name).read_bytes() == shared.read_bytes()
    assert "3b6446ad8a077bac56f4a4796c0b7fd88927fc8e" in (SCHEMAS / "NOTICE").read_text()


@pytest.mark.corpus
@pytest.mark.parametrize("schema", ["claude-code-settings", "codex-hooks"])
def test_schemastores_own_fixtures_pass_and_fail_as_they_should(shared_data: Path, schema: str) -> None:
    root = shared_data / "schemas" / "schemastore"
    good = sorted((root / "test" / schema).glob("*.json"))
    bad = sorted((root / "negative_test" / schema).glob("*.json"))
    assert good and bad
    for fixture in good:
        assert schema_problems(json.loads(fixture.read_text()), f"{schema}.json") == [], fixture.name
    for fixture in bad:
        assert schema_problems(json.loads(fixture.read_text()), f"{schema}.json"), fixture.name


# --- agent specifics ---------------------------------------------------------------------------------------


def test_claude_code_settings_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "cfg"))
    assert claude_code.user_settings_path() == tmp_path / "cfg" / "settings.json"
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert claude_code.user_settings_path() == tmp_path / ".claude" / "settings.json"
    assert claude_code.project_settings_path(tmp_path) == tmp_path / ".claude" / "settings.local.json"


def test_claude_code_warns_when_the_user_turned_every_hook_off() -> None:
    assert claude_code.warnings({"disableAllHooks": True})
    assert claude_code.warnings(USER_SETTINGS) == []


def test_codex_paths_and_a_config_that_turns_hooks_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEX_HOME", str(tmp_path))
    assert codex.hooks_path() == tmp_path / "hooks.json"
    assert codex.warnings(tmp_path) == []
    (tmp_path / "config.toml").write_text('model = "o4"\n[features]\ncodex_hooks = false\n')
    assert "codex_hooks = false" in codex.warnings(tmp_path)[0]
    (tmp_path / "config.toml").write_text("[features]\nhooks = true\n")
    assert codex.warnings(tmp_path) == []
    (tmp_path / "config.toml").write_text("[features\nhooks = ")
    assert "could not read" in codex.warnings(tmp_path)[0]


def test_a_huge_settings_file_is_handled(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    big = {"permissions": {"allow": [f"Bash(tool-{i} *)" for i in range(50_000)]}}
    write(path, big)
    merged = merge_hooks(read_settings(path).data, claude_entries(), claude_code.HOOKS.is_ours)
    assert merged.data["permissions"] == big["permissions"]
    assert os.path.getsize(path) > 1_000_000
