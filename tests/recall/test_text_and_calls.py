"""The hot path's own parsers: index terms, shell lines, paths and globs, and JSON without ``json``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reverie import normal
from reverie.domain import markers
from reverie.recall import calls, render, wire


def test_terms_meet_across_word_forms_and_drop_function_words() -> None:
    assert normal.terms("How do I run the tests?") == normal.terms("running test") == ["run", "test"]
    assert normal.terms("Testing, tested, tests") == ["test", "test", "test"]
    assert normal.terms("pnpm-lock.yaml") == ["pnpm", "lock", "yaml"]
    assert normal.query_terms("test test build") == ["test", "build"]


def test_query_terms_are_bounded_for_a_pasted_log() -> None:
    pasted = " ".join(f"word{n}x" for n in range(10_000))
    assert len(normal.query_terms(pasted)) == normal.MAX_QUERY_TERMS


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("npm test", [["npm", "test"]]),
        ("cd web && FOO=1 sudo npm test 2>&1 | tail -5", [["cd", "web"], ["npm", "test"], ["tail", "-5"]]),
        ("timeout 30 pytest -q > out.txt", [["pytest", "-q"]]),
        ("git commit -m 'a; b && c'", [["git", "commit", "-m", "a; b && c"]]),
        ('echo "unbalanced', [["echo", "unbalanced"]]),
        ("make check\nmake lint", [["make", "check"], ["make", "lint"]]),
        ("# just a comment", []),
        ("", []),
    ],
)
def test_shell_lines_split_into_the_commands_that_run(line: str, expected: list[list[str]]) -> None:
    assert calls.simple_commands(line) == expected


def test_a_call_yields_prefix_path_tool_and_word_keys() -> None:
    call = calls.call_in_play("Bash", {"command": "cd web && /usr/bin/NPM run build src/app.ts"})
    keys = call.keys()
    assert {"c:npm run build", "c:npm run", "c:npm"} <= set(keys)
    assert {"p:src", "p:app.ts", "x:ts", "t:bash", "k:build"} <= set(keys)
    assert "c:cd web" not in keys  # navigation is noise
    assert call.describe() == "/usr/bin/NPM run build src/app.ts"  # as the agent wrote it


def test_edit_calls_and_patches_put_their_files_in_play() -> None:
    assert calls.call_in_play("Edit", {"file_path": "/repo/db/migrations/0001.py"}).paths == [
        "/repo/db/migrations/0001.py"
    ]
    patch = "*** Begin Patch\n*** Update File: src/models.py\n@@\n-x\n+y\n*** End Patch"
    assert "src/models.py" in calls.call_in_play("apply_patch", {"input": patch}).paths
    codex = calls.call_in_play("Bash", {"command": ["bash", "-lc", "pnpm test"]})
    assert codex.commands == [["pnpm", "test"]]


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("migrations/**", "/home/me/app/migrations/0001_init.py", True),
        ("migrations/**", "/home/me/app/src/models.py", False),
        ("**/package.json", "web/package.json", True),
        ("src/*.py", "/x/src/app.py", True),
        ("src/*.py", "/x/src/sub/app.py", False),
        ("*.lock", "/x/Cargo.lock", True),
        ("docs/[a-c]*.md", "docs/api.md", True),
        ("docs/[!a-c]*.md", "docs/api.md", False),
        ("/etc/*", "/etc/passwd", True),
        ("/etc/*", "/home/etc/passwd", False),
        ("", "/x", False),
    ],
)
def test_globs_match_any_tail_of_the_path_unless_anchored(glob: str, path: str, matches: bool) -> None:
    assert calls.glob_matches(glob, path) is matches


def test_a_glob_is_indexed_under_a_key_its_matching_paths_produce() -> None:
    for glob, path in [("migrations/**", "a/migrations/b.py"), ("*.lock", "Cargo.lock"), ("**", "x")]:
        assert calls.glob_key(glob) in calls.path_keys(path)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_wire_round_trips_what_json_does(value: object) -> None:
    assert wire.loads(wire.dumps(value)) == value
    assert wire.loads(json.dumps(value)) == json.loads(json.dumps(value))
    assert json.loads(wire.dumps(value)) == value


@pytest.mark.parametrize("text", ["", "{", '{"a": 1} trailing', "NaN", "[1,]", '"\\q"', "{'single': 1}"])
def test_wire_refuses_what_is_not_one_json_document(text: str) -> None:
    with pytest.raises(ValueError):
        wire.loads(text)


def test_the_hook_marker_is_exactly_the_domain_marker() -> None:
    assert render.wrap_injected("x\ny", "tool") == markers.wrap_injected("x\ny", "tool")
    assert (render.INJECTED_OPEN, render.INJECTED_CLOSE) == (markers.INJECTED_OPEN, markers.INJECTED_CLOSE)
    assert markers.contains_injected(render.for_prompt([]))


def test_injected_text_never_exceeds_the_agents_cap() -> None:
    long_text = render.wrap_injected("x" * 50_000, "session-start")
    assert len(render._bounded(long_text)) <= render.HOOK_OUTPUT_LIMIT
    assert render._bounded(long_text).endswith(render.INJECTED_CLOSE)
