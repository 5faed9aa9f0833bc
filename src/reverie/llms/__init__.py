"""Language-model backends.

The core of reverie is deterministic and never needs a model; LLMs are optional helpers that
propose. This package holds those backends, and the fakes that ship with the library so that tests,
evals and users' own tests can run real agents without a real model:

- ``reverie.llms.scripted_server``: a model server on 127.0.0.1 that speaks the Anthropic Messages
  API and the OpenAI Responses API (both with SSE streaming) and answers from a script, so the real
  Claude Code and Codex CLIs can run end to end offline.
"""
