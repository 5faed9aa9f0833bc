"""The marker around every piece of context that reverie injects into an agent session.

Capture recognises it and tags the text ``Origin.INJECTED``; distill never learns from it. That is
what stops a lesson from reinforcing itself each time it is shown to the agent.
"""

from __future__ import annotations

import re

INJECTED_OPEN = "<reverie-context"
INJECTED_CLOSE = "</reverie-context>"

_INJECTED_SPAN = re.compile(re.escape(INJECTED_OPEN) + r"\b[^>]*>.*?" + re.escape(INJECTED_CLOSE), re.DOTALL)


def wrap_injected(text: str, kind: str) -> str:
    return f'{INJECTED_OPEN} kind="{kind}">\n{text}\n{INJECTED_CLOSE}'


def contains_injected(text: str) -> bool:
    return INJECTED_OPEN in text


def strip_injected(text: str) -> str:
    """The text without any injected span (what the person or model wrote around it)."""
    return _INJECTED_SPAN.sub("", text)


# Every message of a compiled hook (``artifacts/enforce.py``, a standalone copy that cannot import
# this module and repeats the literal) starts with this tag, so that distill can tell reverie's own
# block and reminder texts from a tool's error, however the agent wraps them.
HOOK_MARK = "[reverie-hook]"
