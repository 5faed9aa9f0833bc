from __future__ import annotations

import pytest

from reverie.distill.triggers import trigger_from


@pytest.mark.parametrize(
    ("span", "paths"),
    [
        ("src/generated/", ("src/generated/**",)),
        ("./db/migrations/", ("db/migrations/**",)),
        ("src/app/settings.py", ("src/app/settings.py",)),
        ("src/vendor", ("src/vendor", "src/vendor/**")),
        ("package-lock.json", ("**/package-lock.json",)),
        ("migrations/", ("**/migrations", "**/migrations/**")),
        ("src/**/*.gen.ts", ("src/**/*.gen.ts",)),
    ],
)
def test_paths_become_project_globs(span: str, paths: tuple[str, ...]) -> None:
    trigger = trigger_from([span])
    assert trigger.paths == paths
    assert trigger.commands == ()


@pytest.mark.parametrize("span", ["pnpm test", "make check", "python3", "git push --set-upstream origin", "npx vitest"])
def test_commands_stay_commands(span: str) -> None:
    trigger = trigger_from([span])
    assert trigger.commands == (span,)
    assert trigger.paths == ()


@pytest.mark.parametrize("span", ["3.11", "https://example.com/x", "--force", "a b c d e f"])
def test_neither_a_path_nor_a_command(span: str) -> None:
    trigger = trigger_from([span])
    assert trigger.paths == () and trigger.commands == ()
