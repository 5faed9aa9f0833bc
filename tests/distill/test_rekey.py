"""A home from before the one normal form of text (``reverie.normal``) keeps working: its lessons are
re-keyed when the store opens, and saying one of them again adds evidence to it, not a copy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reverie.distill.explicit import remember
from reverie.domain.lessons import ScopeLevel, lesson_id
from reverie.store import SQLiteStore
from tests.dream.factory import APP, put
from tests.store import raw

OLD_KEY = "say:-:line signed-off-by"  # what the earlier normal form minted for "Never add Signed-off-by lines."


def _old_home(path: Path) -> str:
    """A store holding the lesson as the earlier normal form keyed it, with the re-key not yet applied."""
    (said,) = remember(SQLiteStore(":memory:"), "Never add Signed-off-by lines.", scope=ScopeLevel.PROJECT, project=APP)
    old = replace(said, id=lesson_id(OLD_KEY, said.scope), key=OLD_KEY, topic="say:line signed-off-by", version=1)
    store = SQLiteStore(path)
    put(store, old)
    raw.execute(store, "DELETE FROM _migrations WHERE name = 'm006_normal_form_2'")
    store.close()
    return old.id


def test_an_old_lesson_is_rekeyed_in_place_and_keeps_its_id_and_content_hash(tmp_path: Path) -> None:
    identifier = _old_home(tmp_path / "s.db")
    store = SQLiteStore(tmp_path / "s.db")
    (lesson,) = store.lessons()
    assert (lesson.id, lesson.version, lesson.key, lesson.topic) == (identifier, 2, "say:-:lin sign", "say:lin sign")
    (first, second) = store.lesson_versions(identifier)
    assert first.content_hash == second.content_hash  # approvals and compiled rules still bind to it


def test_saying_an_old_lesson_again_strengthens_it(tmp_path: Path) -> None:
    identifier = _old_home(tmp_path / "s.db")
    store = SQLiteStore(tmp_path / "s.db")
    (again,) = remember(store, "pls don't put signed-off-by lines", scope=ScopeLevel.PROJECT, project=APP)
    assert again.id == identifier
    assert [lesson.id for lesson in store.lessons()] == [identifier]
    assert store.lesson(identifier).version == 3  # type: ignore[union-attr]
