"""Sync with a team server: ``remote add``, ``push`` and ``pull``.

Each machine's SQLite store stays its own source of truth and works offline. ``push`` sends this
machine's active, durable, non-session lessons, redacted again, as typed changes with idempotency
keys (a retry or a second push of the same content creates nothing new); ``pull`` reads accepted team
lessons after a cursor and writes them into the local store, so recall shows them. The client uses the
standard library only and never blocks for long: an unreachable server is one clear error.
"""
