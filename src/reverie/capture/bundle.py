"""Building the hook runtime file: every module the hook imports, compiled, in ``<home>/cache/hook/``.

The hook is a fresh interpreter on every agent event, and importing its ~25 small modules the usual
way costs more than their work: for each, the import system searches the package folder, stats the
source, opens and validates its ``.pyc``, and reads it (0.1-0.3 ms a module, 4-5 ms in all against an
interpreter start of about 8 ms). So ``build`` compiles them once into one file, which ``hook.py`` reads
in one go; ``runtime`` then serves the modules from it: one open, one read, one ``marshal.loads``, and
each module's code is unpacked only when it is imported, so an event that never answers with recall
never unpacks recall.

What goes in: the modules ``hook_call`` and ``respond`` import at module level, transitively, plus the
few they import inside functions on the hot path (``ROOTS``); anything else a bundled module imports
is found the usual way (the bundled packages keep their real ``__path__``). Each module is compiled from
its source as the import system would compile it, except that ``from __future__ import annotations``
becomes a compiler flag instead of a statement (the statement imports the ``__future__`` module, 0.3 ms).
``__file__`` is the real source file, so tracebacks, the pattern cache beside the source and the
package root the hook hands to detached processes are as before.

Staleness: the file records every source's size and modification time (nanoseconds, taken before the
source is read) and the interpreter's exact version; ``runtime.current`` compares them on every run (a
stat per module, what the import system does anyway), and on any difference the hook imports as before
and builds the file afresh after its work. ``reverie init`` builds it up front. Written atomically, 0600
in a 0700 folder: it holds only reverie's code, but it is code that the hook runs.
"""

from __future__ import annotations

import marshal
import sys

from reverie import lean_os
from reverie.atomic import make_private_dir, write_atomic
from reverie.capture.runtime import FOLDER, FORMAT, file_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Iterable
    from os import stat_result

# The hook's entry modules, and the modules they import inside functions on the hot path: the project
# identity of a new working directory, the premise checks and the stale-index guard at session start,
# a malformed config file's error.
ROOTS = (
    "reverie.capture.runtime",
    "reverie.capture.hook_call",
    "reverie.recall.respond",
    "reverie.capture.project",
    "reverie.capture.project_cache",
    "reverie.recall.digest_cache",
    "reverie.recall.premises",
    "reverie.store.lesson_changes",
    "reverie.errors",
    "reverie.capture.resident_start",
)
_FUTURE_ANNOTATIONS = 0x1000000  # __future__.annotations.compiler_flag (CO_FUTURE_ANNOTATIONS)


def path(home: str) -> str:
    return lean_os.join(home, *FOLDER, file_name())


def package_root() -> str:
    """The folder that holds the ``reverie`` package (this file is ``reverie/capture/bundle.py``)."""
    return lean_os.dirname(lean_os.dirname(lean_os.dirname(lean_os.abspath(__file__))))


def build(home: str) -> str:
    """Compile the hook's modules into ``<home>/cache/hook/<interpreter>.bin``; returns the path."""
    target = path(home)
    folder = lean_os.dirname(target)
    make_private_dir(folder)
    if not lean_os.access(folder, lean_os.W_OK):  # a read-only home: do not compile for nothing on every event
        raise PermissionError(f"{folder} is not writable")
    modules: dict[str, tuple[str, str | None, bytes]] = {}
    stamp: list[tuple[str, int, int]] = []
    for name, (source, tree, info) in sorted(closure(package_root(), ROOTS).items()):
        code = compile(_without_future_import(tree), source, "exec", flags=_FUTURE_ANNOTATIONS, dont_inherit=True)
        folder_of_package = lean_os.dirname(source) if source.endswith("__init__.py") else None
        modules[name] = (source, folder_of_package, marshal.dumps(code))
        stamp.append((source, info.st_mtime_ns, info.st_size))
    write_atomic(target, marshal.dumps({"v": FORMAT, "python": sys.version, "stamp": stamp, "modules": modules}))
    return target


def closure(root: str, names: Iterable[str]) -> dict[str, tuple[str, ast.Module, stat_result]]:
    """Module name -> (source file, its syntax tree, its stat taken before it was read) of ``names``, their
    parent packages and every ``reverie`` module they import at module level (``if TYPE_CHECKING``
    blocks and function bodies are not followed)."""
    import ast

    found: dict[str, tuple[str, ast.Module, stat_result]] = {}
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name in found or not name.startswith("reverie"):
            continue
        source = _source(root, name)
        if source is None:
            continue  # ``from reverie.x import name`` names an attribute, not a module
        info = lean_os.stat(source)  # before reading: a change in between leaves the bundle stale, never wrong
        with open(source, "rb") as file:
            tree = ast.parse(file.read(), source)
        found[name] = (source, tree, info)
        parts = name.split(".")
        waiting.extend(".".join(parts[:end]) for end in range(1, len(parts)))
        package = name if source.endswith("__init__.py") else name.rpartition(".")[0]
        waiting.extend(_imports(tree, package))
    return found


def _source(root: str, name: str) -> str | None:
    base = lean_os.join(root, *name.split("."))
    for candidate in (lean_os.join(base, "__init__.py"), base + ".py"):
        if lean_os.isfile(candidate):
            return candidate
    return None


def _imports(tree: ast.Module, package: str) -> list[str]:
    import ast

    names: list[str] = []
    for node in _module_level(tree.body):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements that run when the module is imported, into ``try`` and ``if`` (but not ``if
    TYPE_CHECKING``), not into functions or classes."""
    import ast

    for node in body:
        yield node
        if isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level(block)


def _without_future_import(tree: ast.Module) -> ast.Module:
    """The module without ``from __future__ import annotations`` (``build`` compiles with its flag instead)."""
    import ast

    tree.body = [
        node
        for node in tree.body
        if not (
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and [alias.name for alias in node.names] == ["annotations"]
        )
    ]
    return tree


def main(argv: list[str]) -> int:
    """``python -m reverie.capture.bundle --home DIR``: build the file, print where it went."""
    home = argv[argv.index("--home") + 1] if "--home" in argv[:-1] else lean_os.getenv("REVERIE_HOME")
    if not home:
        print("usage: python -m reverie.capture.bundle --home DIR", file=sys.stderr)
        return 2
    print(build(home))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
