from __future__ import annotations

from pathlib import Path

import pytest

from reverie.errors import InputError
from reverie.evals import truth as t


def test_a_hand_written_labels_file_reads_with_inline_matchers(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "labels.yaml"
    path.write_text(
        "items:\n"
        "  - id: pnpm\n    terms: [pnpm]\n    rivals: [yarn]\n    project: github.com/me/web\n"
        "    valid_from: 2025-03-01\n"
        "  - id: eslint9\n    category: failed_approach\n    terms: [[eslint], [v9, '9']]\n    scope: global\n"
    )
    truth = t.load(path)
    pnpm, eslint = truth.items
    assert pnpm.matcher.terms == (("pnpm",),) and pnpm.matcher.valid_from == "2025-03-01"
    assert pnpm.persist and pnpm.matcher.scope == "project"
    assert eslint.matcher.terms == (("eslint",), ("v9", "9")) and eslint.matcher.scope == "global"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"items": [', "invalid JSON"),
        ("bad.yaml", "items: [\n", "invalid YAML"),
        ("list.json", "[]", "mapping"),
        ("noterms.json", '{"items": [{"id": "x", "terms": []}]}', "no terms"),
        ("unknown.json", '{"items": [], "sessions": [{"id": "s", "mistakes": ["nope"]}]}', "unknown items"),
    ],
)
def test_bad_truth_files_are_clear_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    if name.endswith(".yaml"):
        pytest.importorskip("yaml")
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        t.load(path)
    assert name in str(caught.value)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        t.load(tmp_path / "absent.json")
