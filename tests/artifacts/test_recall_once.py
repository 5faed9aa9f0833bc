"""Once, in the strongest place: a lesson compiled into the rules an agent loads is not injected again."""

from __future__ import annotations

import time

from reverie.artifacts.model import Target
from reverie.distill.explicit import forget
from reverie.recall import config, inject, lookup
from reverie.recall import session_state as states
from reverie.recall.index import refresh_index
from tests.artifacts.conftest import TESTS_RULE, Env
from tests.recall.builders import PNPM, PROJECT


def digest_for(env: Env, agent: str) -> list[str]:
    index = lookup.open_index(str(env.workspace.home), lookup.scope_tokens(PROJECT, "s1"))
    assert index is not None
    context_only = config.Budget({"call_decision": 0})  # PNPM would wait for its call otherwise
    answer = inject.digest(index, states.SessionState(None), context_only, agent, time.time())
    return [hit.row.id for hit in answer.shown]


def test_a_lesson_compiled_into_claude_md_is_not_injected_to_claude_code_again(env: Env) -> None:
    env.store([TESTS_RULE, PNPM])
    env.compile([Target.CLAUDE_CODE])
    refresh_index(env.workspace)
    assert TESTS_RULE.id not in digest_for(env, "claude-code") and PNPM.id in digest_for(env, "claude-code")
    assert TESTS_RULE.id in digest_for(env, "codex")  # Codex reads AGENTS.md, which was not compiled


def test_a_removed_rule_or_a_retired_lesson_changes_what_is_injected(env: Env) -> None:
    env.store([TESTS_RULE])
    plan = env.compile([Target.CLAUDE_CODE])
    refresh_index(env.workspace)
    assert TESTS_RULE.id not in digest_for(env, "claude-code")
    from reverie.artifacts import compiler

    rules = next(a.artifact.id for a in plan.actions if a.artifact.kind.value == "rules")
    compiler.remove(env.workspace.store, rules)
    refresh_index(env.workspace)
    assert TESTS_RULE.id in digest_for(env, "claude-code")  # no longer in CLAUDE.md: recall shows it again
    forget(env.workspace.store, TESTS_RULE.id, "wrong")
    refresh_index(env.workspace)
    assert TESTS_RULE.id not in digest_for(env, "claude-code")
