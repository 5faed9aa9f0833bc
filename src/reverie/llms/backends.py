"""Model backends behind one narrow protocol: a system text and a prompt in, text and token usage out.

Distillation works without any of them; with one, a model may *propose* lessons that the
deterministic guards then decide on (``reverie.distill.llm``). Four implementations:

* ``AnthropicBackend``: the Messages API through the ``anthropic`` client (any ``base_url``);
* ``OpenAIBackend``: the Responses API through the ``openai`` client, for OpenAI or any compatible
  server, local ones included;
* ``ClaudeCliBackend``: headless ``claude -p`` with every hook disabled and ``REVERIE_CAPTURE=0``, so
  the call is neither observed by reverie nor able to trigger reverie's own hooks;
* ``ScriptedBackend``: answers from a list, for tests and evals (it ships with the library).

The first three are registered in the extension table (``BackendSpec`` below); a package adds its own
through the ``reverie.llm_backends`` entry-point group and ``--llm NAME`` then builds it.

Client libraries are imported when a backend is built, never at import time: they are optional.
Failures of the model or the network raise ``ReverieError`` with the backend's name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from reverie.errors import ConfigError, ReverieError
from reverie.extensions import LLM_BACKENDS

CAPTURE_ENV = "REVERIE_CAPTURE"


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million tokens; zero for local models."""

    input_per_mtok: float = 0.0
    output_per_mtok: float = 0.0

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1_000_000


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    input_tokens: int
    output_tokens: int


class Backend(Protocol):
    name: str
    price: Price

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion: ...


@dataclass
class AnthropicBackend:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    price: Price = field(default_factory=Price)
    timeout: float = 60.0
    name: str = "anthropic"

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion:
        anthropic = _client_library("anthropic")
        client = anthropic.Anthropic(
            base_url=self.base_url, api_key=self.api_key or os.environ.get("ANTHROPIC_API_KEY"), timeout=self.timeout
        )
        try:
            reply = client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.APIError as error:
            raise ReverieError(f"{self.name}: {error}") from error
        text = "".join(getattr(block, "text", "") for block in reply.content)
        return Completion(text, reply.model, reply.usage.input_tokens, reply.usage.output_tokens)


@dataclass
class OpenAIBackend:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    price: Price = field(default_factory=Price)
    timeout: float = 60.0
    name: str = "openai"

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion:
        openai = _client_library("openai")
        client = openai.OpenAI(
            base_url=self.base_url,
            api_key=self.api_key or os.environ.get("OPENAI_API_KEY") or "local",
            timeout=self.timeout,
        )
        try:
            reply = client.responses.create(
                model=self.model, instructions=system, input=prompt, max_output_tokens=max_tokens
            )
        except openai.OpenAIError as error:
            raise ReverieError(f"{self.name}: {error}") from error
        usage = reply.usage
        return Completion(
            reply.output_text, reply.model, usage.input_tokens if usage else 0, usage.output_tokens if usage else 0
        )


@dataclass
class ClaudeCliBackend:
    """``claude -p``: the person's own Claude Code login, with our hooks (all hooks) off."""

    model: str | None = None
    executable: str = "claude"
    price: Price = field(default_factory=Price)
    timeout: float = 300.0
    name: str = "claude-cli"

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion:
        found = shutil.which(self.executable)
        if found is None:
            raise ConfigError(f"{self.name}: `{self.executable}` is not on PATH")
        command = [found, "-p", prompt, "--output-format", "json", "--append-system-prompt", system]
        command += ["--settings", json.dumps({"disableAllHooks": True}), "--max-turns", "1"]
        if self.model:
            command += ["--model", self.model]
        environment = {**os.environ, CAPTURE_ENV: "0"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, env=environment)
        except subprocess.TimeoutExpired as error:
            raise ReverieError(f"{self.name}: no answer in {self.timeout:.0f} s") from error
        if done.returncode != 0:
            raise ReverieError(f"{self.name}: exit {done.returncode}: {done.stderr.strip()[:300]}")
        return _claude_json(done.stdout, self.model or "claude")


def _claude_json(stdout: str, model: str) -> Completion:
    try:
        result: dict[str, Any] = json.loads(stdout)
    except json.JSONDecodeError as error:
        raise ReverieError(f"claude-cli: not JSON: {stdout[:200]!r}") from error
    usage = result.get("usage") or {}
    return Completion(
        str(result.get("result", "")), model, int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
    )


@dataclass
class ScriptedBackend:
    """Answers from a list, in order, and keeps every prompt it was given."""

    replies: Iterable[str]
    price: Price = field(default_factory=Price)
    name: str = "scripted"
    prompts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._replies = iter(self.replies)

    def complete(self, system: str, prompt: str, *, max_tokens: int) -> Completion:
        self.prompts.append(prompt)
        text = next(self._replies, "[]")
        return Completion(text, "scripted", (len(system) + len(prompt)) // 4, len(text) // 4)


def _client_library(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as error:
        raise ConfigError(f"the {name} backend needs the `{name}` package: pip install {name}") from error


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """One LLM backend of the extension table (``reverie.extensions.LLM_BACKENDS``, entry-point group
    ``reverie.llm_backends``): ``build(model, base_url, price)`` returns a ``Backend``; ``model`` is
    ``None`` when the person named none."""

    name: str
    summary: str
    build: Callable[[str | None, str | None, Price], Backend]


def backend_specs() -> tuple[BackendSpec, ...]:
    return LLM_BACKENDS.all(BackendSpec)


def build_backend(name: str, model: str | None, base_url: str | None, price: Price | None = None) -> Backend:
    spec = next((known for known in backend_specs() if known.name == name), None)
    if spec is None:
        raise ConfigError(f"no LLM backend named {name!r} (installed: {', '.join(s.name for s in backend_specs())})")
    return spec.build(model, base_url, price or Price())


for _built_in in (
    BackendSpec(
        "anthropic",
        "the Messages API (any base URL)",
        lambda model, base_url, price: AnthropicBackend(model or "claude-haiku-4-5", base_url=base_url, price=price),
    ),
    BackendSpec(
        "openai",
        "the Responses API of OpenAI or a compatible server",
        lambda model, base_url, price: OpenAIBackend(model or "gpt-5-mini", base_url=base_url, price=price),
    ),
    BackendSpec(
        "claude-cli",
        "headless claude -p, unobserved",
        lambda model, base_url, price: ClaudeCliBackend(model=model, price=price),
    ),
):
    LLM_BACKENDS.register(_built_in)
