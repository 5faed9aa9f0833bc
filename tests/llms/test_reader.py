"""The model-backed reader, driven through the real ``anthropic`` and ``openai`` client libraries against
the scripted model server: it proposes, code decides (statement checks, then the same guards)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reverie.cli import lessons as lessons_cli
from reverie.cli import main
from reverie.cli.evals import eval_
from reverie.distill.llm import statement_checks
from reverie.evals import corpus
from reverie.llms.scripted_server import Reply, Script, ScriptedServer, never, say
from reverie.workspace import Workspace
from tests.distill.trace import Trace

pytestmark = pytest.mark.usefixtures("grammar_reader")  # these test what follows reading, not the model

pytest.importorskip("anthropic")
pytest.importorskip("openai")

FIXTURE = Path(__file__).parents[1] / "evals" / "real_turns" / "holdout"
REF = re.compile(r"^\[(E\d+)\] (?:\(agent just before: .*?\) )?user (?:said|refused a tool call and said): (.*)$")
INVENTED = "Run `make nuke` before every commit."


def prompt_of(body: Any) -> str:
    if "messages" in body:
        content = body["messages"][-1]["content"]
        return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)
    given = body.get("input")
    return given if isinstance(given, str) else json.dumps(given)


def oracle(body: Any) -> Reply:
    """A stand-in model that reads as the labeller did, plus one invented command it must not get away with."""
    turns = corpus.load(FIXTURE)
    items: list[dict[str, str]] = []
    for line in prompt_of(body).splitlines():
        found = REF.match(line)
        if not found:
            continue
        for turn in turns:
            if turn.text.strip() and " ".join(turn.text.split()) in found[2]:
                for lesson in turn.lessons:
                    scope = "global" if lesson.label == corpus.STANDING_GLOBAL else "project"
                    lasts = "one_off" if lesson.label == corpus.ONE_OFF else "standing"
                    items.append(
                        {
                            "ref": found[1],
                            "quote": lesson.quote,
                            "statement": lesson.statement,
                            "lasts": lasts,
                            "scope": scope,
                            "kind": "preference",
                        }
                    )
                items.append({"ref": found[1], "quote": turn.text[:20], "statement": INVENTED, "kind": "rule"})
    return say(json.dumps(items))


@pytest.mark.parametrize("backend", ["anthropic", "openai"])
def test_eval_real_with_the_model_as_reader_through_the_real_clients(backend: str, tmp_path: Path) -> None:
    with ScriptedServer(Script.answering(oracle, is_side_request=never)) as server:
        url = server.url if backend == "anthropic" else server.openai_base_url
        result = CliRunner().invoke(
            eval_,
            [
                "--real",
                str(FIXTURE),
                "--reader",
                "llm",
                "--llm",
                backend,
                "--base-url",
                url,
                "--model",
                "m",
                "--workdir",
                str(tmp_path),
                "--json",
            ],
            env={"ANTHROPIC_API_KEY": "test", "OPENAI_API_KEY": "test"},
        )
        assert result.exit_code == 0, result.output
        assert len(server.main_exchanges()) == 6 and not server.unexpected()
    document = json.loads(result.output)
    metrics = document["metrics"]
    # Every standing label the person typed is read, the answer to the agent's question included (the
    # importer reads it out of the question tool's result as the person's words).
    assert (metrics["recall"]["n"], metrics["recall"]["d"]) == (5, 5)
    assert metrics["one_offs_persisted"]["n"] == 0 and metrics["self_learned"]["n"] == 0
    statements = [lesson["statement"] for lesson in document["audit"]["unmatched_lessons"]]
    assert INVENTED not in statements and statements == ["Indent with tabs."]  # superseded by the person
    assert document["meta"]["reader"] == "llm" and document["meta"]["model_calls"] == 6


def test_statement_checks_keep_the_model_to_the_persons_words() -> None:
    typed = "we pin deps in requirements.txt and push with --force-with-lease"
    assert statement_checks("Push with --force-with-lease.", "push with --force-with-lease", typed)
    assert statement_checks("Pin dependencies in requirements.txt.", "we pin deps in requirements.txt", typed)
    assert not statement_checks("Push with --force.", "push with --force-with-lease", typed)  # a flag not typed
    assert not statement_checks(INVENTED, "we pin deps", typed)  # a command the person never wrote
    assert not statement_checks("Should we pin deps?", "we pin deps", typed)
    assert not statement_checks("Be nice.", "we pin deps", typed)  # nothing of the quote in it


def test_distill_reader_llm_replaces_the_rules_reader_and_config_chooses_it(reverie_home: Path) -> None:
    workspace = Workspace.open()
    Trace("s1").prompt("go").run("ls").prompt("use ruff, not flake8").into(workspace.store)
    workspace.close()
    cli = main.__class__(name="reverie", commands={c.name: c for c in lessons_cli.COMMANDS if c.name})
    (reverie_home / "config.toml").write_text('[reader]\nkind = "llm"\nbackend = "openai"\n', encoding="utf-8")
    with ScriptedServer(Script([say("[]")], is_side_request=never)) as server:
        args = ["distill", "--base-url", server.openai_base_url, "--json"]
        done = CliRunner().invoke(cli, args, env={"OPENAI_API_KEY": "test"})
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["llm"]["used"] and len(server.main_exchanges()) == 1
    workspace = Workspace.open()
    # The model said nothing, and the rules were not asked: no lesson, though the rules would find one.
    assert [lesson for lesson in workspace.store.lessons() if lesson.extractor == "corrections"] == []
    workspace.close()


def test_a_reader_that_cannot_run_is_reported_not_silently_scored_as_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `claude` here
    args = ["--real", str(FIXTURE), "--reader", "llm", "--llm", "claude-cli", "--workdir", str(tmp_path), "--json"]
    document = json.loads(CliRunner().invoke(eval_, args).output)
    assert document["meta"]["distill_failures"] == 6 and "not on PATH" in document["meta"]["first_failure"]
