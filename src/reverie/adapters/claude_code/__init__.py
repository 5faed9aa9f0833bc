"""Claude Code: hook payloads, transcripts (~/.claude/projects/*/*.jsonl) and settings."""
