"""Loop: run an agent again and again against one objective, each run fresh, while the world keeps score.

A reset-style loop works only when progress is legible: explicit tasks, a cheap check, recorded
blockers, marked failed approaches, and a way to tell whether there is less work than before.
reverie keeps that ledger from the runs' traces and the check's output, never from the agent's own
account of itself, and opens every run with it.

The table of contents, in the order an iteration flows through it:

* ``runner``       the loop: ``run_loop(LoopConfig, workspace)``; one iteration end to end
* ``agents``       the headless CLIs (``claude -p``, ``codex exec --json``): argv, environment,
                   session id and token usage from their output, where their transcripts are
* ``processes``    a child with a time limit, stopped as a group on timeout and Ctrl-C
* ``briefing``     the ledger summary that opens each prompt, inside the injected-context marker
* ``findings``     what a run's trace shows: failed calls and why, clean runs, distilled lessons
* ``scoring``      the check's verdict: exit code, counts and failing test names of common runners
* ``bookkeeping``  pure updates of the ledger from all of the above, and the progress judgement
* ``stopping``     the stop rules and the one line that says why
* ``ledger``       the model and its JSON twin (``.reverie/progress.json``)
* ``markdown``     PROGRESS.md: rendered for people, their edits read back and kept
* ``files``        both files of one workspace, written atomically
"""

from reverie.loop.ledger import Ledger, Stop, StopCode
from reverie.loop.runner import LoopConfig, run_loop
from reverie.loop.stopping import Limits

__all__ = ["Ledger", "Limits", "LoopConfig", "Stop", "StopCode", "run_loop"]
