"""What a database driver raises becomes ``StoreError`` before it leaves the store.

``sealed`` wraps every public method of a class that holds a SQLite connection (``SQLiteStore``, the
recall ledger), and ``seal`` does the same with psycopg's errors for ``PostgresStore``, so no driver
exception reaches a stage, the CLI or the web UI: a broken constraint (a
version that raced another writer, a duplicate id) is a ``StoreConflict``; anything else (locked past
the busy timeout, a full disk, a read-only home, a file that is not a database) a ``StoreError`` with
one line that says what happened and what is safe.
"""

from __future__ import annotations

import functools
import sqlite3
import types
from collections.abc import Callable
from typing import Any, TypeVar

from reverie.errors import StoreError
from reverie.store.protocol import StoreConflict

T = TypeVar("T", bound=type)


def sealed(cls: T) -> T:
    """Guard every public method of ``cls`` (its own and those it inherits), and its constructor."""
    return seal(cls, conflict=sqlite3.IntegrityError, failure=sqlite3.Error)


def seal(cls: T, *, conflict: type[Exception], failure: type[Exception]) -> T:
    """``sealed`` for any driver: its constraint error becomes ``StoreConflict``, its other errors
    ``StoreError`` (the PostgreSQL backend seals itself with psycopg's)."""
    for name in dir(cls):
        if name.startswith("_") and name != "__init__":
            continue
        member = getattr(cls, name)
        if isinstance(member, types.FunctionType) and not getattr(member, "_guarded", False):
            setattr(cls, name, _guard(member, conflict, failure))
    return cls


def _guard(method: Callable[..., Any], conflict: type[Exception], failure: type[Exception]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: object, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except conflict as error:
            raise StoreConflict(f"the store refused a write ({error}); re-read and try again") from error
        except failure as error:
            raise store_error(error, str(getattr(self, "path", ""))) from error

    guarded._guarded = True  # type: ignore[attr-defined]
    return guarded


def environmental(error: object) -> bool:
    """SQLite failing underneath us (locked, full, read-only, I/O, not a database), as opposed to a
    constraint that a write broke."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError


def store_error(error: BaseException, path: str) -> StoreError:
    """One line that says what happened to the store and what is safe."""
    text = str(error) or type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename or path}"
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        hint = "another reverie process holds it; try again in a moment"
    elif "full" in lowered or "no space" in lowered:
        hint = "the disk is full; free space and run the command again"
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        hint = "it cannot be written here (a read-only home?); reading commands still work"
    else:
        hint = "nothing partial was written"
    return StoreError(f"the store {path} failed ({text}): {hint}")
