"""The file agents run for compiled enforcement: a small loader with the hook itself in ``RUNTIME``.

A script has no cached bytecode: run directly, the 40 KB of ``enforce.py`` (with ``shell.py`` and
``lean_json.py`` written in) would be compiled on every tool call, which cost more than starting the
interpreter. So ``hook_script.render_script`` writes this loader with the hook's source as a string:
reading a string literal costs a fraction of compiling it as code. The loader compiles ``RUNTIME`` once
per interpreter and keeps the code in the user's cache folder, ``$XDG_CACHE_HOME/reverie/enforce/`` (or
``~/.cache/reverie/enforce/``; a file per script path and interpreter version, written atomically,
0600 in a 0700 folder), together with the source it was compiled from; every later run reads it back
and uses it only when that source is exactly ``RUNTIME``, so an edited script is never run as it was.
No cache folder (no ``HOME``), an unreadable or torn file, another interpreter: the source is
compiled as before. Outside the repository on purpose: a script committed with a project stays the
only file there, and the cache is each machine's own.

Standard library only, Python 3.9, no ``os`` unless it compiles: it runs on every tool call.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType

RUNTIME = ""  # written in by render_script


def _cache_path(script: str) -> str:
    """Where the code compiled from ``RUNTIME`` by this interpreter is kept for ``script``; "" for nowhere."""
    try:
        from posix import environ
    except ImportError:  # not POSIX: compile every time
        return ""
    base = environ.get(b"XDG_CACHE_HOME") or (environ.get(b"HOME", b"") + b"/.cache" if environ.get(b"HOME") else b"")
    if not base:
        return ""
    value = 0xCBF29CE484222325  # FNV-1a, 64 bits, of the script's path: stable across processes
    for byte in script.encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    name = f"{value:016x}-{sys.implementation.cache_tag}-{sys.hexversion:x}.bin"
    return base.decode("utf-8", "surrogateescape") + "/reverie/enforce/" + name


def _code(script: str) -> "CodeType":
    """The hook's code: kept from an earlier run when compiled from this exact ``RUNTIME``, else compiled
    (and kept for the next run)."""
    import marshal

    path = _cache_path(script)
    if path:
        try:
            with open(path, "rb") as file:
                source, code = marshal.loads(file.read())
            if source == RUNTIME:
                return code  # type: ignore[no-any-return]
        except Exception:
            pass  # none yet, torn, or from another build: compile below
    code = compile(RUNTIME, script, "exec")
    if path:
        try:
            import os

            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
                file.write(marshal.dumps((RUNTIME, code)))
            os.replace(temporary, path)
        except Exception:
            pass  # a read-only cache folder: compiled again next time
    return code


if __name__ == "__main__":
    exec(_code(__file__), {"__name__": "__main__", "__file__": __file__, "__builtins__": __builtins__})
