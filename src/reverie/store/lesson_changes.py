"""The one read of the lesson store that the recall hook makes: which lessons changed since the index.

The recall index is rebuilt after lessons change, but a hook may run in between; it asks here which
lessons have a newer version than the index saw (``lesson_watermark``), so a lesson just forgotten is
not injected. The hook's budget is about one interpreter start, so this module imports the standard
library only (``_sqlite3``, not ``sqlite3``), and ``reverie.store`` loads nothing else on the way in.
Its SQL lives here, with the schema it reads; ``SQLiteStore.lesson_watermark`` writes the number it
compares against.
"""

from __future__ import annotations


def changed_since(store_path: str, watermark: int) -> tuple[frozenset[str], bool]:
    """(lessons whose newest version since ``watermark`` is not active, whether any lesson changed).

    ``StoreError`` when the store cannot be read (locked past half a second, not a database)."""
    try:
        import _sqlite3 as sqlite
    except ImportError:  # pragma: no cover
        import sqlite3 as sqlite  # type: ignore[no-redef]
    uri = "file:" + store_path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        connection = sqlite.connect(uri, uri=True, timeout=0.5)
        try:
            rows = connection.execute("SELECT id, status FROM lessons WHERE rowid > ? ORDER BY rowid", (watermark,))
            newest = dict(rows.fetchall())
        finally:
            connection.close()
    except sqlite.Error as error:
        from reverie.errors import StoreError

        raise StoreError(f"the store {store_path} failed ({error}): the recall hook could not check it") from error
    return frozenset(str(lesson) for lesson, status in newest.items() if status != "active"), bool(newest)
