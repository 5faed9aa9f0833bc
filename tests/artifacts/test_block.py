"""The managed block: text outside the markers is never touched, and removal is byte-exact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reverie.artifacts import block

BLOCK = f"{block.BEGIN}\n## Rules\n\n- Never run `git push --force`.\n{block.END}"


def test_inserting_into_a_missing_file_gives_the_block_alone() -> None:
    text, lead = block.insert(None, BLOCK)
    assert text == BLOCK + "\n" and lead == ""
    assert block.remove(text, lead) == ""


def test_a_file_without_a_final_newline_gets_it_back_exactly() -> None:
    original = "# Project\n\nNotes"
    text, lead = block.insert(original, BLOCK)
    assert text.startswith(original + "\n\n" + block.BEGIN)
    assert block.remove(text, lead) == original


def test_crlf_files_get_a_crlf_block_and_round_trip() -> None:
    original = "# Project\r\n\r\nNotes\r\n"
    text, lead = block.insert(original, BLOCK)
    assert "\n- Never" not in text.replace("\r\n", "") and "\r\n- Never run" in text
    assert block.current(text) == BLOCK
    assert block.remove(text, lead) == original


def test_replace_keeps_everything_around_the_block_where_the_user_moved_it() -> None:
    text, _ = block.insert("intro\n", BLOCK)
    moved = "top\n" + text.replace("intro\n", "") + "after the block\n"
    newer = BLOCK.replace("Never run", "Do not run")
    replaced = block.replace(moved, newer)
    assert replaced is not None
    assert replaced.startswith("top\n") and replaced.endswith("after the block\n")
    assert block.current(replaced) == newer


def test_text_the_user_added_after_the_block_survives_removal() -> None:
    text, lead = block.insert("intro\n", BLOCK)
    removed = block.remove(text + "mine\n", lead)
    assert removed == "intro\nmine\n"


def test_broken_or_repeated_markers_are_not_touched() -> None:
    assert block.find(f"{block.BEGIN}\nno end") is None
    assert block.find(BLOCK + "\n" + BLOCK) is None
    assert block.replace(BLOCK + "\n" + BLOCK, BLOCK) is None
    assert block.remove(f"{block.END}\n{block.BEGIN}", "") is None


@given(st.text(alphabet=st.sampled_from("ab #\n\r\t-é"), max_size=60))
def test_insert_then_remove_is_the_identity(original: str) -> None:
    text, lead = block.insert(original, BLOCK)
    assert block.current(text) == BLOCK
    assert block.remove(text, lead) == original
