"""The separate recall hook that ``reverie init`` wrote before capture and recall became one process.

    "<abs python>" -I -S "<abs path>/reverie/recall/hook.py" --agent claude-code --event PreToolUse --home "<dir>"

Agents now reach recall through ``capture/hook.py ... --recall yes`` (one process per event), and
``reverie init`` replaces this entry where it finds it; it keeps working for installs not yet upgraded.

``-I -S`` puts neither site-packages nor this folder on ``sys.path``, so the folder holding the
``reverie`` package is added by hand. Everything else is in ``respond.py``: Python compiles a script on
every run (about as long as the rest of the hook here) but imports a module from cached bytecode.

``REVERIE_INJECT=0`` in the agent's environment turns injection off for that session: the hook exits
before importing anything. Whatever fails, even the import, it exits 0 with nothing on stdout.
"""

import os
import sys

if __name__ == "__main__":
    if os.environ.get("REVERIE_INJECT", "").strip() == "0":
        sys.exit(0)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
    try:
        from reverie.recall.respond import main
    except BaseException:
        try:
            import traceback

            home = os.environ.get("REVERIE_HOME") or sys.argv[sys.argv.index("--home") + 1]
            os.makedirs(os.path.join(home, "logs"), mode=0o700, exist_ok=True)
            with open(os.path.join(home, "logs", "recall.log"), "a", encoding="utf-8") as log:
                log.write(traceback.format_exc())
        except BaseException:
            pass
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
