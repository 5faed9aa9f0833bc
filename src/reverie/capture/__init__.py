"""Capture: agent sessions become durable, redacted, trust-tagged events.

``hook.py`` is the entry point that agents run on every event; it and the modules it imports
(``redact``, ``project``, ``spool``) use the standard library only, because they sit on the agent's
critical path. Nothing is imported here for the same reason.
"""
