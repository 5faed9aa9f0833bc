"""Compile: accepted lessons become the artifacts agents load and obey, and can be removed again.

The force ladder, and where each rung is written (``targets.py`` is the table of contents):

    rule      CLAUDE.md / AGENTS.md managed block (rules.py, block.py); .claude/rules/<name>.md for paths
    hook      a PreToolUse check or PostToolUse reminder (hooks.py; the script is enforce.py)
    command   .claude/commands/<name>.md (workflows.py)
    skill     .claude/skills/<name>/SKILL.md, .agents/skills/<name>/SKILL.md (workflows.py)
    subagent  .claude/agents/<name>.md (workflows.py)

``compiler.py`` plans (build, check, compare with the registry) and applies; ``replay.py`` runs each
hook against the call that taught it; ``validate.py`` checks the rest; ``files.py`` writes, detects
drift and removes exactly; ``places.py`` says where project and user files live; ``proposals.py``
turns ``reverie promote`` / ``evolve`` into changes for review.
"""
