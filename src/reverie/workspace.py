"""The one object that the edges (CLI, MCP server) hold: where reverie keeps its files, and the store.

The data directory is the platform's user data dir, or ``REVERIE_HOME``. Everything in it is private
to the user: folders 0700, files 0600.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from reverie.errors import ConfigError
from reverie.extensions import STORE_BACKENDS, StoreBackend
from reverie.store import SQLiteStore, Store

HOME_ENV = "REVERIE_HOME"


def default_home() -> Path:
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(platformdirs.user_data_dir("reverie", appauthor=False))


def private(path: Path, *, mode: int = 0o700) -> None:
    """Make ``path`` private to the user (a read-only home is left as it is: reading still works)."""
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError:
        return


@contextmanager
def private_files() -> Iterator[None]:
    """Everything created inside is 0700/0600 (umask 077): for trees written into the home by code that
    does not choose modes itself (an eval's scenarios and replay store)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _private_entries(home: Path) -> None:
    """The home's own folders and files (recall/, spool/, logs/, eval/ ...) are private whoever made them;
    one level only, so opening stays cheap."""
    try:
        entries = list(os.scandir(home))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_symlink():
                continue
            wanted = 0o700 if entry.is_dir() else 0o600
            if entry.stat().st_mode & 0o777 != wanted:
                os.chmod(entry.path, wanted)
        except OSError:
            continue


@dataclass
class Workspace:
    home: Path
    store: Store

    @classmethod
    def open(cls, home: Path | None = None, backend: str = "sqlite") -> Workspace:
        """The workspace at ``home``, its store opened by the named store backend of the extension table."""
        home = home or default_home()
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        private(home)
        _private_entries(home)
        spec = STORE_BACKENDS.named(backend, StoreBackend)
        if spec is None:
            raise ConfigError(f"no store backend named {backend!r}")
        store: Store = spec.open(str(home / "reverie.db"))
        return cls(home=home, store=store)

    @property
    def spool_dir(self) -> Path:
        return self.home / "spool"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    def close(self) -> None:
        self.store.close()


STORE_BACKENDS.register(StoreBackend("sqlite", "one SQLite file per machine (WAL, named migrations)", SQLiteStore))
