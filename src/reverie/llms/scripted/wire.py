"""The small pieces both wire formats share: server-sent events, token estimates, text chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

# Streaming a reply in a few pieces (not one) exercises the client's delta handling the way a real
# model does, without making the bodies long.
CHUNK_CHARACTERS = 24


def encode_event(name: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def estimate_tokens(text: str) -> int:
    """About four characters a token: enough for clients that show or budget usage."""
    return max(1, len(text) // 4)


def chunks(text: str) -> Iterator[str]:
    for start in range(0, len(text), CHUNK_CHARACTERS):
        yield text[start : start + CHUNK_CHARACTERS]
