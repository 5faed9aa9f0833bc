"""One small adapter per agent: hook payloads and transcripts in, domain events out; hook settings
installed and removed. Each adapter is a package (``claude_code``, ``codex``) of pure parsers tested
against real recorded material, plus the code that edits the agent's settings.
"""
