"""reverie: coding agents that learn from their own sessions without training.

The package is laid out as the pipeline: ``capture`` and ``adapters`` turn agent sessions into
events, ``store`` keeps them, and later stages (distill, dream, review, recall, artifacts, evals)
build on the store. ``domain`` holds the shared vocabulary as frozen dataclasses with no I/O.

Nothing is imported here on purpose: the capture hook imports ``reverie.capture.*`` on the agent's
critical path and must not pay for anything else.
"""

__version__ = "0.1.0.dev0"
