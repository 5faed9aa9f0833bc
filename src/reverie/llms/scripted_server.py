"""A scripted model server on 127.0.0.1: the real agent CLIs, offline, with a model that follows a script.

Claude Code and Codex CLI are pointed at this server (``ANTHROPIC_BASE_URL``, a Codex
``model_provider``); everything around the model is real: the client, its permission logic, its hooks
and its transcripts. Only the model's replies are scripted. That is how the project proves that its
hooks fire, that its context reaches the model and that its compiled hooks really block.

    with ScriptedServer(Script([shell("false"), shell("echo ok"), say("done")])) as server:
        run_claude(env={"ANTHROPIC_BASE_URL": server.url, ...})
        assert server.main_exchanges()[1].tool_results[0].is_error

Routes: ``POST /v1/messages`` (Anthropic Messages, ``?beta=true`` included) and ``POST /v1/responses``
(OpenAI Responses), streamed as SSE when the request asks for it; ``HEAD`` anything and ``GET /`` answer
200 (Claude Code probes its base URL); ``GET /v1/models`` and ``POST /v1/messages/count_tokens``
answer plausibly; anything else is 404 and recorded, so a test can show that the CLI asked for
nothing unexpected. Every response has a Content-Length (the SSE body is complete before it is
sent), so connections stay alive and no client waits for a close.

From the command line, for poking at an agent by hand:

    python -m reverie.llms.scripted_server --script script.json --record requests.jsonl
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType

from reverie.errors import InputError
from reverie.llms.scripted.exchange import Api, Exchange, Kind
from reverie.llms.scripted.handler import MAX_BODY_BYTES, RequestHandler
from reverie.llms.scripted.script import (
    IdSource,
    Reply,
    Script,
    ShellCall,
    ToolCall,
    ToolResult,
    never,
    say,
    shell,
    summary,
    tool,
)

__all__ = [
    "MAX_BODY_BYTES",
    "Api",
    "Exchange",
    "Kind",
    "Reply",
    "Script",
    "ScriptedServer",
    "ShellCall",
    "ToolCall",
    "ToolResult",
    "main",
    "never",
    "say",
    "shell",
    "summary",
    "tool",
]


class ScriptedServer:
    """Serves one script to whichever CLI connects; records every exchange. Use as a context manager."""

    def __init__(self, script: Script, *, port: int = 0, log: Callable[[str], None] | None = None) -> None:
        self.script = script
        self.ids = IdSource(secrets.token_hex(4))
        self._log = log
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", port), RequestHandler)
        self._http.daemon_threads = True
        self._http.host = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._serve, name="scripted-model", daemon=True)

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        """The base URL for Anthropic clients (``ANTHROPIC_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The base URL for OpenAI clients and Codex ``model_providers`` (ends in ``/v1``)."""
        return f"{self.url}/v1"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def _serve(self) -> None:
        # A short poll interval makes ``stop`` quick: ``shutdown`` waits for the loop's next poll.
        self._http.serve_forever(poll_interval=0.02)

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def main_exchanges(self, api: Api | None = None) -> list[Exchange]:
        """The main-conversation requests in arrival order: exchange ``n`` got reply ``n``."""
        return [item for item in self.exchanges if item.kind is Kind.MAIN and api in (None, item.api)]

    def unexpected(self) -> list[Exchange]:
        """Requests the server could not answer sensibly: unknown paths and unreadable bodies."""
        return [item for item in self.exchanges if item.kind in (Kind.UNKNOWN, Kind.INVALID)]

    def record(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)
        if self._log:
            served = f" reply {exchange.reply_index}" if exchange.reply_index is not None else ""
            self._log(f"{exchange.method} {exchange.path} -> {exchange.status} {exchange.kind}{served}")


# The command line.


def main(argv: Iterable[str] | None = None) -> int:
    options = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        script = _load_script(options)
    except InputError as error:
        print(f"scripted_server: {error}", file=sys.stderr)
        return 2
    server = ScriptedServer(script, port=options.port, log=lambda line: print(line, file=sys.stderr, flush=True))
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with server:
        print(f"scripted model server on {server.url} (OpenAI base URL {server.openai_base_url})", flush=True)
        stop.wait()
    if options.record:
        with Path(options.record).open("w", encoding="utf-8") as sink:
            sink.writelines(json.dumps(item.to_json()) + "\n" for item in server.exchanges)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reverie.llms.scripted_server",
        description="A scripted Anthropic Messages / OpenAI Responses server on 127.0.0.1 for running agent CLIs.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--script", help='a JSON list of {"say": ...}, {"shell": ...}, {"tool": ..., "input": ...}')
    # --say and --shell share one list so that their order on the command line is the script's order.
    parser.add_argument("--say", dest="replies", action="append", type=say, default=[], help="a text reply")
    parser.add_argument("--shell", dest="replies", action="append", type=shell, help="a shell-command reply")
    parser.add_argument("--record", help="write every request received as JSON lines here on exit")
    return parser


def _load_script(options: argparse.Namespace) -> Script:
    replies: list[Reply] = []
    if options.script:
        try:
            data = json.loads(Path(options.script).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"cannot read the script: {error}", path=options.script) from error
        replies.extend(Script.from_json(data, path=options.script).replies)
    return Script([*replies, *options.replies])


if __name__ == "__main__":
    sys.exit(main())
