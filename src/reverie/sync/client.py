"""A small JSON-over-HTTP client on the standard library, with bounded time and retries.

Every failure becomes ``RemoteError`` with one line a person can act on. Retrying a push is safe
because each change carries an idempotency key: the server stores a change once however often it
arrives, and answers a retry with the proposal it created the first time.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from typing import Any

from reverie.errors import ReverieError
from reverie.sync.remotes import Remote


class RemoteError(ReverieError):
    """The team server could not be reached, or refused the request."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TeamClient:
    def __init__(self, remote: Remote, *, timeout: float = 10.0, retries: int = 0, backoff: float = 0.5) -> None:
        self.remote = remote
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def get(self, path: str) -> dict[str, Any]:
        return self._call("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, json.dumps(body).encode())

    def _call(self, method: str, path: str, data: bytes | None) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                return self._once(method, path, data)
            except RemoteError as error:
                # Only an unreachable server or its 5xx is worth another try; a refusal stays a refusal.
                if attempt >= self.retries or (error.status is not None and error.status < 500):
                    raise
            attempt += 1
            time.sleep(self.backoff * 2 ** (attempt - 1))

    def _once(self, method: str, path: str, data: bytes | None) -> dict[str, Any]:
        request = urllib.request.Request(
            self.remote.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.remote.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RemoteError(
                f"team server {self.remote.name} refused {method} {path}: {error.code} {_reason(error)}",
                status=error.code,
            ) from error
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
            # HTTPException: a server killed while answering leaves a cut body (IncompleteRead) or status
            # line; like an unreachable server, worth another try (a push is idempotent on the server).
            reason = getattr(error, "reason", error)
            raise RemoteError(f"team server {self.remote.name} ({self.remote.url}) is unreachable: {reason}") from error
        if not isinstance(body, dict):
            raise RemoteError(f"team server {self.remote.name} answered {path} with something other than an object")
        return body


def _reason(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("error", error.reason))
    except (ValueError, AttributeError, OSError):
        return str(error.reason)
