"""The capture hook: the script that agents run on every hook event.

    "<abs python>" -I -S "<abs path>/reverie/capture/hook.py" --agent claude-code --event PostToolUse --home "<dir>"
    "<abs python>" -I -S "<abs path>/reverie/capture/hook.py" --agent codex --event PreToolUse --home "<dir>"
        --recall yes

The second form (one command line) also answers the event with recall, in the same process (see
``hook_call``). ``reverie init`` writes these by default behind ``hook.sh``, which sends the event to the
resident server (``resident.py``) and runs this script only when no server answers, adding
``--resident start`` so that the script starts one for the next event (``runtime.run``).

Kept tiny on purpose: a script is compiled from source on every run. Its modules come from the hook
runtime file, ``<home>/cache/hook/<interpreter>.bin``, in one read (see ``capture/bundle.py``; ``runtime``
checks that it is current); when the file cannot be read they are imported the usual way (under ``-I -S``
neither site-packages nor this folder is on ``sys.path``, so the folder holding the ``reverie`` package is
added by hand). ``os`` is not loaded under ``-S`` and costs 1 ms, so ``posix`` is read instead; and the
process ends with ``posix._exit`` once its output is flushed, without the interpreter's teardown.
"""

import sys

if __name__ == "__main__":
    try:
        from posix import environ
    except ImportError:  # not POSIX: os, the same answers
        from os import environ as text_environ

        environ = {key.encode(): value.encode() for key, value in text_environ.items()}
    answering = "--recall" in sys.argv and environ.get(b"REVERIE_INJECT", b"").strip() != b"0"
    if environ.get(b"REVERIE_CAPTURE") == b"0" and not answering:
        sys.exit(0)  # before importing anything: reverie's own agent runs pay nothing
    try:
        import marshal

        home = environ.get(b"REVERIE_HOME", b"").decode() or sys.argv[sys.argv.index("--home") + 1]
        with open(f"{home}/cache/hook/{sys.implementation.cache_tag}-{sys.hexversion:x}.bin", "rb") as file:
            bundle = marshal.loads(file.read())
        source, _, code = bundle["modules"]["reverie.capture.runtime"]
        runtime = type(sys)("reverie.capture.runtime")
        runtime.__file__ = source
        exec(marshal.loads(code), runtime.__dict__)
    except Exception:  # no runtime file yet, or a torn one: every module from its own file
        bundle = None
        import os

        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
        from reverie.capture import runtime
    code = runtime.run(sys.argv[1:], bundle)
    # Everything the hook wrote is closed by now. The interpreter's teardown (freeing every module and
    # object one by one) would cost the agent another 2-3 ms: leave at once instead.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        from posix import _exit
    except BaseException:  # not POSIX, or a closed pipe: the ordinary exit
        sys.exit(code)
    _exit(code)
