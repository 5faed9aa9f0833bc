"""Commands in canonical form: one key for every spelling, placeholders for this run's values, and a
rendering that says the command as it was run (program and module always kept)."""

from __future__ import annotations

import pytest

from reverie.distill import canonical


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("git push -u origin feat-1", "git push --set-upstream origin fix/typo"),
        ("git push -f origin main", "git push origin main --force"),
        ("rm -rf build", "rm -r -f dist"),
        ("rm -rf build", "rm --recursive --force build"),
        ("pip install --find-links=./wheels x", "pip install --find-links ./wheels y"),
        ("cd /repo && npm test 2>&1 | tail -20", "npm test"),
        ("env HEADLESS=1 make e2e", "HEADLESS=1 make e2e"),
        ("pytest tests/a.py tests/b.py -v", "pytest tests/c.py -q --tb=short"),
        ("pip install requests httpx rich", "pip install click"),
        ("git commit -am 'fix the thing'", "git commit -a -m 'other words'"),
        ("git add src/a.py src/b.py", "git add README.md"),
        ("npm install -D typescript @types/node", "npm install --save-dev vitest"),
        ("git -C /w/repo push -u origin x", "git push --set-upstream origin y"),
        ("/usr/bin/python3 -m pytest -x", "python3 -m pytest --exitfirst -v"),
    ],
)
def test_spellings_of_one_command_have_one_key(first: str, second: str) -> None:
    assert canonical.key_of(first) == canonical.key_of(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("python -m pytest", "pytest"),  # which one is installed is often the lesson
        ("python -m pytest", "python3 -m pytest"),
        ("git push", "git push --set-upstream origin x"),
        ("git push --force origin x", "git push origin x"),
        ("pip install x", "pip install --no-index --find-links ./vendor/wheels x"),
        ("make test-integration", "TEST_DATABASE_URL=postgres://db/test make test-integration"),
        ("cargo test", "ulimit -n 4096 && cargo test"),
        ("npm test", "npm run test:unit"),
        (".venv/bin/pip install -r requirements.txt", "pip install -r requirements.txt"),
        ("go test ./...", "go test -race ./..."),
    ],
)
def test_different_commands_keep_different_keys(first: str, second: str) -> None:
    assert canonical.key_of(first) != canonical.key_of(second)


@pytest.mark.parametrize(
    ("command", "rendered"),
    [
        ("python -m pytest tests/x.py -v", "python -m pytest <file>"),
        (
            "pip install --no-index --find-links ./vendor/wheels x",
            "pip install --no-index --find-links ./vendor/wheels <package>",
        ),
        ("git push -u origin feature/login", "git push -u origin <branch>"),
        ("git commit -m 'a long message'", "git commit -m <message>"),
        ("git add a.py b.py c.py", "git add <file>..."),
        ("TEST_DB=postgres://db:5433/t make test-integration", "TEST_DB=<url> make test-integration"),
        ("NODE_OPTIONS=--max-old-space-size=4096 make build", "NODE_OPTIONS=--max-old-space-size=4096 make build"),
        ("go test -tags=integration ./integration/...", "go test -tags=integration <file>"),
        ("cargo build --features rustls", "cargo build --features rustls"),
        ("git -c http.postBuffer=524288000 push origin master", "git -c http.postBuffer=<n> push origin <branch>"),
        ("python -m pip install -U pip", "python -m pip install -U <package>"),
    ],
)  # fmt: skip
def test_rendering_keeps_program_module_and_deciding_flags(command: str, rendered: str) -> None:
    assert canonical.rendered(command) == rendered


def test_the_form_is_how_to_run_it_without_this_runs_arguments() -> None:
    form = canonical.of_command("python -m pytest tests/test_x.py -v")
    assert form is not None and form.form == "python -m pytest"
    offline = canonical.of_command("pip install --no-index --find-links ./vendor/wheels requests")
    assert offline is not None and offline.form == "pip install --no-index --find-links ./vendor/wheels"


def test_a_value_the_error_names_becomes_what_the_error_calls_it() -> None:
    error = "error: package foo-bar has no installation candidate"
    found = canonical.of_command("apt-get install foo-bar", error)
    assert found is not None and found.rendered == "apt-get install <package>"


def test_single_dash_long_options_are_not_split() -> None:
    found = canonical.of_command("go test -run TestLogin ./...")
    assert found is not None and "-run" in found.flags and "-r" not in found.flags
