"""Codex CLI: hook payloads, rollouts ($CODEX_HOME/sessions/**/rollout-*.jsonl) and hooks.json."""
