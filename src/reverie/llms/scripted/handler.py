"""The HTTP side of the scripted model server: routing, reading request bodies, and answering.

One handler serves both wire formats. It reads the body (Content-Length or chunked; gzip and deflate
undone), records the exchange with its host *before* answering (a client that has its answer may
look at the record at once), and sends every answer with a Content-Length: the SSE body is complete
before it is sent, so connections stay alive and no client waits for a close.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import urlsplit

from reverie.llms.scripted import anthropic_sse, openai_responses_sse
from reverie.llms.scripted.exchange import Api, Exchange, Kind
from reverie.llms.scripted.script import IdSource, Script

MAX_BODY_BYTES = 64 * 1024 * 1024  # far above any real request; refuses a runaway without reading it


class Host(Protocol):
    """What the handler needs from the server it runs in (``server.host``)."""

    script: Script
    ids: IdSource

    def record(self, exchange: Exchange) -> None: ...


class RequestHandler(BaseHTTPRequestHandler):
    """Routes one request, records it with the host, answers it."""

    protocol_version = "HTTP/1.1"  # keep-alive; every response carries a Content-Length
    server_version = "reverie-scripted-model"

    @property
    def _scripted(self) -> Host:
        host: Host = self.server.host  # type: ignore[attr-defined]
        return host

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; exchanges are recorded instead."""

    def do_HEAD(self) -> None:
        self._record(None, Kind.PROBE, 200)
        self._send(200, b"", "text/plain")

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path.endswith("/models"):
            api = self._api_of_headers()
            answer = anthropic_sse.model_list() if api is Api.ANTHROPIC else openai_responses_sse.model_list()
            self._record(None, Kind.PROBE, 200, api=api)
            self._send_json(200, answer)
        elif path == "":
            self._record(None, Kind.PROBE, 200)
            self._send_json(200, {})
        else:
            self._not_found(None)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        body = self._read_json()
        if body is None:
            return
        if path.endswith("/messages"):
            self._converse(Api.ANTHROPIC, body)
        elif path.endswith("/responses"):
            self._converse(Api.OPENAI, body)
        elif path.endswith("/messages/count_tokens"):
            self._record(body, Kind.PROBE, 200, api=Api.ANTHROPIC)
            self._send_json(200, anthropic_sse.count_tokens(body))
        else:
            self._not_found(body)

    def _converse(self, api: Api, body: Mapping[str, Any]) -> None:
        script = self._scripted.script
        if script.is_side_request(body):
            kind, (index, reply) = Kind.SIDE, (None, script.side_reply)
        else:
            kind, (index, reply) = Kind.MAIN, script.next_reply(body)
        self._record(body, kind, 200, api=api, reply_index=index)
        ids = self._scripted.ids
        streaming = bool(body.get("stream"))
        if api is Api.ANTHROPIC:
            message = anthropic_sse.build_message(reply, body, ids)
            if streaming:
                self._send(200, anthropic_sse.stream_message(message), "text/event-stream")
            else:
                self._send_json(200, message)
        else:
            response = openai_responses_sse.build_response(reply, body, ids)
            if streaming:
                self._send(200, openai_responses_sse.stream_response(response), "text/event-stream")
            else:
                self._send_json(200, response)

    def _read_json(self) -> dict[str, Any] | None:
        """The request body as a JSON object, or None after answering the client with an error."""
        try:
            data = json.loads(self._read_body())
        except _BodyError as error:
            self._refuse(error.status, str(error))
            return None
        except ValueError as error:
            self._refuse(400, f"the request body is not JSON: {error}")
            return None
        if not isinstance(data, dict):
            self._refuse(400, "the request body must be a JSON object")
            return None
        return data

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = self._read_chunked()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise _BodyError(413, f"the request body has {length} bytes; the limit is {MAX_BODY_BYTES}")
            raw = self.rfile.read(length)
        return _decode(raw, self.headers.get("Content-Encoding", "identity").lower())

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            total += size
            if total > MAX_BODY_BYTES:
                raise _BodyError(413, f"the chunked request body exceeds {MAX_BODY_BYTES} bytes")
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        return b"".join(parts)

    def _api_of_headers(self) -> Api:
        return Api.ANTHROPIC if "anthropic-version" in self.headers or "x-api-key" in self.headers else Api.OPENAI

    def _not_found(self, body: Mapping[str, Any] | None) -> None:
        api = self._api_of_headers()
        message = f"the scripted model server has no route for {self.command} {self.path}"
        error = anthropic_sse.error_body(message, "not_found_error") if api is Api.ANTHROPIC else None
        self._record(body, Kind.UNKNOWN, 404, api=api)
        self._send_json(404, error or openai_responses_sse.error_body(message, "not_found"))

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True  # the body may be unread or half read: this connection is done
        api = self._api_of_headers()
        error = anthropic_sse.error_body(message) if api is Api.ANTHROPIC else openai_responses_sse.error_body(message)
        self._record(None, Kind.INVALID, status, api=api)
        self._send_json(status, error)

    def _send_json(self, status: int, data: Mapping[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _record(  # always before answering: a client that has its answer may look at the record at once
        self,
        body: Mapping[str, Any] | None,
        kind: Kind,
        status: int,
        *,
        api: Api | None = None,
        reply_index: int | None = None,
    ) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._scripted.record(Exchange(self.command, self.path, headers, body, api, kind, status, reply_index))


class _BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _decode(raw: bytes, encoding: str) -> bytes:
    """Undo gzip or deflate. Other encodings (zstd, br) need libraries the standard library lacks:
    the agents are configured to send plain bodies, and a compressed one is refused with a reason."""
    try:
        if encoding in ("", "identity"):
            return raw
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(raw)
        if encoding == "deflate":
            return zlib.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise _BodyError(400, f"the {encoding} request body is corrupt: {error}") from error
    raise _BodyError(415, f"Content-Encoding {encoding!r} is not supported; turn request compression off")
