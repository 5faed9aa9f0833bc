"""The capture hook: the script that agents run on every hook event.

    "<abs python>" -I -S "<abs path>/reverie/capture/hook.py" --agent claude-code --event PostToolUse --home "<dir>"
    "<abs python>" -I -S "<abs path>/reverie/capture/hook.py" --agent codex --event PreToolUse --home "<dir>"
        --recall yes

The second form (one command line) also answers the event with recall, in the same process (see
``hook_call``).

Kept tiny on purpose: a script is compiled from source on every run, so the work lives in
``hook_call`` (loaded from cached bytecode). Under ``-I -S`` neither site-packages nor this folder
is on ``sys.path``, so the folder holding the ``reverie`` package is added by hand.
"""

import os
import sys


def _fail_open(argv: "list[str]") -> None:
    """``hook_call`` itself could not be imported (a broken install): log it if we can, never fail."""
    try:
        import traceback

        home = os.environ.get("REVERIE_HOME") or dict(zip(argv[::2], argv[1::2], strict=False)).get("--home")
        if home:
            os.makedirs(os.path.join(home, "logs"), mode=0o700, exist_ok=True)
            descriptor = os.open(os.path.join(home, "logs", "hook.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as log:
                log.write(traceback.format_exc())
    except BaseException:  # nowhere left to report to; the agent must not see it
        pass


if __name__ == "__main__":
    answering = "--recall" in sys.argv and os.environ.get("REVERIE_INJECT", "").strip() != "0"
    if os.environ.get("REVERIE_CAPTURE") == "0" and not answering:
        sys.exit(0)  # before importing anything: reverie's own agent runs pay nothing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
    try:
        from reverie.capture.hook_call import main
    except BaseException:
        _fail_open(sys.argv[1:])
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
