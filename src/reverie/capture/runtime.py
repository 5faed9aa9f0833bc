"""The hook runtime: the hook's modules served from the one file ``bundle`` builds, and the hook's run.

``hook.py`` reads ``<home>/cache/hook/<interpreter>.bin`` and executes this module from it (this module
imports nothing of reverie at module level: nothing of reverie is importable until ``run`` says where
from). ``run`` checks that the file is current, puts ``BundleFinder`` first on ``sys.meta_path`` and calls
``hook_call.main``; with no current file, the modules are imported the usual way and the file is built
afresh after the event is answered. See ``bundle`` for what the file holds and why.
"""

from __future__ import annotations

import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

FORMAT = 1
FOLDER = ("cache", "hook")


def file_name() -> str:
    """One file per interpreter version: a venv's Python and the system's never share bytecode."""
    return f"{sys.implementation.cache_tag}-{sys.hexversion:x}.bin"


class BundleFinder:
    """Serves the bundled modules to ``import`` (first on ``sys.meta_path``); each module's code is
    unpacked when it is imported. Modules it does not hold are left to the usual finders, which look in
    the bundled packages' real folders."""

    def __init__(self, modules: dict[str, tuple[str, str | None, bytes]]) -> None:
        self.modules = modules

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        entry = self.modules.get(name)
        if entry is None:
            return None
        source, folder = entry[0], entry[1]
        spec: ModuleSpec = sys.modules["_frozen_importlib"].ModuleSpec(
            name, self, origin=source, is_package=folder is not None
        )
        spec.has_location = True  # ``__file__`` is the real source: tracebacks and caches beside it work
        if folder is not None:
            spec.submodule_search_locations = [folder]
        return spec

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        exec(marshal.loads(self.modules[module.__name__][2]), module.__dict__)


def current(bundle: dict[str, Any]) -> bool:
    """Whether the bundle was built by this interpreter from the sources as they are now. Nothing of
    reverie is imported here: until this says yes, nothing can be."""
    try:
        from posix import stat
    except ImportError:  # pragma: no cover - not POSIX
        from os import stat
    try:
        if bundle["v"] != FORMAT or bundle["python"] != sys.version:
            return False
        for source, mtime, size in bundle["stamp"]:
            info = stat(source)
            if info.st_mtime_ns != mtime or info.st_size != size:
                return False
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return True


def run(argv: list[str], bundle: dict[str, Any] | None) -> int:
    """The hook, with its modules from ``bundle`` (as ``hook.py`` read it) when it is current; otherwise
    imported the usual way, and the bundle is built afresh once the event is answered."""
    fresh = bundle is not None and current(bundle)
    if fresh and bundle is not None:
        sys.meta_path.insert(0, BundleFinder(bundle["modules"]))
    elif bundle is not None:  # ``hook.py`` found a stale file: find the package as it does without one
        import os

        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
    home = _home(argv)
    try:
        from reverie.capture.hook_call import main
    except BaseException:
        _fail_open(home)
        return 0
    code = main(argv)
    if home and not fresh:
        try:
            from reverie.capture import bundle as sources

            sources.build(home)
        except BaseException:
            pass
    if home and "--resident" in argv:  # ``hook.sh`` found no resident server: start one for the next event
        try:
            from reverie.capture import resident_start

            resident_start.start(home)
        except BaseException:
            pass
    return code


def _home(argv: list[str]) -> str:
    """``REVERIE_HOME``, else ``--home`` (as ``hook_call`` decides), without ``os``."""
    try:
        from posix import environ

        home = environ.get(b"REVERIE_HOME", b"").decode(sys.getfilesystemencoding(), "surrogateescape")
    except ImportError:  # pragma: no cover - not POSIX
        from os import environ as text_environ

        home = text_environ.get("REVERIE_HOME", "")
    return home or dict(zip(argv[::2], argv[1::2], strict=False)).get("--home", "")


def _fail_open(home: str) -> None:
    """``hook_call`` itself could not be imported (a broken install): log it if we can, never fail."""
    try:
        import traceback

        from reverie import lean_os
        from reverie.atomic import make_private_dir

        if home:
            folder = lean_os.join(home, "logs")
            make_private_dir(folder)
            descriptor = lean_os.open(
                lean_os.join(folder, "hook.log"), lean_os.O_WRONLY | lean_os.O_CREAT | lean_os.O_APPEND, 0o600
            )
            with open(descriptor, "a", encoding="utf-8") as log:
                log.write(traceback.format_exc())
    except BaseException:
        pass
